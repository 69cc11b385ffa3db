// A run's configuration, and its validation: every problem is one line that
// names the field and says what is allowed.

import type { Dtype } from './algebra.ts';
import { escapeControls, parseCsv, shorten, span, targetProblem, targetWidth } from './csv.ts';
import { MAX_BATCH_GRAPH, MAX_DATA_CELLS, MAX_EPOCHS, MAX_PARAMS, MAX_UNITS, MAX_WORK } from './limits.ts';
import { bias as biasName, input, paramCount, paramNames, target, weight } from './names.ts';
import { parseJson } from './parseJson.ts';
import type { Activation, Architecture, Loss } from './network.ts';
import type { Rounding } from './torchInit.ts';

export { MAX_DATA_CELLS, MAX_EPOCHS, MAX_PARAMS, MAX_UNITS, MAX_WORK } from './limits.ts';
export { paramNames } from './names.ts';

export type Init =
  /** `draw`: the dtype PyTorch's seeded nn.Linear init drew in (default: the run's dtype). */
  | { torchSeed: number; rounding: Rounding; draw: Dtype }
  | { params: Record<string, number> };

export type Optimizer =
  | { name: 'sgd'; momentum: number; dampening: number; nesterov: boolean; weightDecay: number }
  | { name: 'adam'; betas: [number, number]; eps: number; weightDecay: number };

export interface Config extends Architecture {
  /** Samples × input units. */
  x: number[][];
  /** Samples × output units; for cross_entropy samples × [class index]. */
  y: number[][];
  /** Samples per optimizer step; the last batch of an epoch may be smaller. */
  batchSize: number;
  lr: number;
  optimizer: Optimizer;
  epochs: number;
  dtype: Dtype;
  init: Init;
}

export interface ConfigOptions {
  /**
   * Reads the CSV file a config names in `"data"` and returns its text. The
   * command line passes one that resolves the path beside the config file and
   * checks its size; without it `"data"` is refused.
   */
  readData?: (path: string) => string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const ACTIVATIONS: readonly Activation[] = ['relu', 'sigmoid', 'tanh', 'identity'];
export const LOSSES: readonly Loss[] = ['squared_error', 'mse', 'half_squared_error', 'cross_entropy', 'bce_with_logits'];
export const DTYPES: readonly Dtype[] = ['float32', 'float64'];
export const OPTIMIZERS: readonly Optimizer['name'][] = ['sgd', 'adam'];

const KEYS = ['layers', 'bias', 'activation', 'outputActivation', 'loss', 'x', 'y', 'data', 'batchSize', 'lr', 'optimizer', 'epochs', 'dtype', 'init'] as const;

// torch.optim.SGD's and torch.optim.Adam's defaults (PyTorch 2.x documentation).
const SGD: Extract<Optimizer, { name: 'sgd' }> = { name: 'sgd', momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 };
const ADAM: Extract<Optimizer, { name: 'adam' }> = { name: 'adam', betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 };

/** The article's run: PyTorch seed 0, a 1-2-2-1 ReLU net, one point (1, 1), plain SGD lr 0.01 for 2 epochs. */
export const ARTICLE: Config = {
  layers: [1, 2, 2, 1], bias: [true, true, true], activation: 'relu', outputActivation: 'identity', loss: 'squared_error',
  x: [[1]], y: [[1]], batchSize: 1, lr: 0.01, optimizer: { ...SGD }, epochs: 2, dtype: 'float32',
  init: { torchSeed: 0, rounding: 'fused', draw: 'float32' },
};

const fail = (field: string, msg: string): never => {
  throw new ConfigError(`${field}: ${msg}`);
};
/** A value from the input as JSON (NaN and ±Infinity as such), shortened, control characters escaped. */
const show = (v: unknown): string => {
  const s = typeof v === 'number' || typeof v === 'bigint' ? String(v) : JSON.stringify(v);
  return escapeControls(s === undefined ? String(v) : shorten(s));
};
/** A key from the input as a field name: bare when it is an identifier, else quoted like show. */
const key = (k: string): string => (/^[A-Za-z_$][\w$]*$/.test(k) ? k : show(k));
const count = (n: number): string => n.toLocaleString('en-US');
const plural = (n: number, one: string, many = `${one}s`): string => `${count(n)} ${n === 1 ? one : many}`;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function finite(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(field, `must be a finite number, got ${show(v)}`);
  return v as number;
}

function nonNegative(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) fail(field, `must be a finite number ≥ 0, got ${show(v)}`);
  return v as number;
}

