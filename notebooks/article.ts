// The article "Neural Networks: Forward pass and Backpropagation" as a
// notebook: named cells with explicit inputs on @observablehq/runtime. Cells
// compute plain data by calling xlgrad's core; only observers (render/) touch
// the DOM, so the whole graph runs headless in Node.
//
// Input cells (the page redefines them when a control changes):
//   coefficients · input · selectedEpoch · sliceParam · upload · logLoss
// Everything else follows from them, in the article's order.

import type { Module, Observer, Runtime } from '@observablehq/runtime';
import { ARTICLE, type Config } from '../src/config.ts';
import { findFixture, type Fixture } from '../src/fixtures.ts';
import { adjoint } from '../src/names.ts';
import type { Network } from '../src/network.ts';
import { inputsOf, networkOf, type EpochTrace, type Params } from '../src/trace.ts';
import { evaluateLayout } from '../src/workbook/evaluateLayout.ts';
import { layoutWorkbook } from '../src/workbook/layout.ts';
import { epochName } from '../src/workbook/names.ts';
import { activations } from './cells/activations.ts';
import { activationChart, combinationChart, lossChart, sliceChart, trajectoryChart } from './cells/charts.ts';
import { combination, FIGURE_1, type Coefficients } from './cells/combination.ts';
import { derivatives } from './cells/derivatives.ts';
import { diagram } from './cells/diagram.ts';
import { line, values } from './cells/formulas.ts';
import { num } from './cells/format.ts';
import { gradientRows, type PytorchColumn } from './cells/gradients.ts';
import { checkInput, rawInputOf, type Checked, type RawInput } from './cells/input.ts';
import { lossSlice } from './cells/slice.ts';
import { epochDetail, paramsAt, train, type Training } from './cells/training.ts';

export type ObserverFactory = (name: string) => Observer | undefined;

/** A workbook the reader uploaded, for the check cell. */
export interface Upload {
  name: string;
  bytes: Uint8Array;
}

/** Every cell, in the order the article shows them. */
export const CELLS = [
  'coefficients', 'combination', 'activations', 'diagram',
  'input', 'checked', 'config', 'summary',
  'forward', 'derivatives', 'gradients', 'sgd', 'loss', 'trajectories',
  'sliceParam', 'slice', 'download', 'upload', 'checkReport', 'logLoss',
  // Intermediate values, observed by nothing on the page.
  'net', 'training', 'selectedEpoch', 'epoch', 'data', 'params', 'detail', 'fixture', 'pytorch', 'workbook',
] as const;

export const DEFAULT_INPUT: RawInput = rawInputOf(ARTICLE, 'article');

const sameArchitecture = (net: Network, c: Config) =>
  net.arch.layers.join() === c.layers.join() && net.arch.bias.join() === c.bias.join() &&
  net.arch.activation === c.activation && net.arch.outputActivation === c.outputActivation && net.arch.loss === c.loss;

/** Rows of the forward table: the first five epochs, the selected one and the last. */
function shownEpochs(epochs: number, selected: number): number[] {
  const list = new Set<number>();
  for (let e = 1; e <= Math.min(5, epochs); e++) list.add(e);
  list.add(selected).add(epochs);
  return [...list].sort((a, b) => a - b);
}

function pytorchColumn(fixture: Fixture | null, net: Network, config: Config, params: Params, epoch: number): PytorchColumn {
  const recorded = fixture?.epochs[epoch - 1];
  if (fixture && recorded) return { grads: recorded.grads, source: `recorded PyTorch ${fixture.torch} run "${fixture.name}"`, recorded: true };
  const f32 = epochDetail(net, { ...config, dtype: 'float32' }, params, false);
  return { grads: f32.grads.backprop, source: 'no recorded PyTorch run for these inputs: xlgrad\'s float32 emulation of PyTorch', recorded: false };
}

/** ∂L/∂θ as the workbook's formulas give it, for one epoch started at `params`, recalculated by fast-formula-parser. */
function workbookGradients(net: Network, config: Config, params: Params): { grads: Params; formulas: number } {
  const layout = layoutWorkbook({ ...config, epochs: 1, init: { params } }, { numeric: false });
  const wanted = net.params.map((p) => epochName(adjoint(p), 1));
  // The gradients live on the epoch sheet and read the Inputs sheet; the rest need not be scanned.
  const sheets = layout.sheets.filter((s) => s.name === 'Inputs' || /^Epoch /.test(s.name));
  const { names, cells } = evaluateLayout(sheets, layout.names, { only: wanted });
  const grads: Params = {};
  net.params.forEach((p, i) => {
    const v = names[wanted[i]!];
    grads[p] = typeof v === 'number' ? v : NaN;
  });
  const formulas = sheets.reduce((n, s) => n + s.cells.filter((c) => c.formula !== undefined && cells.has(`${s.name}!${c.address}`)).length, 0);
  return { grads, formulas };
}

