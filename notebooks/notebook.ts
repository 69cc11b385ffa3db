// `import … from "xlgrad/notebook"`: what the article's cells use, for a
// lesson of your own. The library itself (trace, buildWorkbook, check, …) is
// `import … from "xlgrad"`.

// The page's inputs: what is typed, its validation, the URL hash.
export { checkInput, rawInputOf, notShown, PAGE_PRESETS, PAGE_MAX_EPOCHS, type RawInput, type Checked } from './cells/input.ts';
export { toHash, fromHash, type PageState } from './cells/hash.ts';

// Plain data for the article's figures and tables.
export { combination as combinationCurve, FIGURE_1, COEFFICIENT_NAMES, type Coefficients } from './cells/combination.ts';
export { activations as activationCurves } from './cells/activations.ts';
export { combinationChart, activationChart, lossChart, trajectoryChart, sliceChart, boundaryChart, type Chart } from './cells/charts.ts';
export { diagram as networkDiagram, type Explain } from './cells/diagram.ts';
export { stepThrough as stepFrames, type StepThrough, type StepFrame } from './cells/stepThrough.ts';
export { line as formulaLine, values as formulaValues, shown as shownName } from './cells/formulas.ts';
export { derivatives as derivativeTex, type DerivativeTex } from './cells/derivatives.ts';
export { gradientRows, METHODS } from './cells/gradients.ts';
export { lossSlice } from './cells/slice.ts';
export { train, paramsAt, epochDetail, type Training } from './cells/training.ts';
export { datasets, type Dataset, type DatasetName } from './cells/datasets.ts';
export {
  playgroundConfig, checkPlayground, decisionGrid, probabilityAt, PLAYGROUND_DEFAULTS, OPTIMIZER_CHOICES, PLAYGROUND_LEARNING_RATES,
  PLAYGROUND_MAX_EPOCHS, PLAYGROUND_MAX_HIDDEN, PLAYGROUND_MAX_GRID, type PlaygroundSettings, type DecisionGrid,
} from './cells/playground.ts';
export { num, diff } from './cells/format.ts';
export * from './steps.ts';

// Views: elements to display, and inputs for view(…).
export * from './views.ts';

// The core the article's cells build on.
export { ARTICLE, type Config } from '../src/config.ts';
export { networkOf, inputsOf } from '../src/trace.ts';
export { PAGE_MAX_WORK } from '../src/limits.ts';
