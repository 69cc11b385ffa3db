// The page's state in the URL hash, so a link reproduces the page and a reload
// loses nothing: `#x=1&y=1&lr=0.01&epochs=2&dtype=float32&seed=0&…`.
// Only valid states are written; a hash that cannot be read leaves the defaults
// in place and says why. Settings most links leave at their default are
// written only when they differ from it: `bias` (all true), `draw` (float32)
// and `rounding` (fused), so links made before they existed still read the same.

import { DTYPES, paramNames } from '../../src/config.ts';
import { targetWidth } from '../../src/csv.ts';
import type { Loss } from '../../src/network.ts';
import { checkInput, type RawInput } from './input.ts';
import { COEFFICIENT_NAMES, type Coefficients } from './combination.ts';

export interface PageState {
  input: RawInput;
  coefficients: Coefficients;
  /** The epoch whose details the page shows. */
  epoch: number;
  /** The parameter of the loss slice. */
  slice: string;
}

const KEYS = ['preset', 'layers', 'bias', 'act', 'out', 'loss', 'x', 'y', 'lr', 'epochs', 'dtype', 'seed', 'rounding', 'draw', 'w', 'coef', 'epoch', 'slice'];

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
  return `#${q.toString()}`;
}

class HashError extends Error {}

function list(q: URLSearchParams, key: string, length: number): string[] {
  const v = q.get(key);
  if (v === null) throw new HashError(`${key} is missing`);
  const parts = v.split(',');
  if (parts.length !== length) throw new HashError(`${key} must have ${length} value${length === 1 ? '' : 's'}, got ${parts.length}`);
  return parts;
}

function read(hash: string, defaults: PageState): PageState {
  const q = new URLSearchParams(hash.replace(/^#/, ''));
  const unknown = [...q.keys()].find((k) => !KEYS.includes(k));
  if (unknown !== undefined) throw new HashError(`unknown setting "${unknown}"`);
  const layers = (q.get('layers') ?? '').split('-').map(Number);
  if (layers.length < 2 || !layers.every((n) => Number.isInteger(n) && n > 0 && n <= 64)) throw new HashError(`layers must look like 1-2-2-1, got "${q.get('layers')}"`);
  const bias = q.has('bias') ? (q.get('bias') ?? '').split('-') : layers.slice(1).map(() => '1');
  if (bias.length !== layers.length - 1 || !bias.every((b) => b === '0' || b === '1')) {
    throw new HashError(`bias must be ${layers.length - 1} flags 0 or 1 joined by -, one per Linear layer, got "${q.get('bias')}"`);
  }
  const names = paramNames(layers, bias.map((b) => b === '1'));
  const seeded = !q.has('w');
  const rounding = q.get('rounding') ?? 'fused';
  if (rounding !== 'fused' && rounding !== 'portable') throw new HashError(`rounding must be fused or portable, got "${rounding}"`);
  const draw = q.get('draw') ?? 'float32';
  if (!(DTYPES as readonly string[]).includes(draw)) throw new HashError(`draw must be ${DTYPES.join(' or ')}, got "${draw}"`);
  const loss = q.get('loss') ?? 'squared_error';
  const w = seeded ? [] : list(q, 'w', names.length);
  const coef = q.has('coef') ? list(q, 'coef', COEFFICIENT_NAMES.length).map(Number) : COEFFICIENT_NAMES.map((c) => defaults.coefficients[c]);
  if (!coef.every(Number.isFinite)) throw new HashError('coef must be numbers');
  const epoch = Number(q.get('epoch') ?? 1);
  if (!Number.isInteger(epoch) || epoch < 1) throw new HashError(`epoch must be a positive integer, got "${q.get('epoch')}"`);
  const input: RawInput = {
    preset: q.get('preset') ?? 'custom',
    layers,
    bias: bias.map((b) => b === '1'),
    activation: q.get('act') ?? 'relu',
    outputActivation: q.get('out') ?? 'identity',
    loss,
    x: list(q, 'x', layers[0]!),
    // An unknown loss gets the outputs' width here; checkInput then names the loss.
    y: list(q, 'y', targetWidth(loss as Loss, layers.at(-1)!)),
    lr: q.get('lr') ?? '',
    epochs: q.get('epochs') ?? '',
    dtype: q.get('dtype') ?? 'float32',
    init: seeded ? 'seed' : 'weights',
    seed: q.get('seed') ?? '0',
    rounding,
    draw: draw as RawInput['draw'],
    weights: Object.fromEntries(names.map((p, k) => [p, seeded ? '' : w[k]!])),
  };
  const problem = checkInput(input).errors[0];
  if (problem) throw new HashError(problem.message);
  const slice = q.get('slice') ?? defaults.slice;
  return {
    input,
    coefficients: Object.fromEntries(COEFFICIENT_NAMES.map((c, k) => [c, coef[k]!])) as Coefficients,
    epoch,
    slice: names.includes(slice) ? slice : names[0]!,
  };
}

/** The state a hash describes; an empty hash gives the defaults, an unreadable one the defaults and a message. */
export function fromHash(hash: string, defaults: PageState): { state: PageState; error?: string } {
  if (hash.replace(/^#/, '') === '') return { state: defaults };
  try {
    return { state: read(hash, defaults) };
  } catch (e) {
    if (!(e instanceof HashError)) throw e;
    return { state: defaults, error: `The link's settings could not be read (${e.message}); showing the defaults instead.` };
  }
}
