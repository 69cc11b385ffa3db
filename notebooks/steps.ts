// The article's computations, one function per cell of notebooks/article.html
// that does more than call a single helper: each takes the cell's inputs and
// returns plain data for a view. (Moved here from the TypeScript cell graph
// the article used to be.)

import { ARTICLE, type Config } from '../src/config.ts';
import { findFixture, type Fixture } from '../src/fixtures.ts';
import { adjoint } from '../src/names.ts';
import type { Network } from '../src/network.ts';
import { inputsOf, networkOf, type EpochTrace, type Params } from '../src/trace.ts';
import { prepareLayout } from '../src/workbook/evaluateLayout.ts';
import { layoutWorkbook } from '../src/workbook/layout.ts';
import { dataName, epochName } from '../src/workbook/names.ts';
import { FIGURE_1 } from './cells/combination.ts';
import { num } from './cells/format.ts';
import { line, values } from './cells/formulas.ts';
import { gradientRows, type PytorchColumn } from './cells/gradients.ts';
import type { PageState } from './cells/hash.ts';
import { rawInputOf, type Checked, type RawInput } from './cells/input.ts';
import { PLAYGROUND_DEFAULTS } from './cells/playground.ts';
import { lossSlice, type Slice } from './cells/slice.ts';
import { epochDetail, paramsAt, type Training } from './cells/training.ts';
import { sliceSpec, sliceValues } from './cells/charts.ts';
import type { Upload } from './cells/upload.ts';

export const DEFAULT_INPUT: RawInput = rawInputOf(ARTICLE, 'article');

/** The page with nothing in its URL: the article's inputs, Figure 1, epoch 1, the slice through b4 (its unit's ReLU kink lies within it). */
export const PAGE_DEFAULTS: PageState = { input: DEFAULT_INPUT, coefficients: FIGURE_1, epoch: 1, slice: 'b4', own: PLAYGROUND_DEFAULTS };

/** The last valid configuration: `keep(checked)` is checked.config, or the one before when the inputs are invalid. */
export function lastValidConfig(initial: Config = ARTICLE): (checked: Checked) => Config {
  let last = initial;
  return (checked) => (last = checked.config ?? last);
}

const sameArchitecture = (net: Network, c: Config) =>
  net.arch.layers.join() === c.layers.join() && net.arch.bias.join() === c.bias.join() &&
  net.arch.activation === c.activation && net.arch.outputActivation === c.outputActivation && net.arch.loss === c.loss;

/** The one-sample network of a config, the same object while the architecture stays (so compiled loops are reused). */
export function networkFor(): (config: Config) => Network {
  let net: Network | undefined;
  return (config) => (net = net && sameArchitecture(net, config) ? net : networkOf(config, 1));
}

/** The epoch whose details are shown: the one asked for, within the run. */
export const clampEpoch = (asked: number, t: Training) => Math.max(1, Math.min(Math.trunc(asked) || 1, t.epochs));

export interface Summary {
  epoch: number;
  epochs: number;
  loss: string;
  yhat: string[];
  lastLoss: string;
  diverged: string | null;
  fixture: string | null;
  dtype: string;
}

export function summaryOf(config: Config, t: Training, d: EpochTrace, epoch: number, fixture: Fixture | null): Summary {
  return {
    epoch,
    epochs: t.epochs,
    loss: num(d.loss),
    yhat: d.yhat.map(num),
    lastLoss: num(t.losses[t.epochs - 1]!),
    diverged: t.diverged?.message ?? null,
    fixture: fixture ? `${fixture.name}: ${fixture.description}` : null,
    dtype: config.dtype,
  };
}

export const fixtureFor = (config: Config): Fixture | null => findFixture(config) ?? null;

/** Rows of the forward table: the first five epochs, the selected one and the last. */
function shownEpochs(epochs: number, selected: number): number[] {
  const list = new Set<number>();
  for (let e = 1; e <= Math.min(5, epochs); e++) list.add(e);
  list.add(selected).add(epochs);
  return [...list].sort((a, b) => a - b);
}

export interface ForwardRows {
  columns: string[];
  rows: { epoch: number; selected: boolean; values: number[]; dead: string[] }[];
  hidden: number;
}

export function forwardRows(net: Network, config: Config, t: Training, selected: number): ForwardRows {
  const epochs = shownEpochs(t.epochs, selected);
  return {
    columns: net.nodes,
    rows: epochs.map((e) => {
      const d = epochDetail(net, config, paramsAt(t, net, e), false);
      return { epoch: e, selected: e === selected, values: net.nodes.map((n) => d.nodes[n]!), dead: net.kinkSites.filter((z) => !(d.nodes[z]! > 0)) };
    }),
    hidden: t.epochs - epochs.length,
  };
}

/** PyTorch's gradients for the epoch: recorded when a fixture matches, else xlgrad's float32 emulation. */
export function pytorchColumn(fixture: Fixture | null, net: Network, config: Config, params: Params, epoch: number): PytorchColumn {
  const recorded = fixture?.epochs[epoch - 1];
  if (fixture && recorded) return { grads: recorded.grads, source: `recorded PyTorch ${fixture.torch} run "${fixture.name}"`, recorded: true };
  const f32 = epochDetail(net, { ...config, dtype: 'float32' }, params, false);
  return { grads: f32.grads.backprop, source: 'no recorded PyTorch run for these inputs: xlgrad\'s float32 emulation of PyTorch', recorded: false };
}

// The workbook's formulas do not depend on the numbers typed: x, y and the
// parameters entering the epoch are value cells of its Inputs sheet. So the
// layout is made and its formulas scanned once per network and settings, and
// each change recalculates the same formulas with new values in those cells.
type WorkbookGradients = (params: Params, samples: Params[]) => { grads: Params; formulas: number };
const workbooks = new WeakMap<Network, Map<string, WorkbookGradients>>();

