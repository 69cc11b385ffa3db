// The page's inputs as the user typed them (strings), and their validation:
// the strings are read as numbers here, then normalizeConfig (the same check
// the CLI uses) decides what is allowed. Each problem is one message attached
// to the input it concerns; a valid input becomes a Config.
//
// The page shows one training point and plain SGD (one optimizer step per
// epoch), so its inputs are one sample's x and y; runs over a data set, in
// mini-batches or with momentum and Adam belong to `xlgrad run`.

import type { Dtype } from '../../src/algebra.ts';
import { ConfigError, normalizeConfig, paramNames, type Config } from '../../src/config.ts';
import { PAGE_MAX_EPOCHS, PAGE_MAX_PARAMS } from '../../src/limits.ts';
import { input, paramCount, target } from '../../src/names.ts';
import { shorten } from '../../src/csv.ts';
import { presets } from '../../src/presets.ts';
import type { Rounding } from '../../src/torchInit.ts';

/** What the inputs hold, as typed. Architecture fields and the seeded draw's settings come from the preset. */
export interface RawInput {
  preset: string;
  layers: number[];
  /** One flag per Linear layer: does it have a bias? */
  bias: boolean[];
  activation: string;
  outputActivation: string;
  loss: string;
  x: string[];
  y: string[];
  lr: string;
  epochs: string;
  dtype: string;
  init: 'seed' | 'weights';
  seed: string;
  /** How PyTorch's seeded init drew: its kernels' rounding and the dtype it drew in. */
  rounding: Rounding;
  draw: Dtype;
  weights: Record<string, string>;
}

/** One problem, attached to an input: `x.0`, `y.0`, `lr`, `epochs`, `seed`, `weights.w3`, `dtype`, … */
export interface InputError {
  field: string;
  message: string;
}

export interface Checked {
  config?: Config;
  errors: InputError[];
}

export { PAGE_MAX_EPOCHS, PAGE_MAX_PARAMS };

const count = (n: number) => n.toLocaleString('en-US');
/** What to do about a run the page does not take. */
const USE_CLI = 'use the CLI (`xlgrad run`) for more';

const text = (v: number) => String(v);

/** Why the page cannot show a configuration (it needs one sample and plain SGD), or undefined when it can. */
export function notShown(config: Config): string | undefined {
  const o = config.optimizer;
  if (config.x.length !== 1) return `it has ${config.x.length} samples; the page trains on one`;
  if (o.name !== 'sgd' || o.momentum !== 0 || o.weightDecay !== 0) return 'the page shows plain SGD (no momentum, weight decay or Adam)';
  return undefined;
}

/** The presets the page can show, in the order of src/presets.ts. */
export const PAGE_PRESETS: readonly string[] = Object.keys(presets).filter((name) => notShown(presets[name]!) === undefined);

/** The inputs showing a configuration (a preset, or the defaults): its one sample, x[0] and y[0]. */
export function rawInputOf(config: Config, preset = 'custom'): RawInput {
  const why = notShown(config);
  if (why) throw new Error(`rawInputOf: ${why}`);
  const init = config.init;
  const seeded = 'torchSeed' in init;
  return {
    preset,
    layers: [...config.layers],
    bias: [...config.bias],
    activation: config.activation,
    outputActivation: config.outputActivation,
    loss: config.loss,
    x: config.x[0]!.map(text),
    y: config.y[0]!.map(text),
    lr: text(config.lr),
    epochs: text(config.epochs),
    dtype: config.dtype,
    init: seeded ? 'seed' : 'weights',
    seed: seeded ? text(init.torchSeed) : '0',
    rounding: seeded ? init.rounding : 'fused',
    // Unused with explicit weights; kept at the draw a switch back to a seed starts from.
    draw: seeded ? init.draw : 'float32',
    weights: Object.fromEntries(paramNames(config.layers, config.bias).map((p) => [p, seeded ? '' : text(init.params[p]!)])),
  };
}

/** Reads one typed number; a problem goes to `errors` under `field`. */
function readNumber(field: string, label: string, s: string | undefined, errors: InputError[]): number | undefined {
  const t = (s ?? '').trim();
  if (t === '') {
    errors.push({ field, message: `${label}: is empty; type a number` });
    return undefined;
  }
  const v = Number(t);
  if (Number.isNaN(v)) errors.push({ field, message: `${label}: must be a number, got "${t}"` });
  else if (!Number.isFinite(v)) errors.push({ field, message: `${label}: ${t} is too large for a double; must be a finite number` });
  else return v;
  return undefined;
}