export default function define(runtime: Runtime, observer: ObserverFactory = () => undefined): Module {
  const main = runtime.module();
  const cell = (name: (typeof CELLS)[number], inputs: readonly string[], definition: (...args: any[]) => unknown) =>
    main.variable(observer(name)).define(name, inputs, definition);

  // 1. A combination of functions (Figure 1) and 2. activation functions.
  cell('coefficients', [], () => ({ ...FIGURE_1 }));
  cell('combination', ['coefficients'], (c: Coefficients) => combinationChart(combination(c)));
  cell('activations', [], () => activationChart(activations()));

  // 4. Inputs: what the user typed, its validation, and the last valid configuration.
  cell('input', [], () => structuredClone(DEFAULT_INPUT));
  cell('checked', ['input'], (input: RawInput) => checkInput(input));
  cell('config', ['checked'], function (this: Config | undefined, checked: Checked) {
    return checked.config ?? this ?? ARTICLE;
  });
  cell('net', ['config'], function (this: Network | undefined, config: Config) {
    return this && sameArchitecture(this, config) ? this : networkOf(config, 1);
  });
  // The one sample's inputs and targets by name (x1, y1, …).
  cell('data', ['net', 'config'], (net: Network, config: Config) => inputsOf(net, config, [0]));

  // Training, and the epoch whose details the page shows.
  cell('training', ['net', 'config'], (net: Network, config: Config) => train(net, config));
  cell('selectedEpoch', [], () => 1);
  cell('epoch', ['selectedEpoch', 'training'], (k: number, t: Training) => Math.max(1, Math.min(Math.trunc(k) || 1, t.epochs)));
  cell('params', ['training', 'net', 'epoch'], (t: Training, net: Network, k: number) => paramsAt(t, net, k));
  cell('detail', ['net', 'config', 'params'], (net: Network, config: Config, params: Params) => epochDetail(net, config, params));
  cell('fixture', ['config'], (config: Config) => findFixture(config) ?? null);
  cell('summary', ['config', 'training', 'detail', 'epoch', 'fixture'], (config: Config, t: Training, d: EpochTrace, epoch: number, fixture: Fixture | null) => ({
    epoch,
    epochs: t.epochs,
    loss: num(d.loss),
    yhat: d.yhat.map(num),
    lastLoss: num(t.losses[t.epochs - 1]!),
    diverged: t.diverged?.message ?? null,
    fixture: fixture ? `${fixture.name}: ${fixture.description}` : null,
    dtype: config.dtype,
  }));

  // 3. The network diagram.
  cell('diagram', ['net', 'detail', 'config', 'data'], (net: Network, d: EpochTrace, c: Config, data: Params) => {
    const v = values(net, d.params, data, c.dtype);
    return diagram(net, d, c.x[0]!, (name) => line(net, v, name));
  });

  // 5. Forward pass per epoch.
  cell('forward', ['net', 'config', 'training', 'epoch'], (net: Network, config: Config, t: Training, selected: number) => ({
    columns: net.nodes,
    rows: shownEpochs(t.epochs, selected).map((e) => {
      const d = epochDetail(net, config, paramsAt(t, net, e), false);
      return { epoch: e, selected: e === selected, values: net.nodes.map((n) => d.nodes[n]!), dead: net.kinkSites.filter((z) => !(d.nodes[z]! > 0)) };
    }),
    hidden: t.epochs - shownEpochs(t.epochs, selected).length,
  }));

  // 6. Symbolic derivatives.
  cell('derivatives', ['net', 'params', 'data', 'config'], (net: Network, params: Params, data: Params, c: Config) => derivatives(net, params, data, c.dtype));

  // 7. The five-way gradient table.
  cell('pytorch', ['fixture', 'net', 'config', 'params', 'epoch'], pytorchColumn);
  cell('workbook', ['net', 'config', 'params'], workbookGradients);
  cell('gradients', ['detail', 'pytorch', 'workbook', 'config'], (d: EpochTrace, py: PytorchColumn, wb: { grads: Params; formulas: number }, c: Config) => ({
    rows: gradientRows(d, py, wb.grads),
    pytorch: py.source,
    workbook: `the ${wb.formulas} workbook formulas these gradients need, recalculated in the browser by fast-formula-parser (float64, as a spreadsheet computes)`,
    dtype: c.dtype,
  }));

  // 8. The SGD update, the loss curve and the parameter trajectories.
  cell('sgd', ['net', 'training', 'epoch', 'detail', 'config'], (net: Network, t: Training, k: number, d: EpochTrace, c: Config) => {
    const after = paramsAt(t, net, k + 1);
    return { lr: c.lr, epoch: k, rows: net.params.map((p) => ({ param: p, before: d.params[p]!, grad: d.grads.backprop[p]!, after: after[p]! })) };
  });
  cell('logLoss', [], () => false);
  cell('loss', ['training', 'epoch', 'logLoss'], (t: Training, k: number, log: boolean) => lossChart(t, k, log));
  cell('trajectories', ['training', 'net'], (t: Training, net: Network) => trajectoryChart(t, net));

  // 9. The loss slice.
  // b4 by default: its unit's ReLU kink (z4 = 0) lies within the slice.
  cell('sliceParam', [], () => 'b4');
  cell('slice', ['net', 'params', 'data', 'config', 'detail', 'sliceParam'], (net: Network, params: Params, data: Params, c: Config, d: EpochTrace, wanted: string) => {
    const p = net.params.includes(wanted) ? wanted : net.params.find((q) => d.grads.backprop[q] !== 0) ?? net.params[0]!;
    const s = lossSlice(net, params, data, c.dtype, p, d.grads.backprop[p]!);
    return { ...sliceChart(s), param: p, theta: s.theta, gradient: s.gradient, h: s.h, secantSlope: s.secantSlope, kinkNodes: s.kinkNodes, params: net.params };
  });

  // 10. Download: the page builds the workbook with buildWorkbook when asked.
  cell('download', ['config'], (config: Config) => ({ config, filename: `xlgrad-${config.layers.join('-')}-${config.epochs}-epochs.xlsx` }));

  // 11. A learner's own workbook, checked like `xlgrad check` does (exceljs and
  // the checker load only when a file arrives).
  cell('upload', [], () => null);
  cell('checkReport', ['upload'], async (u: Upload | null) => {
    if (!u) return null;
    const { checkWorkbookInBrowser } = await import('../src/check/checkWorkbookInBrowser.ts');
    return { ...(await checkWorkbookInBrowser(u.bytes, { fileName: u.name })), upload: u };
  });

  return main;
}
