// The page's state in the URL hash, so a link reproduces the page and a reload
// loses nothing: `#x=1&y=1&lr=0.01&epochs=2&dtype=float32&seed=0&…`.
// Only valid states are written; a part of a hash that cannot be used is
// replaced by its default, the rest is kept, and the page says what was
// dropped. Settings most links leave at their default are written only when
// they differ from it: `bias` (all true), `draw` (float32) and `rounding`
// (fused), so links made before they existed still read the same.

import { DTYPES, paramNames } from '../../src/config.ts';
import { shorten, targetWidth } from '../../src/csv.ts';
import type { Loss } from '../../src/network.ts';
import { checkInput, sizeProblem, type RawInput } from './input.ts';
import { COEFFICIENT_NAMES, type Coefficients } from './combination.ts';
import { checkPlayground, PLAYGROUND_DEFAULTS, type PlaygroundSettings } from './playground.ts';

export interface PageState {
  input: RawInput;
  coefficients: Coefficients;
  /** The epoch whose details the page shows. */
  epoch: number;
  /** The parameter of the loss slice. */
  slice: string;
  /** The own-data section's settings (written only when they differ from PLAYGROUND_DEFAULTS). */
  own?: PlaygroundSettings;
  /** The loss chart on a log scale (`log=1`, written only when chosen). */
  logLoss?: boolean;
}

/** The own-data settings in the hash's order: `own=moons,6,tanh,bce_with_logits,adam,0.05,300,1`. */
const OWN_KEYS = ['dataset', 'hidden', 'activation', 'loss', 'optimizer', 'lr', 'epochs', 'seed'] as const;
const OWN_NUMBERS = new Set(['hidden', 'lr', 'epochs', 'seed']);
const ownText = (o: PlaygroundSettings) => OWN_KEYS.map((k) => String(o[k])).join(',');

/** The hash's own-data settings, or why they cannot be used (checked as the section checks them). */
function readOwn(text: string): PlaygroundSettings | string {
  const parts = text.split(',');
  if (parts.length !== OWN_KEYS.length) return `own must be ${OWN_KEYS.length} values joined by commas (${OWN_KEYS.join(',')}), got "${shorten(text)}"`;
  const own = Object.fromEntries(OWN_KEYS.map((k, i) => [k, OWN_NUMBERS.has(k) ? Number(parts[i]) : parts[i]])) as unknown as PlaygroundSettings;
  const errors = checkPlayground(own).errors;
  return errors.length ? `own: ${errors.map((e) => e.message).join('; ')}` : own;
}

const KEYS = ['preset', 'layers', 'bias', 'act', 'out', 'loss', 'x', 'y', 'lr', 'epochs', 'dtype', 'seed', 'rounding', 'draw', 'w', 'coef', 'epoch', 'slice', 'own', 'log'];

export function toHash(s: PageState): string {
  const i = s.input;
  const q = new URLSearchParams();
  q.set('preset', i.preset);
  q.set('layers', i.layers.join('-'));
  if (!i.bias.every(Boolean)) q.set('bias', i.bias.map(Number).join('-'));
  q.set('act', i.activation);
  q.set('out', i.outputActivation);
  q.set('loss', i.loss);
  q.set('x', i.x.join(','));
  q.set('y', i.y.join(','));
  q.set('lr', i.lr);
  q.set('epochs', i.epochs);
  q.set('dtype', i.dtype);
  if (i.init === 'seed') {
    q.set('seed', i.seed);
    if (i.rounding !== 'fused') q.set('rounding', i.rounding);
    if (i.draw !== 'float32') q.set('draw', i.draw);
  } else q.set('w', paramNames(i.layers, i.bias).map((p) => i.weights[p] ?? '').join(','));
  q.set('coef', COEFFICIENT_NAMES.map((c) => String(s.coefficients[c])).join(','));
  q.set('epoch', String(s.epoch));
  q.set('slice', s.slice);
  if (s.own && ownText(s.own) !== ownText(PLAYGROUND_DEFAULTS)) q.set('own', ownText(s.own));
  if (s.logLoss) q.set('log', '1');
  return `#${q.toString()}`;
}

/** The architecture's settings, which the lists (x, y, w) and the slice parameter depend on. */
type Architecture = Pick<RawInput, 'preset' | 'layers' | 'bias' | 'activation' | 'outputActivation' | 'loss'>;

