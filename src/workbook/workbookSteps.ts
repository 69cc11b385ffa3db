// The run a workbook shows: the training driver's optimizer steps (train.ts),
// computed in float64 as every spreadsheet computes. A float32 config's
// workbook starts from the float32 run's parameters (PyTorch's float32 draw,
// read as doubles).
//
// The driver stops after a step whose loss or update is not finite; a workbook
// lays out every step it was asked for, and its cells go on computing from
// there (showing errors), so the driver is resumed at the next step from the
// parameters and optimizer state it stopped at.

import type { Config } from '../config.ts';
import type { Network } from '../network.ts';
import { initialParams, networkOf, train, type Params, type Step } from '../train.ts';

export interface WorkbookStepsOptions {
  /** Evaluate the gradient expressions too (every adjoint the step sheet names). */
  symbolic?: boolean;
}

/** Every optimizer step of the run, numbered 1 … epochs × batches. Returns the parameters after the last. */
export function* workbookSteps(config: Config, net: Network = networkOf(config), options: WorkbookStepsOptions = {}): Generator<Step, Params> {
  const total = config.epochs * Math.ceil(config.x.length / config.batchSize);
  let params = initialParams(net, config);
  let state: Params = {};
  let done = 0;
  while (done < total) {
    const run = train(config, { dtype: 'float64', symbolic: options.symbolic, net, resume: { step: done + 1, params, state } });
    let r = run.next();
    for (; !r.done; r = run.next()) {
      done = r.value.step;
      state = r.value.state;
      yield r.value;
    }
    params = r.value;
  }
  return params;
}
