// The notebook's charts as vega-lite specs over one named data set, `table`.
// A chart cell's value is {spec, values}: the page compiles a spec once and
// afterwards only swaps the values, which is what keeps a slider fast.

import type { Network } from '../../src/network.ts';
import type { ActivationPoint } from './activations.ts';
import type { CombinationPoint } from './combination.ts';
import type { DecisionGrid } from './playground.ts';
import type { Slice } from './slice.ts';
import type { Training } from './training.ts';

export type Spec = Record<string, unknown>;

export interface Chart<T = Record<string, unknown>> {
  spec: Spec;
  values: T[];
}

const HEIGHT = 240;
// The width follows the chart's box, so a phone draws the text at its size
// (11 px at least) instead of shrinking a wide drawing.
// Titles and subtitles come as short lines, which fit a phone.
const base = (title: string, subtitle: string[] = []) => ({
  $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
  title: { text: title, anchor: 'start', fontWeight: 500, fontSize: 14, ...(subtitle.length ? { subtitle, subtitleFontSize: 12, subtitleColor: '#5f6670' } : {}) },
  width: 'container',
  height: HEIGHT,
  autosize: { type: 'fit-x', contains: 'padding' },
  data: { name: 'table' },
  config: {
    font: 'system-ui, sans-serif',
    axis: { grid: true, gridOpacity: 0.5, labelFontSize: 11, titleFontSize: 12 },
    legend: { labelFontSize: 11, titleFontSize: 11 },
    view: { stroke: null },
  },
});

const CURVE_COLOURS = { domain: ['a1 = σ(z1)', 'a2 = σ(z2)', 'z3'], range: ['#4e79a7', '#f28e2b', '#222'] };

export function combinationChart(values: CombinationPoint[]): Chart<CombinationPoint> {
  const spec = {
    ...base('a₁, a₂ and their combination z₃ over x'),
    mark: { type: 'line', strokeWidth: 2 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: 'x' },
      y: { field: 'value', type: 'quantitative', title: null },
      color: { field: 'curve', type: 'nominal', title: null, scale: CURVE_COLOURS, legend: { orient: 'top' } },
    },
  };
  return { spec, values };
}

export function activationChart(values: ActivationPoint[]): Chart<ActivationPoint> {
  const spec = {
    ...base('Activation functions', ['f(x) solid, their derivatives f′(x) dashed']),
    mark: { type: 'line', strokeWidth: 2, clip: true },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: 'x' },
      y: { field: 'value', type: 'quantitative', title: null, scale: { domain: [-1.2, 2.2] } },
      color: { field: 'fn', type: 'nominal', title: null, legend: { orient: 'top' } },
      // Named explicitly: by default the first kind in sort order, f'(x), would be the solid one.
      strokeDash: { field: 'kind', type: 'nominal', title: null, legend: { orient: 'top' }, scale: { domain: ['f(x)', "f'(x)"], range: [[1, 0], [6, 3]] } },
    },
  };
  return { spec, values };
}

/** Every `stride`-th epoch and always the last, so a long run stays a few hundred points. */
function sampled(epochs: number, max = 400): number[] {
  const stride = Math.max(1, Math.ceil(epochs / max));
  const out: number[] = [];
  for (let e = 1; e <= epochs; e += stride) out.push(e);
  if (out.at(-1) !== epochs) out.push(epochs);
  return out;
}

