// The run a workbook shows: the training driver's steps (train.ts), one per
// epoch, computed in float64 as every spreadsheet computes. A float32 config's
// workbook starts from the float32 run's parameters (PyTorch's float32 draw,
// read as doubles).
//
// The driver stops after a step whose loss or update is not finite; a workbook
// lays out every epoch it was asked for, and its cells go on computing from
// there (showing errors), so the driver is resumed at the next step from the
// parameters it stopped at. Plain SGD (supported.ts) keeps no optimizer state,
// so the resumed run is the same run.

import type { Config } from '../config.ts';
import type { Network } from '../network.ts';
import { initialParams, networkOf, train, type Params, type Step } from '../train.ts';

export interface WorkbookStepsOptions {
  /** Evaluate the gradient expressions too (every adjoint the epoch sheet names). */
  symbolic?: boolean;
}

/** One driver step per epoch, epochs numbered 1 … config.epochs. Returns the parameters after the last. */
export function* workbookSteps(config: Config, net: Network = networkOf(config), options: WorkbookStepsOptions = {}): Generator<Step, Params> {
  let params = initialParams(net, config);
  let done = 0;
  while (done < config.epochs) {
    const run = train(config, { dtype: 'float64', symbolic: options.symbolic, net, resume: { step: done + 1, params, state: {} } });
    let r = run.next();
    for (; !r.done; r = run.next()) {
      done = r.value.step;
      yield r.value;
    }
    params = r.value;
  }
  return params;
}