function oneOf<T extends string>(field: string, v: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) fail(field, `must be one of ${allowed.join(', ')}; got ${show(v)}`);
  return v as T;
}

function unknownKeys(field: string, v: Record<string, unknown>, allowed: readonly string[], what: string): void {
  const extra = Object.keys(v).find((k) => !allowed.includes(k));
  if (extra !== undefined) fail(`${field}.${key(extra)}`, `unknown key ${what}(allowed: ${allowed.join(', ')})`);
}

function layersOf(v: unknown): number[] {
  const allowed = `an array of at least 2 positive integers (units per layer, at most ${MAX_UNITS} each)`;
  if (!Array.isArray(v) || v.length < 2) fail('layers', `must be ${allowed}, got ${show(v)}`);
  const layers = v as unknown[];
  layers.forEach((n, i) => {
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_UNITS) fail(`layers[${i}]`, `must be an integer from 1 to ${MAX_UNITS}, got ${show(n)}`);
  });
  return layers as number[];
}

function biasOf(v: unknown, layers: number[]): boolean[] {
  const n = layers.length - 1;
  const what = `one per Linear layer, layers.length − 1 = ${n}`;
  if (v === undefined || v === true) return Array(n).fill(true);
  if (v === false) return Array(n).fill(false);
  if (!Array.isArray(v)) return fail('bias', `must be true, false or an array of ${plural(n, 'boolean')} (${what}), got ${show(v)}`);
  if (v.length !== n) fail('bias', `must have ${plural(n, 'boolean')} (${what}), got ${v.length}`);
  return v.map((b, i) => (typeof b === 'boolean' ? b : fail(`bias[${i}]`, `must be true or false, got ${show(b)}`)));
}

/** `[2,2,1]`, followed by ` with bias [true,false]` when some layer has none. */
const architecture = (layers: number[], bias: boolean[]): string => `${show(layers)}${bias.every(Boolean) ? '' : ` with bias ${show(bias)}`}`;

/** The Linear layers without a bias, as a clause: `bias[1] is false: Linear layer 2 has no bias`. */
function biasFree(bias: boolean[]): string {
  const off = bias.flatMap((b, i) => (b ? [] : [i]));
  if (off.length === 1) return `bias[${off[0]}] is false: Linear layer ${off[0]! + 1} has no bias`;
  return `${off.map((i) => `bias[${i}]`).join(', ')} are false: Linear layers ${off.map((i) => i + 1).join(', ')} have no bias`;
}

/**
 * One sample (`[1, 2]`) or an array of samples (`[[1, 2], [3, 4]]`), as rows
 * still unchecked, and the field that names row i in messages.
 */
function sampleRows(field: string, v: unknown, form: string): { rows: unknown[]; at: (i: number) => string } {
  const allowed = `one sample (${form}) or an array of samples ([${form}, …])`;
  if (!Array.isArray(v)) return fail(field, `must be ${allowed}, got ${show(v)}`);
  if (v.length === 0) fail(field, `must be ${allowed} with at least one sample, got []`);
  return Array.isArray(v[0]) ? { rows: v, at: (i) => `${field}[${i}]` } : { rows: [v], at: () => field };
}

function sample(field: string, v: unknown, length: number, what: string): number[] {
  if (!Array.isArray(v)) fail(field, `must be an array of ${plural(length, 'number')} (${what}), got ${show(v)}`);
  const a = v as unknown[];
  if (a.length !== length) fail(field, `must have ${plural(length, 'number')} (${what}), got ${a.length}`);
  return a.map((e, i) => finite(`${field}[${i}]`, e));
}

