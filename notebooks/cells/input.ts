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
import { input, target } from '../../src/names.ts';
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

/** Training runs in the page on every change; longer runs belong to `xlgrad run`. */
export const PAGE_MAX_EPOCHS = 5000;

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

export function checkInput(raw: RawInput): Checked {
  const errors: InputError[] = [];
  const x = raw.x.map((s, i) => readNumber(`x.${i}`, raw.x.length > 1 ? input(i + 1) : 'x', s, errors));
  const y = raw.y.map((s, i) => readNumber(`y.${i}`, raw.y.length > 1 ? target(i + 1) : 'y', s, errors));
  const lr = readNumber('lr', 'learning rate', raw.lr, errors);
  const epochs = readNumber('epochs', 'epochs', raw.epochs, errors);
  if (epochs !== undefined && Number.isInteger(epochs) && epochs < 1) errors.push({ field: 'epochs', message: `epochs: must be at least 1, got ${epochs}` });
  if (epochs !== undefined && Number.isInteger(epochs) && epochs > PAGE_MAX_EPOCHS) {
    errors.push({ field: 'epochs', message: `epochs: the page trains at most ${PAGE_MAX_EPOCHS.toLocaleString('en-US')} epochs, got ${epochs.toLocaleString('en-US')}; run longer ones with \`xlgrad run\`` });
  }
  const init =
    raw.init === 'weights'
      ? { params: Object.fromEntries(paramNames(raw.layers, raw.bias).map((p) => [p, readNumber(`weights.${p}`, p, raw.weights[p], errors)])) }
      : { torchSeed: readNumber('seed', 'seed', raw.seed, errors), rounding: raw.rounding, draw: raw.draw };
  if (errors.length) return { errors };
  try {
    const config = normalizeConfig({
      layers: raw.layers, bias: raw.bias, activation: raw.activation, outputActivation: raw.outputActivation, loss: raw.loss,
      x, y, batchSize: 1, lr, epochs, dtype: raw.dtype, optimizer: 'sgd', init,
    });
    return { config, errors };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const field = /^([^:]+):/.exec(e.message)?.[1] ?? 'config';
    return { errors: [{ field: fieldOf(field), message: e.message }] };
  }
}
