// What the checker needs to know that a sheet may not say: the architecture
// (1-2-2-1 ReLU with squared error unless told), and, as fall-backs or as the
// truth to check against, x, y, lr and the initial weights. A check config is a
// run config with every key optional; keys the user gave are remembered, because
// a given value is checked against the sheet while a default never is.

import { ConfigError, normalizeConfig, type Config } from '../config.ts';
import { parseJson } from '../parseJson.ts';
import { checkable } from './checkable.ts';
import { CheckError } from './checkError.ts';

export interface CheckConfig {
  config: Config;
  /** Keys the user set explicitly (x, y, lr, init, …). */
  given: ReadonlySet<string>;
}

const DEFAULTS = { layers: [1, 2, 2, 1], activation: 'relu', outputActivation: 'identity', loss: 'squared_error', lr: 0.01, epochs: 1 } as const;

/**
 * A partial config (`{"loss": "half_squared_error"}`) completed with the
 * article's architecture. A config the checker cannot compare with (several
 * samples, momentum, another loss) is refused with the one line checkable.ts
 * gives, as an xlgrad workbook would be.
 */
export function checkConfig(raw: unknown = {}, file = 'config'): CheckConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new CheckError(`${file}: must be a JSON object such as {"loss": "half_squared_error"}`);
  const given = new Set(Object.keys(raw));
  const r = raw as Record<string, unknown>;
  const layers = Array.isArray(r.layers) ? (r.layers as unknown[]) : [...DEFAULTS.layers];
  // Placeholders so the run config validates; they are never used unless given.
  const target = r.loss === 'cross_entropy' ? [0] : Array(layers.at(-1) ?? 1).fill(0);
  const filled = { ...DEFAULTS, layers, x: Array(layers[0] ?? 1).fill(0), y: target, init: { torchSeed: 0 }, ...r, dtype: 'float64' };
  try {
    return { config: checkable(normalizeConfig(filled)), given };
  } catch (e) {
    if (e instanceof ConfigError) throw new CheckError(`${file}: ${e.message}`);
    throw e;
  }
}

export function parseCheckConfig(text: string, file: string): CheckConfig {
  return checkConfig(parseJson(text, (m) => new CheckError(`${file}: ${m}`)), file);
}

/** The config for a sheet of `samples` samples trained full-batch: placeholder data of that many rows, unless x was given. */
export function withSamples(cc: CheckConfig, samples: number): CheckConfig {
  if (cc.given.has('x') || samples === cc.config.x.length) return cc;
  const { layers } = cc.config;
  const y = cc.config.loss === 'cross_entropy' ? [0] : Array(layers.at(-1)!).fill(0);
  const config = { ...cc.config, x: Array.from({ length: samples }, () => Array(layers[0]!).fill(0)), y: Array.from({ length: samples }, () => [...y]), batchSize: samples };
  return { config: checkable(config), given: cc.given };
}
