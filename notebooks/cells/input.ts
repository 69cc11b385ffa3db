// The page's inputs as the user typed them (strings), and their validation:
// the strings are read as numbers here, then normalizeConfig (the same check
// the CLI uses) decides what is allowed. Each problem is one message attached
// to the input it concerns; a valid input becomes a Config.

import { ConfigError, normalizeConfig, paramNames, type Config } from '../../src/config.ts';

/** What the inputs hold, as typed. Architecture fields come from the preset. */
export interface RawInput {
  preset: string;
  layers: number[];
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

/** The inputs showing a configuration (a preset, or the defaults). */
export function rawInputOf(config: Config, preset = 'custom'): RawInput {
  const init = config.init;
  const seeded = 'torchSeed' in init;
  return {
    preset,
    layers: [...config.layers],
    activation: config.activation,
    outputActivation: config.outputActivation,
    loss: config.loss,
    x: config.x.map(text),
    y: config.y.map(text),
    lr: text(config.lr),
    epochs: text(config.epochs),
    dtype: config.dtype,
    init: seeded ? 'seed' : 'weights',
    seed: seeded ? text(init.torchSeed) : '0',
    weights: Object.fromEntries(paramNames(config.layers).map((p) => [p, seeded ? '' : text(init.params[p]!)])),
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
  const x = raw.x.map((s, i) => readNumber(`x.${i}`, raw.x.length > 1 ? `x${i + 1}` : 'x', s, errors));
  const y = raw.y.map((s, i) => readNumber(`y.${i}`, raw.y.length > 1 ? `y${i + 1}` : 'y', s, errors));
  const lr = readNumber('lr', 'learning rate', raw.lr, errors);
  const epochs = readNumber('epochs', 'epochs', raw.epochs, errors);
  if (epochs !== undefined && Number.isInteger(epochs) && epochs < 1) errors.push({ field: 'epochs', message: `epochs: must be at least 1, got ${epochs}` });
  if (epochs !== undefined && Number.isInteger(epochs) && epochs > PAGE_MAX_EPOCHS) {
    errors.push({ field: 'epochs', message: `epochs: the page trains at most ${PAGE_MAX_EPOCHS.toLocaleString('en-US')} epochs, got ${epochs.toLocaleString('en-US')}; run longer ones with \`xlgrad run\`` });
  }
  const init =
    raw.init === 'weights'
      ? { params: Object.fromEntries(paramNames(raw.layers).map((p) => [p, readNumber(`weights.${p}`, p, raw.weights[p], errors)])) }
      : { torchSeed: readNumber('seed', 'seed', raw.seed, errors) };
  if (errors.length) return { errors };
  try {
    const config = normalizeConfig({
      layers: raw.layers, activation: raw.activation, outputActivation: raw.outputActivation, loss: raw.loss,
      x, y, lr, epochs, dtype: raw.dtype, init,
    });
    return { config, errors };
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    const field = /^([^:]+):/.exec(e.message)?.[1] ?? 'config';
    return { errors: [{ field: fieldOf(field), message: e.message }] };
  }
}