const architectureOf = (i: RawInput): Architecture => ({
  preset: i.preset, layers: i.layers, bias: i.bias, activation: i.activation, outputActivation: i.outputActivation, loss: i.loss,
});

/** The hash's architecture, or why it cannot be used. Its size is checked before any parameter name is built. */
function readArchitecture(q: URLSearchParams, defaults: RawInput): Architecture | string {
  if (!q.has('layers')) return architectureOf(defaults);
  const layers = (q.get('layers') ?? '').split('-').map((t) => (/^\d+$/.test(t) ? Number(t) : NaN));
  if (layers.length < 2 || !layers.every((n) => Number.isSafeInteger(n) && n > 0)) return `layers must look like 1-2-2-1, got "${shorten(q.get('layers') ?? '')}"`;
  const bias = q.has('bias') ? (q.get('bias') ?? '').split('-') : layers.slice(1).map(() => '1');
  if (bias.length !== layers.length - 1 || !bias.every((b) => b === '0' || b === '1')) {
    return `bias must be ${layers.length - 1} flags 0 or 1 joined by -, one per Linear layer, got "${shorten(q.get('bias') ?? '')}"`;
  }
  const flags = bias.map((b) => b === '1');
  const size = sizeProblem(layers, flags);
  if (size) return size;
  return {
    preset: q.get('preset') ?? 'custom',
    layers,
    bias: flags,
    activation: q.get('act') ?? 'relu',
    outputActivation: q.get('out') ?? 'identity',
    loss: q.get('loss') ?? 'squared_error',
  };
}

/** `key`'s comma-separated values, or why not: there must be `length` of them. */
function list(q: URLSearchParams, key: string, length: number): string[] | string {
  const v = q.get(key);
  if (v === null) return `${key} is missing`;
  const parts = v.split(',');
  if (parts.length !== length) return `${key} must have ${length} value${length === 1 ? '' : 's'}, got ${parts.length}`;
  return parts;
}

/** A field's value when the hash's is unusable: the default's, if it fits this architecture. */
const fallback = (defaults: string[], length: number, zero = '0') => (defaults.length === length ? [...defaults] : Array.from({ length }, () => zero));

/** The inputs the hash describes; each unusable part is replaced by its default and its problem added to `problems`. */
function readInput(q: URLSearchParams, defaults: RawInput, problems: string[]): RawInput {
  let arch = readArchitecture(q, defaults);
  if (typeof arch === 'string') {
    problems.push(arch);
    arch = architectureOf(defaults);
  }
  const sameShape = arch.layers.join() === defaults.layers.join() && arch.bias.join() === defaults.bias.join();
  const names = paramNames(arch.layers, arch.bias);
  const given = (key: string, length: number, otherwise: string[]): string[] => {
    if (!q.has(key)) return otherwise;
    const v = list(q, key, length);
    if (typeof v === 'string') problems.push(v);
    return typeof v === 'string' ? otherwise : v;
  };
  const width = targetWidth(arch.loss as Loss, arch.layers.at(-1)!);
  const rounding = q.get('rounding') ?? 'fused';
  const draw = q.get('draw') ?? 'float32';
  if (rounding !== 'fused' && rounding !== 'portable') problems.push(`rounding must be fused or portable, got "${shorten(rounding)}"`);
  if (!(DTYPES as readonly string[]).includes(draw)) problems.push(`draw must be ${DTYPES.join(' or ')}, got "${shorten(draw)}"`);
  const w = q.has('w') ? given('w', names.length, []) : [];
  const seeded = w.length === 0;
  return {
    ...arch,
    x: given('x', arch.layers[0]!, fallback(defaults.x, arch.layers[0]!)),
    // An unknown loss gets the outputs' width here; checkInput then names the loss.
    y: given('y', width, fallback(defaults.y, width)),
    lr: q.get('lr') ?? defaults.lr,
    epochs: q.get('epochs') ?? defaults.epochs,
    dtype: q.get('dtype') ?? defaults.dtype,
    init: seeded ? 'seed' : 'weights',
    seed: q.get('seed') ?? defaults.seed,
    rounding: rounding === 'portable' ? rounding : 'fused',
    draw: (DTYPES as readonly string[]).includes(draw) ? (draw as RawInput['draw']) : 'float32',
    weights: Object.fromEntries(names.map((p, k) => [p, seeded ? (sameShape ? defaults.weights[p] ?? '' : '') : w[k]!])),
  };
}