/** normalizeConfig's field names as input names: `x[0]` → `x.0`, `init.params.w3` → `weights.w3`. */
function fieldOf(configField: string): string {
  return configField
    .replace(/^(x|y)\[(\d+)\]$/, '$1.$2')
    .replace(/^init\.params\.?/, 'weights.')
    .replace(/^init\.torchSeed$/, 'seed')
    .replace(/^weights\.$/, 'weights');
}

/** A config message in the page's words: its field named as the input's label (`lr` → `learning rate`, `init.torchSeed` → `seed`). */
function pageMessage(configField: string, message: string): string {
  const label = configField === 'lr' ? 'learning rate' : configField === 'init.torchSeed' ? 'seed' : configField.replace(/^init\.params\./, '');
  return label + message.slice(configField.length);
}

/** Why the page does not take a network of these layers (too many parameters, counted before any name is built), or undefined. */
export function sizeProblem(layers: readonly number[], bias: readonly boolean[]): string | undefined {
  const shape = layers.every((n) => Number.isSafeInteger(n) && n > 0) && bias.length === layers.length - 1;
  const params = shape ? paramCount(layers, bias) : Infinity;
  if (params <= PAGE_MAX_PARAMS) return undefined;
  return `layers: ${shorten(layers.join('-'))} has ${shape ? count(params) : 'too many'} parameters; at most ${count(PAGE_MAX_PARAMS)} on the page; ${USE_CLI}`;
}

/** The bounds the page adds to the CLI's (src/limits.ts), checked before anything is built. */
function pageBounds(raw: RawInput, epochs: number | undefined, errors: InputError[]): void {
  const size = sizeProblem(raw.layers, raw.bias);
  if (size) errors.push({ field: 'layers', message: size });
  if (epochs === undefined) return;
  if (!Number.isInteger(epochs) || epochs < 1) errors.push({ field: 'epochs', message: `epochs: must be a whole number from 1 to ${count(PAGE_MAX_EPOCHS)}, got ${epochs}` });
  else if (epochs > PAGE_MAX_EPOCHS) errors.push({ field: 'epochs', message: `epochs: at most ${count(PAGE_MAX_EPOCHS)} on the page, got ${count(epochs)}; ${USE_CLI}` });
}

export function checkInput(raw: RawInput): Checked {
  const errors: InputError[] = [];
  const epochs = readNumber('epochs', 'epochs', raw.epochs, errors);
  pageBounds(raw, epochs, errors);
  // Nothing is built for a network the page does not take (its weights' names could be millions).
  if (errors.some((e) => e.field === 'layers')) return { errors };
  const x = raw.x.map((s, i) => readNumber(`x.${i}`, raw.x.length > 1 ? input(i + 1) : 'x', s, errors));
  const y = raw.y.map((s, i) => readNumber(`y.${i}`, raw.y.length > 1 ? target(i + 1) : 'y', s, errors));
  const lr = readNumber('lr', 'learning rate', raw.lr, errors);
  const init =
    raw.init === 'weights'
      ? { params: Object.fromEntries(paramNames(raw.layers, raw.bias).map((p) => [p, readNumber(`weights.${p}`, p, raw.weights[p], errors)])) }
      : { torchSeed: readNumber('seed', 'seed', raw.seed, errors), rounding: raw.rounding, draw: raw.draw };
  if (errors.length) return { errors: sorted(errors) };
  try {
    const config = normalizeConfig({
      layers: raw.layers, bias: raw.bias, activation: raw.activation, outputActivation: raw.outputActivation, loss: raw.loss,
      x, y, batchSize: 1, lr, epochs, dtype: raw.dtype, optimizer: 'sgd', init,
    });
    return { config, errors };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const field = /^([^:]+):/.exec(e.message)?.[1] ?? 'config';
    return { errors: [{ field: fieldOf(field), message: pageMessage(field, e.message) }] };
  }
}

/** Problems in the order of the form: data, then training, then the initial parameters. */
const ORDER = ['layers', 'x', 'y', 'lr', 'epochs', 'seed', 'weights'];
const rank = (field: string) => ORDER.indexOf(field.split('.')[0]!);
function sorted(errors: InputError[]): InputError[] {
  return errors.map((e, i) => ({ e, i })).sort((a, b) => rank(a.e.field) - rank(b.e.field) || a.i - b.i).map(({ e }) => e);
}
