// The "Your own data" section as plain data: a few settings become a config
// file's JSON (checked like the CLI's, within the page's bounds), and after
// training the network's output over a grid of the input plane, evaluated on
// the graph itself, is the decision-boundary picture.

import { numeric } from '../../src/algebra.ts';
import { ConfigError, normalizeConfig, type Config, type Optimizer } from '../../src/config.ts';
import { evaluate } from '../../src/evaluate.ts';
import { PAGE_MAX_EPOCHS, PAGE_MAX_WORK } from '../../src/limits.ts';
import { paramCount } from '../../src/names.ts';
import type { Activation, Network } from '../../src/network.ts';
import type { Params } from '../../src/train.ts';
import type { Checked } from './input.ts';
import { datasets, type DatasetName } from './datasets.ts';

export interface PlaygroundSettings {
  dataset: DatasetName;
  /** Units of the one hidden layer. */
  hidden: number;
  activation: Activation;
  /** bce_with_logits on a raw output, or mse on a sigmoid output. */
  loss: 'bce_with_logits' | 'mse';
  optimizer: keyof typeof OPTIMIZER_CHOICES;
  lr: number;
  epochs: number;
  /** torch.manual_seed for the initial weights. */
  seed: number;
}

/** The optimizers offered, as a config's `optimizer` (torch.optim's defaults otherwise). */
export const OPTIMIZER_CHOICES = {
  sgd: { name: 'sgd' },
  momentum: { name: 'sgd', momentum: 0.9 },
  adam: { name: 'adam' },
} as const satisfies Record<string, Partial<Optimizer>>;

export const PLAYGROUND_MAX_HIDDEN = 16;
/** The epochs slider's end; the page's bounds (PAGE_MAX_EPOCHS, PAGE_MAX_WORK) still apply to a cell that asks for more. */
export const PLAYGROUND_MAX_EPOCHS = 2000;
/** The learning rates offered, as TensorFlow Playground offers a list. */
export const PLAYGROUND_LEARNING_RATES = [0.001, 0.003, 0.01, 0.03, 0.05, 0.1, 0.3, 1, 3];
/** Grid cells per side of the picture, at most. */
export const PLAYGROUND_MAX_GRID = 60;

export const PLAYGROUND_DEFAULTS: PlaygroundSettings = {
  dataset: 'moons', hidden: 6, activation: 'tanh', loss: 'bce_with_logits', optimizer: 'adam', lr: 0.05, epochs: 300, seed: 1,
};

const count = (n: number) => n.toLocaleString('en-US');
const fail = (field: string, msg: string): never => {
  throw new ConfigError(`${field}: ${msg}`);
};

/**
 * The settings as a validated config: layers 2-hidden-1, the whole data set in
 * one batch, float32, PyTorch's init for the seed. Refused past the page's
 * bounds, each counted before any training.
 */
export function playgroundConfig(s: PlaygroundSettings): Config {
  const data = Object.hasOwn(datasets, s.dataset) ? datasets[s.dataset] : fail('dataset', `must be one of ${Object.keys(datasets).join(', ')}; got ${JSON.stringify(s.dataset)}`);
  if (!Number.isInteger(s.hidden) || s.hidden < 1 || s.hidden > PLAYGROUND_MAX_HIDDEN) fail('hidden units', `must be a whole number from 1 to ${PLAYGROUND_MAX_HIDDEN}, got ${s.hidden}`);
  if (!Number.isInteger(s.epochs) || s.epochs < 1 || s.epochs > PAGE_MAX_EPOCHS) fail('epochs', `must be a whole number from 1 to ${count(PAGE_MAX_EPOCHS)} on the page, got ${s.epochs}`);
  if (!Object.hasOwn(OPTIMIZER_CHOICES, s.optimizer)) fail('optimizer', `must be one of ${Object.keys(OPTIMIZER_CHOICES).join(', ')}; got ${JSON.stringify(s.optimizer)}`);
  const layers = [2, s.hidden, 1];
  const work = data.x.length * s.epochs * paramCount(layers, [true, true]);
  if (work > PAGE_MAX_WORK) {
    fail('epochs', `${data.x.length} samples × ${count(s.epochs)} epochs × ${paramCount(layers, [true, true])} parameters is ${count(work)}; at most ${count(PAGE_MAX_WORK)} on the page (fewer epochs or hidden units, or the CLI)`);
  }
  return normalizeConfig({
    layers, activation: s.activation, outputActivation: s.loss === 'mse' ? 'sigmoid' : 'identity', loss: s.loss,
    x: data.x, y: data.y, batchSize: data.x.length, lr: s.lr, optimizer: OPTIMIZER_CHOICES[s.optimizer],
    epochs: s.epochs, dtype: 'float32', init: { torchSeed: s.seed },
  });
}

