// A run's configuration, and its validation: every problem is one line that
// names the field and says what is allowed.

import type { Dtype } from './algebra.ts';
import { parseJson } from './parseJson.ts';
import type { Activation, Architecture, Loss } from './network.ts';
import type { Rounding } from './torchInit.ts';

export type Init =
  | { torchSeed: number; rounding: Rounding }
  | { params: Record<string, number> };

export interface Config extends Architecture {
  x: number[];
  y: number[];
  lr: number;
  epochs: number;
  dtype: Dtype;
  init: Init;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export const ACTIVATIONS: readonly Activation[] = ['relu', 'sigmoid', 'tanh', 'identity'];
export const LOSSES: readonly Loss[] = ['squared_error', 'mse', 'half_squared_error'];
export const DTYPES: readonly Dtype[] = ['float32', 'float64'];
export const MAX_EPOCHS = 1_000_000;
export const MAX_UNITS = 1024;
export const MAX_PARAMS = 100_000;

const KEYS = ['layers', 'activation', 'outputActivation', 'loss', 'x', 'y', 'lr', 'epochs', 'dtype', 'init'] as const;

/** The article's run: PyTorch seed 0, a 1-2-2-1 ReLU net, one point (1, 1), SGD lr 0.01 for 2 epochs. */
export const ARTICLE: Config = {
  layers: [1, 2, 2, 1], activation: 'relu', outputActivation: 'identity', loss: 'squared_error',
  x: [1], y: [1], lr: 0.01, epochs: 2, dtype: 'float32', init: { torchSeed: 0, rounding: 'fused' },
};

const fail = (field: string, msg: string): never => {
  throw new ConfigError(`${field}: ${msg}`);
};
const show = (v: unknown): string => {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 40 ? `${s.slice(0, 37)}...` : s;
};
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function finite(field: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(field, `must be a finite number, got ${show(v)}`);
  return v as number;
}

function oneOf<T extends string>(field: string, v: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) fail(field, `must be one of ${allowed.join(', ')}; got ${show(v)}`);
  return v as T;
}

function vector(field: string, v: unknown, length: number, what: string): number[] {
  if (!Array.isArray(v)) fail(field, `must be an array of ${length} numbers (${what}), got ${show(v)}`);
  const a = v as unknown[];
  if (a.length !== length) fail(field, `must have ${length} numbers (${what}), got ${a.length}`);
  return a.map((e, i) => finite(`${field}[${i}]`, e));
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

/** Parameter names of an architecture: w1 … wN then b1 … bM. */
export function paramNames(layers: number[]): string[] {
  let nw = 0, nb = 0;
  for (let l = 1; l < layers.length; l++) {
    nw += layers[l - 1]! * layers[l]!;
    nb += layers[l]!;
  }
  return [...Array.from({ length: nw }, (_, i) => `w${i + 1}`), ...Array.from({ length: nb }, (_, i) => `b${i + 1}`)];
}

function initOf(v: unknown, layers: number[]): Init {
  const allowed = '{"torchSeed": <integer>} or {"params": {"w1": <number>, …}}';
  if (v === undefined) return { torchSeed: 0, rounding: 'fused' };
  if (!isObject(v)) return fail('init', `must be ${allowed}, got ${show(v)}`);
  const keys = Object.keys(v);
  if ('params' in v) {
    if (keys.length !== 1) fail('init', `must be ${allowed}; "params" cannot be combined with ${show(keys.filter((k) => k !== 'params'))}`);
    if (!isObject(v.params)) fail('init.params', `must be an object of parameter values, got ${show(v.params)}`);
    const given = v.params as Record<string, unknown>;
    const names = paramNames(layers);
    const missing = names.filter((n) => !(n in given));
    const extra = Object.keys(given).filter((n) => !names.includes(n));
    if (missing.length) fail('init.params', `missing ${missing.slice(0, 8).join(', ')}${missing.length > 8 ? ` and ${missing.length - 8} more` : ''} (layers ${show(layers)} need ${names.length} parameters: w1…w${names.filter((n) => n[0] === 'w').length}, b1…b${names.filter((n) => n[0] === 'b').length})`);
    if (extra.length) fail('init.params', `unknown parameter ${extra.slice(0, 8).join(', ')} (layers ${show(layers)} have ${names[0]}…${names.at(-1)})`);
    return { params: Object.fromEntries(names.map((n) => [n, finite(`init.params.${n}`, given[n])])) };
  }
  if ('torchSeed' in v) {
    const extra = keys.filter((k) => k !== 'torchSeed' && k !== 'rounding');
    if (extra.length) fail('init', `unknown key ${show(extra[0])} (allowed: torchSeed, rounding)`);
    const s = v.torchSeed;
    if (typeof s !== 'number' || !Number.isSafeInteger(s)) fail('init.torchSeed', `must be an integer between -2^53 and 2^53, got ${show(s)}`);
    const rounding = v.rounding === undefined ? 'fused' : oneOf('init.rounding', v.rounding, ['fused', 'portable'] as const);
    return { torchSeed: s as number, rounding };
  }
  return fail('init', `must be ${allowed}, got ${show(v)}`);
}

/** Validates a parsed JSON value and fills in the defaults. Throws ConfigError. */
export function normalizeConfig(raw: unknown): Config {
  if (!isObject(raw)) fail('config', `must be a JSON object, got ${show(raw)}`);
  const c = raw as Record<string, unknown>;
  for (const k of Object.keys(c)) {
    if (!(KEYS as readonly string[]).includes(k)) fail(k, `unknown key (allowed: ${KEYS.join(', ')})`);
  }
  for (const k of ['layers', 'x', 'y', 'lr', 'epochs'] as const) if (!(k in c)) fail(k, 'is required');
  const layers = layersOf(c.layers);
  const total = paramNames(layers).length;
  if (total > MAX_PARAMS) fail('layers', `${show(layers)} has ${total} parameters; at most ${MAX_PARAMS} are allowed`);
  const lr = finite('lr', c.lr);
  if (lr <= 0) fail('lr', `must be a number > 0, got ${show(c.lr)}`);
  const epochs = c.epochs;
  if (typeof epochs !== 'number' || !Number.isInteger(epochs) || epochs < 0 || epochs > MAX_EPOCHS) {
    fail('epochs', `must be an integer from 0 to ${MAX_EPOCHS.toLocaleString('en-US')}, got ${show(epochs)}`);
  }
  return {
    layers,
    activation: c.activation === undefined ? 'relu' : oneOf('activation', c.activation, ACTIVATIONS),
    outputActivation: c.outputActivation === undefined ? 'identity' : oneOf('outputActivation', c.outputActivation, ACTIVATIONS),
    loss: c.loss === undefined ? 'squared_error' : oneOf('loss', c.loss, LOSSES),
    x: vector('x', c.x, layers[0]!, `one per input unit, layers[0] = ${layers[0]}`),
    y: vector('y', c.y, layers.at(-1)!, `one per output unit, layers[${layers.length - 1}] = ${layers.at(-1)}`),
    lr,
    epochs: epochs as number,
    dtype: c.dtype === undefined ? 'float32' : oneOf('dtype', c.dtype, DTYPES),
    init: initOf(c.init, layers),
  };
}

/** Parses JSON text into a Config. Throws ConfigError with the position of a syntax error. */
export function parseConfig(text: string): Config {
  return normalizeConfig(parseJson(text, (m) => new ConfigError(`config: ${m}`)));
}
