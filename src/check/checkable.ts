// What the learner-workbook checker (`xlgrad check`) can compare with, in one
// place: a hand-built workbook of the forward pass of one sample or of a whole
// data set trained full-batch (XOR's four samples, the gradient summed or
// averaged as the loss says), its backward pass and the plain SGD step
// θ − lr·∂L/∂θ, with the squared-error losses. (xlgrad's
// own workbooks show every run a config can describe; see src/workbook/.)

import { ConfigError, type Config } from '../config.ts';
import type { Loss } from '../network.ts';

/** The losses the checker compares with. */
export const CHECKED_LOSSES: readonly Loss[] = ['squared_error', 'mse', 'half_squared_error'];

/** Why the checker cannot compare with `config`, as one line `field: …` naming what is supported; undefined when it can. */
export function unsupported(config: Config): string | undefined {
  if (config.batchSize !== config.x.length) return `batchSize: the checker compares full-batch training (batchSize ${config.x.length.toLocaleString('en-US')}, every sample in each step) for now, got ${config.batchSize.toLocaleString('en-US')}`;
  const opt = config.optimizer;
  if (opt.name !== 'sgd' || opt.momentum !== 0 || opt.weightDecay !== 0) {
    const got = opt.name !== 'sgd' ? opt.name : [opt.momentum !== 0 ? `momentum ${opt.momentum}` : '', opt.weightDecay !== 0 ? `weight decay ${opt.weightDecay}` : ''].filter(Boolean).join(' and ');
    return `optimizer: the checker compares plain SGD for now (momentum 0, weight decay 0), got ${got}`;
  }
  if (!CHECKED_LOSSES.includes(config.loss)) {
    return `loss: the checker covers ${CHECKED_LOSSES.slice(0, -1).join(', ')} and ${CHECKED_LOSSES.at(-1)} for now, got ${config.loss}`;
  }
  return undefined;
}

/** `config` itself when the checker can compare with it; otherwise a ConfigError saying why (see unsupported). */
export function checkable(config: Config): Config {
  const why = unsupported(config);
  if (why !== undefined) throw new ConfigError(why);
  return config;
}
