// xlgrad's core, as a table of contents. Each line is one concept in one file.

// The expression graph and its rule table
export { Graph, type Node } from './graph.ts';
export { ops, opNames, type OpName, type Rule } from './ops.ts';
export { algebra, float32, float32Portable, float64, numeric, expressions, type Algebra, type Dtype } from './algebra.ts';
export { network, reduceLoss, type Network, type Architecture, type Activation, type Loss, type Layer, type SampleNames } from './network.ts';
export * as names from './names.ts';

// Projections: numbers, derivatives, code, text
export { evaluate, type Env } from './evaluate.ts';
export { backprop, reverse } from './backprop.ts';
export { symbolic } from './symbolic.ts';
export { finiteDifference, centralDifference, DEFAULT_STEP, type Kink } from './finiteDifference.ts';
export { compileTrainLoop, type TrainLoop } from './compile.ts';
export { pytorchScript } from './pytorchScript.ts';
export { print, type PrintOptions, type StyleName } from './print.ts';
export { toText } from './toText.ts';
export { toTex, texName, texEquation } from './toTex.ts';

// PyTorch-exact numbers
export { MT19937 } from './mt19937.ts';
export { fma, fmaf } from './fma.ts';
export { torchInit, type Rounding } from './torchInit.ts';
export { sgdUpdate, optimizerUpdate, adamScalars, stateKinds, namedState, type ParamState, type AdamScalars } from './optimizer.ts';

// Runs
export { parseJson } from './parseJson.ts';
export { normalizeConfig, parseConfig, paramNames, ConfigError, ARTICLE, ACTIVATIONS, LOSSES, DTYPES, OPTIMIZERS, type Config, type ConfigOptions, type Init, type Optimizer } from './config.ts';
export { parseCsv } from './csv.ts';
export * as limits from './limits.ts';
export { train, batchesOf, networkOf, networksOf, initialParams, inputsOf, type Step, type TrainOptions, type Params } from './train.ts';
export { trace, epochDetails, expressionsOf, type Trace, type TraceOptions, type StepTrace, type EpochTrace, type EpochSummary, type Grads } from './trace.ts';
export { fixtures, findFixture, type Fixture } from './fixtures.ts';
export { presets, preset } from './presets.ts';