/** x and y, inline or from the CSV file named by `data`, checked against the architecture and the loss. */
function samplesOf(c: Record<string, unknown>, layers: number[], loss: Loss, options: ConfigOptions): { x: number[][]; y: number[][] } {
  const inputs = layers[0]!, outputs = layers.at(-1)!;
  if (c.data !== undefined) {
    if (c.x !== undefined || c.y !== undefined) fail('data', 'cannot be combined with x and y; give the samples either inline ("x" and "y") or in a CSV file ("data")');
    if (typeof c.data !== 'string' || c.data === '') fail('data', `must be the path of a CSV file (a string), got ${show(c.data)}`);
    if (!options.readData) fail('data', 'a CSV file is read only when the config comes from a file on the command line; here give the samples inline as "x" and "y"');
    const file = c.data as string;
    return parseCsv(options.readData!(file), { inputs, outputs, loss, file }, (m) => new ConfigError(m));
  }
  const width = targetWidth(loss, outputs);
  const inputsWhat = `one per input unit, layers[0] = ${inputs}`;
  const targetsWhat = loss === 'cross_entropy' ? 'the class index, for cross_entropy' : `one per output unit, layers[${layers.length - 1}] = ${outputs}`;
  const xs = sampleRows('x', c.x, `[${span(input, inputs)}]`);
  const ys = sampleRows('y', c.y, loss === 'cross_entropy' ? '[class index]' : `[${span(target, outputs)}]`);
  const n = xs.rows.length;
  if (ys.rows.length !== n) fail('y', `must have as many samples as x (${count(n)}), got ${count(ys.rows.length)}`);
  // Counted from the sample count before any row is read: a valid x and y hold exactly this many numbers.
  const cells = n * (inputs + width);
  if (cells > MAX_DATA_CELLS) {
    fail('x', `${plural(n, 'sample')} × (${plural(inputs, 'input')} + ${plural(width, 'target')}) = ${count(cells)} numbers in x and y; at most ${count(MAX_DATA_CELLS)} are allowed`);
  }
  const x = xs.rows.map((r, i) => sample(xs.at(i), r, inputs, inputsWhat));
  const y = ys.rows.map((r, i) => {
    const values = sample(ys.at(i), r, width, targetsWhat);
    values.forEach((v, j) => {
      const problem = targetProblem(loss, outputs, v);
      if (problem) fail(`${ys.at(i)}[${j}]`, `${problem}, got ${show(v)}`);
    });
    return values;
  });
  return { x, y };
}

function optimizerOf(v: unknown): Optimizer {
  const allowed = '"sgd", "adam" or an object such as {"name": "sgd", "momentum": 0.9}';
  if (v === undefined || v === 'sgd') return { ...SGD };
  if (v === 'adam') return { ...ADAM, betas: [...ADAM.betas] };
  if (!isObject(v)) return fail('optimizer', `must be ${allowed}, got ${show(v)}`);
  if (v.name === undefined) fail('optimizer.name', `is required (one of ${OPTIMIZERS.join(', ')})`);
  const name = oneOf('optimizer.name', v.name, OPTIMIZERS);
  if (name === 'sgd') {
    unknownKeys('optimizer', v, Object.keys(SGD), 'for sgd ');
    const momentum = v.momentum === undefined ? SGD.momentum : nonNegative('optimizer.momentum', v.momentum);
    const dampening = v.dampening === undefined ? SGD.dampening : nonNegative('optimizer.dampening', v.dampening);
    const nesterov = v.nesterov === undefined ? SGD.nesterov : v.nesterov;
    if (typeof nesterov !== 'boolean') return fail('optimizer.nesterov', `must be true or false, got ${show(nesterov)}`);
    if (nesterov && (momentum <= 0 || dampening !== 0)) {
      const got = [momentum <= 0 ? `momentum ${momentum}` : '', dampening !== 0 ? `dampening ${dampening}` : ''].filter(Boolean).join(' and ');
      fail('optimizer.nesterov', `needs momentum > 0 and dampening = 0 (as torch.optim.SGD requires), got ${got}`);
    }
    const weightDecay = v.weightDecay === undefined ? SGD.weightDecay : nonNegative('optimizer.weightDecay', v.weightDecay);
    return { name, momentum, dampening, nesterov, weightDecay };
  }
  unknownKeys('optimizer', v, Object.keys(ADAM), 'for adam ');
  let betas: [number, number] = [...ADAM.betas];
  if (v.betas !== undefined) {
    const b = v.betas;
    if (!Array.isArray(b) || b.length !== 2) return fail('optimizer.betas', `must be two numbers, each from 0 up to but not including 1, got ${show(b)}`);
    betas = b.map((e, i) => {
      if (typeof e !== 'number' || !(e >= 0 && e < 1)) fail(`optimizer.betas[${i}]`, `must be a number from 0 up to but not including 1, got ${show(e)}`);
      return e as number;
    }) as [number, number];
  }
  const eps = v.eps === undefined ? ADAM.eps : v.eps;
  if (typeof eps !== 'number' || !Number.isFinite(eps) || eps <= 0) return fail('optimizer.eps', `must be a finite number > 0, got ${show(eps)}`);
  const weightDecay = v.weightDecay === undefined ? ADAM.weightDecay : nonNegative('optimizer.weightDecay', v.weightDecay);
  return { name, betas, eps, weightDecay };
}