/** The loss per epoch, the selected epoch marked; on a log scale (`log`) a loss of exactly 0 cannot be drawn and is left out. */
export function lossChart(t: Training, selected: number, log = false, title = 'Loss over epochs'): Chart<{ epoch: number; loss: number; selected: boolean }> {
  const values = sampled(t.epochs).concat(selected).filter((e, i, a) => a.indexOf(e) === i)
    .map((epoch) => ({ epoch, loss: t.losses[epoch - 1]!, selected: epoch === selected }))
    .filter((d) => Number.isFinite(d.loss) && (!log || d.loss > 0))
    .sort((a, b) => a.epoch - b.epoch);
  const spec = {
    ...base(log ? `${title}, log scale` : title),
    encoding: { x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1 } }, y: { field: 'loss', type: 'quantitative', title: 'L', scale: log ? { type: 'log' } : { zero: false } } },
    layer: [
      { mark: { type: 'line', point: t.epochs <= 30, color: '#4e79a7' } },
      { transform: [{ filter: 'datum.selected' }], mark: { type: 'point', filled: true, size: 90, color: '#e15759' } },
    ],
  };
  return { spec, values };
}

/**
 * A chart whose points are made the first time they are read, which the page
 * does when it draws the chart (on screen, or for printing): thousands of
 * points for a chart off screen cost nothing while a slider moves.
 */
function lazily<T>(spec: Spec, make: () => T[]): Chart<T> {
  let values: T[] | undefined;
  return {
    spec,
    get values() {
      return (values ??= make());
    },
  };
}

export function trajectoryChart(t: Training, net: Network): Chart<{ epoch: number; param: string; value: number }> {
  const P = net.params.length;
  const values = () => {
    const list: { epoch: number; param: string; value: number }[] = [];
    // Row e − 1 holds the parameters entering epoch e; row `epochs` the final ones.
    for (const e of sampled(t.epochs + 1)) {
      net.params.forEach((param, i) => {
        const value = t.params[(e - 1) * P + i]!;
        if (Number.isFinite(value)) list.push({ epoch: e, param, value });
      });
    }
    return list;
  };
  const spec = {
    ...base('Parameter trajectories', ['the value entering each epoch;', 'the last point is after the final update']),
    mark: { type: 'line', point: t.epochs <= 30, strokeWidth: 1.5 },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1 } },
      y: { field: 'value', type: 'quantitative', title: 'θ' },
      color: { field: 'param', type: 'nominal', title: null, sort: net.params, scale: { scheme: 'tableau20' }, legend: { orient: 'right', columns: 1 } },
    },
  };
  return lazily(spec, values);
}

/** The tangent segment shortened where it would leave the curve's range, so the y axis fits the curve. */
function clipped(s: Slice, lo: number, hi: number): Slice['points'] {
  return s.points.map((p) => {
    if (p.series !== 'tangent (backprop)' || (p.L >= lo && p.L <= hi)) return p;
    const bound = p.L > hi ? hi : lo;
    return { ...p, theta: s.theta + (bound - s.loss) / s.gradient, L: bound };
  });
}

export function sliceChart(s: Slice): Chart<Slice['points'][number]> {
  return { spec: sliceSpec(s.param), values: sliceValues(s) };
}

/** The slice chart's spec, which depends only on the parameter (so the page can place the chart before computing the curve). */
export function sliceSpec(param: string): Spec {
  const series = { domain: ['L(θ)', 'tangent (backprop)', 'secant (finite difference)'] };
  return {
    ...base(`L as a function of ${param}`, ['every other parameter held']),
    encoding: {
      x: { field: 'theta', type: 'quantitative', title: param, scale: { zero: false, nice: false }, axis: { tickCount: 8 } },
      y: { field: 'L', type: 'quantitative', title: 'L', scale: { zero: false } },
      color: { field: 'series', type: 'nominal', title: null, scale: { ...series, range: ['#222', '#e15759', '#59a14f'] }, legend: { orient: 'top' } },
      strokeDash: { field: 'series', type: 'nominal', title: null, legend: { orient: 'top' }, scale: { ...series, range: [[1, 0], [1, 0], [6, 3]] } },
    },
    layer: [
      { mark: { type: 'line', strokeWidth: 2 } },
      { transform: [{ filter: "datum.series != 'L(θ)'" }], mark: { type: 'point', filled: true, size: 40 } },
    ],
  };
}

