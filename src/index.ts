// xlgrad's core, as a table of contents. Each line is one concept in one file.

// The expression graph and its rule table
export { Graph, type Node } from './graph.ts';
export { ops, opNames, type OpName, type Rule } from './ops.ts';
export { algebra, float32, float64, numeric, expressions, type Algebra, type Dtype } from './algebra.ts';
export { network, type Network, type Architecture, type Activation, type Loss, type Layer } from './network.ts';

// Projections: numbers, derivatives, code, text
export { evaluate, type Env } from './evaluate.ts';
export { backprop, reverse } from './backprop.ts';
export { symbolic } from './symbolic.ts';
export { finiteDifference, centralDifference, DEFAULT_STEP, type Kink } from './finiteDifference.ts';
export { compileTrainLoop, type TrainLoop } from './compile.ts';
export { print, type PrintOptions, type StyleName } from './print.ts';
export { toText } from './toText.ts';
export { toTex, texName, texEquation } from './toTex.ts';

// PyTorch-exact numbers
export { MT19937 } from './mt19937.ts';
export { fmaf } from './float32.ts';
export { torchInit, type Rounding } from './torchInit.ts';
export { sgdStep, sgdUpdate } from './sgd.ts';

// Runs
export { parseJson } from './parseJson.ts';
export { normalizeConfig, parseConfig, paramNames, ConfigError, ARTICLE, type Config, type Init } from './config.ts';
export { trace, networkOf, initialParams, inputsOf, expressionsOf, type Trace, type EpochTrace, type Params } from './trace.ts';
export { fixtures, findFixture, type Fixture } from './fixtures.ts';
export { presets, preset } from './presets.ts';