function initOf(v: unknown, layers: number[], bias: boolean[], dtype: Dtype): Init {
  const allowed = '{"torchSeed": <integer>} or {"params": {"w1": <number>, …}}';
  if (v === undefined) return { torchSeed: 0, rounding: 'fused', draw: dtype };
  if (!isObject(v)) return fail('init', `must be ${allowed}, got ${show(v)}`);
  const keys = Object.keys(v);
  if ('params' in v) {
    if (keys.length !== 1) fail('init', `must be ${allowed}; "params" cannot be combined with ${show(keys.filter((k) => k !== 'params'))}`);
    if (!isObject(v.params)) fail('init.params', `must be an object of parameter values, got ${show(v.params)}`);
    const given = v.params as Record<string, unknown>;
    // Built only now: layersOf and the MAX_PARAMS check have bounded how many names there are.
    const names = paramNames(layers, bias);
    const weights = paramCount(layers, bias.map(() => false));
    const biases = names.length - weights;
    const has = `${span(weight, weights)}${biases ? `, ${span(biasName, biases)}` : ' and no biases'}`;
    const arch = `layers ${architecture(layers, bias)}`;
    const known = new Set(names);
    const missing = names.filter((n) => !Object.hasOwn(given, n));
    const extra = Object.keys(given).filter((n) => !known.has(n));
    if (missing.length) fail('init.params', `missing ${missing.slice(0, 8).join(', ')}${missing.length > 8 ? ` and ${missing.length - 8} more` : ''} (${arch} need ${plural(names.length, 'parameter')}: ${has})`);
    if (extra.length) {
      const why = extra.some((n) => /^b\d+$/.test(n)) && !bias.every(Boolean) ? `; ${biasFree(bias)}` : '';
      fail('init.params', `unknown parameter${extra.length === 1 ? '' : 's'} ${extra.slice(0, 8).map(key).join(', ')}${extra.length > 8 ? ` and ${extra.length - 8} more` : ''} (${arch} have ${has}${why})`);
    }
    return { params: Object.fromEntries(names.map((n) => [n, finite(`init.params.${n}`, given[n])])) };
  }
  if ('torchSeed' in v) {
    const extra = keys.find((k) => !['torchSeed', 'rounding', 'draw'].includes(k));
    if (extra !== undefined) fail('init', `unknown key ${show(extra)} (allowed: torchSeed, rounding, draw)`);
    const s = v.torchSeed;
    if (typeof s !== 'number' || !Number.isSafeInteger(s)) fail('init.torchSeed', `must be an integer between -2^53 and 2^53, got ${show(s)}`);
    const rounding = v.rounding === undefined ? 'fused' : oneOf('init.rounding', v.rounding, ['fused', 'portable'] as const);
    const draw = v.draw === undefined ? dtype : oneOf('init.draw', v.draw, DTYPES);
    return { torchSeed: s as number, rounding, draw };
  }
  return fail('init', `must be ${allowed}, got ${show(v)}`);
}

/**
 * Validates a parsed JSON value (a v1 or v2 config) and fills in the defaults.
 * Throws ConfigError with one line: `field: what is wrong, what is allowed`.
 */