/** The settings' control named by a config field in a message (`epochs: …`), as the form names it (`own.epochs`). */
const CONTROLS: Record<string, keyof PlaygroundSettings> = { dataset: 'dataset', 'hidden units': 'hidden', layers: 'hidden', activation: 'activation', loss: 'loss', optimizer: 'optimizer', lr: 'lr', epochs: 'epochs', init: 'seed' };

/** playgroundConfig's verdict as the page's inputs give it: the config, or the problem next to its control. */
export function checkPlayground(s: PlaygroundSettings): Checked {
  try {
    return { config: playgroundConfig(s), errors: [] };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const field = CONTROLS[e.message.slice(0, e.message.indexOf(':')).split(/[.[]/)[0]!];
    return { errors: [{ field: field ? `own.${field}` : 'own', message: e.message }] };
  }
}

export interface DecisionGrid {
  /** [x1 from, x1 to] and [x2 from, x2 to]: the data's extent and half a unit around it. */
  extent: [[number, number], [number, number]];
  size: number;
  /** size × size cells, row by row from the bottom: each cell's corners and p(class 1) at its centre. */
  cells: { x1: number; x2: number; x1end: number; x2end: number; p: number }[];
  /** The data with each point's p(class 1) and whether its class is predicted (p > 0.5 for class 1). */
  points: { x1: number; x2: number; class: number; p: number; right: boolean }[];
  /** Fraction of the points predicted right. */
  accuracy: number;
}

/**
 * p(class 1) of the trained network at (x1, x2): the graph of the one-sample
 * network evaluated up to its output, passed through the sigmoid when the
 * output is a logit (bce_with_logits).
 */
export function probabilityAt(net: Network, config: Config, params: Params): (x1: number, x2: number) => number {
  const [x1Name, x2Name] = net.x as [string, string];
  const out = net.id[net.outputs[0]!]!;
  const env: Record<string, number> = { ...params };
  for (const y of net.y) env[y] = 0;
  const A = numeric(config.dtype);
  const logit = config.loss === 'bce_with_logits';
  return (x1, x2) => {
    env[x1Name] = x1;
    env[x2Name] = x2;
    const v = evaluate(net.graph, env, config.dtype, out + 1)[out]!;
    return logit ? A.sigmoid(v) : v;
  };
}

export function decisionGrid(net: Network, config: Config, params: Params, size = 40): DecisionGrid {
  if (!Number.isInteger(size) || size < 2 || size > PLAYGROUND_MAX_GRID) fail('grid', `must be a whole number from 2 to ${PLAYGROUND_MAX_GRID}, got ${size}`);
  if (net.x.length !== 2 || net.outputs.length !== 1 || net.batch !== 1) fail('layers', 'the picture needs the one-sample network of 2 inputs and 1 output');
  const p = probabilityAt(net, config, params);
  const span = (j: number): [number, number] => {
    const v = config.x.map((row) => row[j]!);
    return [Math.min(...v) - 0.5, Math.max(...v) + 0.5];
  };
  const extent: DecisionGrid['extent'] = [span(0), span(1)];
  const step = extent.map(([a, b]) => (b - a) / size);
  // The size × size evaluations are made when the cells are first read (the picture does, when drawn): the accuracy needs only the points.
  let cells: DecisionGrid['cells'] | undefined;
  const grid = () => {
    const list: DecisionGrid['cells'] = [];
    for (let j = 0; j < size; j++) {
      for (let i = 0; i < size; i++) {
        const x1 = extent[0][0] + i * step[0]!, x2 = extent[1][0] + j * step[1]!;
        list.push({ x1, x2, x1end: x1 + step[0]!, x2end: x2 + step[1]!, p: p(x1 + step[0]! / 2, x2 + step[1]! / 2) });
      }
    }
    return list;
  };
  const points = config.x.map((x, n) => {
    const q = p(x[0]!, x[1]!);
    const cls = config.y[n]![0]!;
    return { x1: x[0]!, x2: x[1]!, class: cls, p: q, right: q > 0.5 === (cls === 1) };
  });
  return {
    extent,
    size,
    get cells() {
      return (cells ??= grid());
    },
    points,
    accuracy: points.filter((d) => d.right).length / points.length,
  };
}