function workbookFor(net: Network, config: Config, params: Params): WorkbookGradients {
  const key = JSON.stringify({ ...config, x: config.x.length, y: config.y.length, init: null, epochs: 1 });
  let byKey = workbooks.get(net);
  if (!byKey) workbooks.set(net, (byKey = new Map()));
  let run = byKey.get(key);
  if (run) return run;
  const layout = layoutWorkbook({ ...config, epochs: 1, init: { params } }, { numeric: false });
  const wanted = net.params.map((p) => epochName(adjoint(p), 1));
  // The gradients live on the epoch sheet and read the Inputs sheet; the rest need not be scanned.
  const sheets = layout.sheets.filter((s) => s.name === 'Inputs' || /^Epoch /.test(s.name));
  const recalculate = prepareLayout(sheets, layout.names, { only: wanted });
  run = (at, samples) => {
    const values: Params = {};
    for (const p of net.params) values[epochName(p, 1)] = at[p]!;
    samples.forEach((data, s) => {
      for (const n of [...net.x, ...net.y]) values[dataName(n, s + 1, samples.length)] = data[n]!;
    });
    const { names, cells } = recalculate(values);
    const grads: Params = {};
    net.params.forEach((p, i) => {
      const v = names[wanted[i]!];
      grads[p] = typeof v === 'number' ? v : NaN;
    });
    const formulas = sheets.reduce((n, s) => n + s.cells.filter((c) => c.formula !== undefined && cells.has(`${s.name}!${c.address}`)).length, 0);
    return { grads, formulas };
  };
  byKey.set(key, run);
  return run;
}

/**
 * ∂L/∂θ as the workbook's formulas give it, for one epoch started at
 * `params`, recalculated by fast-formula-parser when first read: the five-way
 * table reads it when it is drawn (on screen, or for printing), so the formula
 * engine does not run for a table no one sees.
 */
export function workbookGradients(net: Network, config: Config, params: Params): { readonly grads: Params; readonly formulas: number } {
  let result: { grads: Params; formulas: number } | undefined;
  const get = () => (result ??= workbookFor(net, config, params)(params, config.x.map((_, s) => inputsOf(net, config, [s]))));
  return {
    get grads() {
      return get().grads;
    },
    get formulas() {
      return get().formulas;
    },
  };
}

/** The five-way table's data: backprop, symbolic, finite differences, PyTorch, the workbook. */
export function fiveWays(d: EpochTrace, py: PytorchColumn, wb: { readonly grads: Params; readonly formulas: number }, c: Config) {
  // Read when the table is drawn: the workbook column is recalculated then (workbookGradients).
  let rows: ReturnType<typeof gradientRows> | undefined;
  return {
    get rows() {
      return (rows ??= gradientRows(d, py, wb.grads));
    },
    pytorch: py.source,
    get workbook() {
      return `the ${wb.formulas} workbook formulas these gradients need, recalculated in the browser by fast-formula-parser (float64, as a spreadsheet computes)`;
    },
    dtype: c.dtype,
  };
}

/** θ before the step, its gradient and θ after, for the selected epoch. */
export function sgdStep(net: Network, t: Training, k: number, d: EpochTrace, c: Config) {
  const after = paramsAt(t, net, k + 1);
  return { lr: c.lr, epoch: k, rows: net.params.map((p) => ({ param: p, before: d.params[p]!, grad: d.grads.backprop[p]!, after: after[p]! })) };
}

/**
 * The loss along one parameter (the one asked for, else the first with a
 * gradient), as a chart and its numbers. The parameter and the chart's spec
 * are known at once; the curve (165 evaluations of the graph) is computed the
 * first time its points or numbers are read, which the chart does when it is
 * drawn (on screen, or for printing): a slider moved elsewhere on the page
 * does not pay for a slice no one sees.
 */
export function sliceOf(net: Network, params: Params, data: Params, c: Config, d: EpochTrace, wanted: string) {
  const p = net.params.includes(wanted) ? wanted : net.params.find((q) => d.grads.backprop[q] !== 0) ?? net.params[0]!;
  let s: Slice | undefined, values: Slice['points'] | undefined;
  const slice = () => (s ??= lossSlice(net, params, data, c.dtype, p, d.grads.backprop[p]!));
  return {
    spec: sliceSpec(p),
    get values() {
      return (values ??= sliceValues(slice()));
    },
    param: p,
    get theta() {
      return slice().theta;
    },
    get gradient() {
      return slice().gradient;
    },
    get h() {
      return slice().h;
    },
    get secantSlope() {
      return slice().secantSlope;
    },
    get kinkNodes() {
      return slice().kinkNodes;
    },
    params: net.params,
  };
}

/** What the Download button builds. */
export const downloadFor = (config: Config) => ({ config, filename: `xlgrad-${config.layers.join('-')}-${config.epochs}-epochs.xlsx` });

/** A learner's workbook checked as `xlgrad check` does (exceljs and the checker load only when a file arrives). */
export async function checkUpload(u: Upload | null) {
  if (!u) return null;
  const { checkWorkbookInBrowser } = await import('../src/check/checkWorkbookInBrowser.ts');
  return { ...(await checkWorkbookInBrowser(u.bytes, { fileName: u.name })), upload: u };
}

/** Each quantity's definition with the numbers plugged in (`z3 = w3 · a1 + … = −0.0627`), by name, at `params`: the diagram's explanations. */
export function formulasAt(net: Network, params: Params, data: Params, dtype: Config['dtype']): (name: string) => string {
  const v = values(net, params, data, dtype);
  return (name) => line(net, v, name);
}