/** Fields checkInput can reject one at a time; anything else is the architecture's. */
const RESETTABLE: Record<string, (i: RawInput, d: RawInput) => Partial<RawInput>> = {
  x: (i, d) => ({ x: fallback(d.x, i.x.length) }),
  y: (i, d) => ({ y: fallback(d.y, i.y.length) }),
  lr: (_, d) => ({ lr: d.lr }),
  epochs: (_, d) => ({ epochs: d.epochs }),
  dtype: (_, d) => ({ dtype: d.dtype }),
  seed: (_, d) => ({ seed: d.seed }),
  weights: (_, d) => ({ init: 'seed', seed: d.seed, weights: {} }),
};

/** checkInput's problems replaced field by field with the defaults, until what is left is valid. */
function validated(input: RawInput, defaults: RawInput, problems: string[]): RawInput {
  for (let round = 0; round < 3; round++) {
    const errors = checkInput(input).errors;
    if (!errors.length) return input;
    problems.push(...errors.map((e) => e.message));
    const fields = errors.map((e) => e.field.split('.')[0]!);
    if (!fields.every((f) => f in RESETTABLE)) return structuredClone(defaults);
    for (const f of new Set(fields)) input = { ...input, ...RESETTABLE[f]!(input, defaults) };
    if (input.init === 'seed') input.weights = Object.fromEntries(paramNames(input.layers, input.bias).map((p) => [p, '']));
  }
  return checkInput(input).errors.length ? structuredClone(defaults) : input;
}

/**
 * The state a hash describes. An empty hash gives the defaults; a part that
 * cannot be used (unknown, malformed, or refused by checkInput) is replaced by
 * its default and named in `error`, and the rest of the link is kept.
 */
export function fromHash(hash: string, defaults: PageState): { state: PageState; error?: string } {
  if (hash.replace(/^#/, '') === '') return { state: defaults };
  const q = new URLSearchParams(hash.replace(/^#/, ''));
  const problems: string[] = [];
  const unknown = [...new Set(q.keys())].filter((k) => !KEYS.includes(k));
  if (unknown.length) problems.push(`unknown setting${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `"${shorten(k)}"`).join(', ')}`);
  const input = validated(readInput(q, defaults.input, problems), defaults.input, problems);
  let coefficients = defaults.coefficients;
  if (q.has('coef')) {
    const coef = list(q, 'coef', COEFFICIENT_NAMES.length);
    if (typeof coef === 'string') problems.push(coef);
    else if (!coef.every((c) => c.trim() !== '' && Number.isFinite(Number(c)))) problems.push('coef must be numbers');
    else coefficients = Object.fromEntries(COEFFICIENT_NAMES.map((c, k) => [c, Number(coef[k])])) as Coefficients;
  }
  let epoch = defaults.epoch;
  if (q.has('epoch')) {
    const e = Number(q.get('epoch'));
    if (Number.isInteger(e) && e >= 1) epoch = e;
    else problems.push(`epoch must be a positive integer, got "${shorten(q.get('epoch')!)}"`);
  }
  const names = paramNames(input.layers, input.bias);
  const slice = q.get('slice') ?? defaults.slice;
  let own = defaults.own;
  if (q.has('own')) {
    const read = readOwn(q.get('own')!);
    if (typeof read === 'string') problems.push(read);
    else own = read;
  }
  let logLoss = defaults.logLoss;
  if (q.has('log')) {
    const log = q.get('log')!;
    if (log === '0' || log === '1') logLoss = log === '1';
    else problems.push(`log must be 0 or 1 (the loss chart's scale), got "${shorten(log)}"`);
  }
  const state: PageState = { input, coefficients, epoch, slice: names.includes(slice) ? slice : names[0]!, ...(own ? { own } : {}), ...(logLoss ? { logLoss } : {}) };
  if (!problems.length) return { state };
  return { state, error: `Part of the link could not be used (${problems.join('; ')}); the page shows the default${problems.length > 1 ? 's' : ''} for ${problems.length > 1 ? 'those' : 'it'} and keeps the rest.` };
}