/** The slice's points as drawn: the tangent clipped to the curve's range (padded by a tenth), non-finite points left out. */
export function sliceValues(s: Slice): Slice['points'] {
  const curve = s.points.filter((p) => p.series === 'L(θ)' && Number.isFinite(p.L)).map((p) => p.L);
  const lo = Math.min(...curve), hi = Math.max(...curve), pad = (hi - lo) * 0.1 || 0.5;
  return clipped(s, lo - pad, hi + pad).filter((p) => Number.isFinite(p.L) && Number.isFinite(p.theta));
}

// The decision boundary's colours: class 0 blue, class 1 orange, as a diverging
// scale through white at p = 0.5; the points in darker shades with a white ring,
// so each stays visible on the map of either colour.
const CLASS_COLOURS = { domain: ['class 0', 'class 1'], range: ['#1f4e8c', '#a34a00'] };

/**
 * TensorFlow Playground's picture: p(class 1) over the input plane as a heat
 * map, the data on top (circles class 0, squares class 1; a point the network
 * gets wrong is drawn with a black ring).
 */
export function boundaryChart(grid: DecisionGrid, title = 'The network’s p(class 1) over the input plane'): Chart {
  const values = () => [
    // Each cell drawn a fifth of a cell wider and taller, under its neighbours: without it, anti-aliasing leaves hairlines between cells.
    ...grid.cells.map((c) => ({ kind: 'cell', ...c, x1end: c.x1end + (c.x1end - c.x1) / 5, x2end: c.x2end + (c.x2end - c.x2) / 5 })),
    ...grid.points.map((d) => ({ kind: 'point', x1: d.x1, x2: d.x2, class: `class ${d.class}`, p: d.p, right: d.right ? 'right' : 'wrong' })),
  ];
  const x = { field: 'x1', type: 'quantitative', title: 'x1', scale: { domain: grid.extent[0], nice: false, zero: false } };
  const y = { field: 'x2', type: 'quantitative', title: 'x2', scale: { domain: grid.extent[1], nice: false, zero: false } };
  const spec = {
    // The spec changes only with the data's extent, so a change of settings only swaps the values.
    ...base(title, ['circles class 0, squares class 1; a black ring: on the wrong side']),
    height: 320,
    layer: [
      {
        transform: [{ filter: "datum.kind === 'cell'" }],
        mark: { type: 'rect', strokeWidth: 0, clip: true },
        encoding: {
          x, y, x2: { field: 'x1end' }, y2: { field: 'x2end' },
          color: { field: 'p', type: 'quantitative', title: 'p(class 1)', scale: { domain: [0, 0.5, 1], range: ['#8fb3e0', '#ffffff', '#f2b27a'] }, legend: { orient: 'right', gradientLength: 120 } },
          tooltip: { field: 'p', type: 'quantitative', format: '.3f', title: 'p(class 1)' },
        },
      },
      {
        transform: [{ filter: "datum.kind === 'point'" }],
        mark: { type: 'point', filled: true, size: 70, strokeWidth: 1.5, opacity: 1 },
        encoding: {
          x, y,
          shape: { field: 'class', type: 'nominal', title: 'data', scale: { domain: CLASS_COLOURS.domain, range: ['circle', 'square'] } },
          fill: { field: 'class', type: 'nominal', title: 'data', scale: CLASS_COLOURS },
          // Said in the subtitle: a legend of white and black rings on white would show nothing.
          stroke: { field: 'right', type: 'nominal', scale: { domain: ['right', 'wrong'], range: ['#ffffff', '#000000'] }, legend: null },
          tooltip: [{ field: 'class', title: 'class' }, { field: 'x1' }, { field: 'x2' }, { field: 'p', type: 'quantitative', format: '.3f', title: 'p(class 1)' }],
        },
      },
    ],
    resolve: { scale: { color: 'independent' } },
  };
  return lazily(spec, values);
}