export function normalizeConfig(raw: unknown, options: ConfigOptions = {}): Config {
  if (!isObject(raw)) fail('config', `must be a JSON object, got ${show(raw)}`);
  const c = raw as Record<string, unknown>;
  for (const k of Object.keys(c)) {
    if (!(KEYS as readonly string[]).includes(k)) fail(key(k), `unknown key (allowed: ${KEYS.join(', ')})`);
  }
  for (const k of ['layers', 'lr', 'epochs'] as const) if (c[k] === undefined) fail(k, 'is required');
  if (c.data === undefined) {
    if (c.x === undefined) fail('x', 'is required (the input of each sample), unless "data" names a CSV file');
    if (c.y === undefined) fail('y', 'is required (the target of each sample), unless "data" names a CSV file');
  }

  const layers = layersOf(c.layers);
  const bias = biasOf(c.bias, layers);
  // Counted before any name is built, so a huge network is refused at once.
  const params = paramCount(layers, bias);
  if (params > MAX_PARAMS) fail('layers', `${architecture(layers, bias)} has ${count(params)} parameters; at most ${count(MAX_PARAMS)} are allowed`);

  const activation = c.activation === undefined ? 'relu' : oneOf('activation', c.activation, ACTIVATIONS);
  const outputActivation = c.outputActivation === undefined ? 'identity' : oneOf('outputActivation', c.outputActivation, ACTIVATIONS);
  const loss = c.loss === undefined ? 'squared_error' : oneOf('loss', c.loss, LOSSES);
  // Both losses take the raw outputs (logits) and apply softmax / the sigmoid
  // themselves, as torch.nn.CrossEntropyLoss and torch.nn.BCEWithLogitsLoss do.
  if ((loss === 'cross_entropy' || loss === 'bce_with_logits') && outputActivation !== 'identity') {
    fail('outputActivation', `must be identity with loss ${loss}, which applies ${loss === 'cross_entropy' ? 'softmax' : 'the sigmoid'} to the raw outputs itself (as torch.nn.${loss === 'cross_entropy' ? 'CrossEntropyLoss' : 'BCEWithLogitsLoss'} does); got ${show(outputActivation)}`);
  }

  const { x, y } = samplesOf(c, layers, loss, options);
  const samples = x.length;
  const batchSize = c.batchSize === undefined ? samples : c.batchSize;
  if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize < 1 || batchSize > samples) {
    fail('batchSize', `must be an integer from 1 to ${count(samples)} (the number of samples), got ${show(batchSize)}`);
  }

  if ((batchSize as number) * params > MAX_BATCH_GRAPH) {
    fail('batchSize', `${plural(batchSize as number, 'sample')} × ${plural(params, 'parameter')} = ${count((batchSize as number) * params)} in one batch's graph; at most ${count(MAX_BATCH_GRAPH)} are allowed (use smaller batches)`);
  }
  const lr = finite('lr', c.lr);
  if (lr <= 0) fail('lr', `must be a number > 0, got ${show(c.lr)}`);
  const optimizer = optimizerOf(c.optimizer);
  const epochs = c.epochs;
  if (typeof epochs !== 'number' || !Number.isInteger(epochs) || epochs < 0 || epochs > MAX_EPOCHS) {
    fail('epochs', `must be an integer from 0 to ${count(MAX_EPOCHS)}, got ${show(epochs)}`);
  }
  const work = (epochs as number) * samples * params;
  if (work > MAX_WORK) {
    fail('epochs', `${plural(epochs as number, 'epoch')} × ${plural(samples, 'sample')} × ${plural(params, 'parameter')} = ${count(work)}; at most ${count(MAX_WORK)} (epochs × samples × parameters) are allowed`);
  }
  const dtype = c.dtype === undefined ? 'float32' : oneOf('dtype', c.dtype, DTYPES);
  const init = initOf(c.init, layers, bias, dtype);
  return { layers, bias, activation, outputActivation, loss, x, y, batchSize: batchSize as number, lr, optimizer, epochs: epochs as number, dtype, init };
}

/** Parses JSON text into a Config. Throws ConfigError with the position of a syntax error. */
export function parseConfig(text: string, options?: ConfigOptions): Config {
  return normalizeConfig(parseJson(text, (m, field) => new ConfigError(field === undefined ? `config: ${m}` : m)), options);
}
