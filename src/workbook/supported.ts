// What the learner-workbook checker (`xlgrad check`) can compare with, in one
// place: a hand-built workbook of one sample's forward pass, its backward pass
// and the plain SGD step θ − lr·∂L/∂θ, with the squared-error losses.
//
// xlgrad's own workbooks (`xlgrad export`, `verify`) show every run a config
// can describe: several samples and mini-batches, layers without biases, SGD
// with momentum, nesterov, dampening and weight decay, Adam, cross-entropy and
// BCE with logits; only their size is bounded (layout.ts, limits.ts).

import { ConfigError, type Config } from '../config.ts';
import type { Loss } from '../network.ts';

/** The losses the checker compares with. */
export const WORKBOOK_LOSSES: readonly Loss[] = ['squared_error', 'mse', 'half_squared_error'];

/** Why the checker cannot compare with `config`, as one line `field: …` naming what is supported; undefined when it can. */
export function unsupported(config: Config): string | undefined {
  if (config.x.length !== 1) return `x: workbooks hold one sample for now, got ${config.x.length.toLocaleString('en-US')}`;
  const opt = config.optimizer;
  if (opt.name !== 'sgd' || opt.momentum !== 0 || opt.weightDecay !== 0) {
    const got = opt.name !== 'sgd' ? opt.name : [opt.momentum !== 0 ? `momentum ${opt.momentum}` : '', opt.weightDecay !== 0 ? `weight decay ${opt.weightDecay}` : ''].filter(Boolean).join(' and ');
    return `optimizer: workbooks show plain SGD for now (momentum 0, weight decay 0), got ${got}`;
  }
  if (!WORKBOOK_LOSSES.includes(config.loss)) {
    return `loss: workbooks cover ${WORKBOOK_LOSSES.slice(0, -1).join(', ')} and ${WORKBOOK_LOSSES.at(-1)} for now, got ${config.loss}`;
  }
  return undefined;
}

/** `config` itself when a workbook can show it; otherwise a ConfigError saying why (see unsupported). */
export function supported(config: Config): Config {
  const why = unsupported(config);
  if (why !== undefined) throw new ConfigError(why);
  return config;
}
