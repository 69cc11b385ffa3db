// The workbook's own run, evaluated by the engine in float64 on the graphs it
// is printed from: these numbers are the formulas' cached results, so a viewer
// that never recalculates still shows the right values.

import { evaluate } from '../evaluate.ts';
import { initialParams, inputsOf, type Params } from '../trace.ts';
import type { Plan } from './plan.ts';

export interface WorkbookRun {
  /** x1…, y1… by graph name. */
  inputs: Params;
  /** Per epoch: the parameters entering it and the value of every split-graph node. */
  epochs: { params: Params; values: Float64Array }[];
  final: Params;
}

/** θ − lr·g for every parameter, evaluated on the update graph the formulas are printed from. */
export function updated(plan: Plan, params: Params, values: Float64Array): Params {
  const { net, split, update, config } = plan;
  const next: Params = {};
  for (const p of net.params) {
    const g = values[split.map[net.grads[p]!]!]!;
    next[p] = evaluate(update.graph, { θ: params[p]!, lr: config.lr, g }, 'float64')[update.next]!;
  }
  return next;
}

export function runWorkbook(plan: Plan): WorkbookRun {
  const { config, net, split } = plan;
  const inputs = inputsOf(net, config);
  let params = initialParams(net, config);
  const epochs: WorkbookRun['epochs'] = [];
  for (let k = 1; k <= config.epochs; k++) {
    const values = evaluate(split.graph, { ...params, ...inputs }, 'float64');
    epochs.push({ params, values });
    params = updated(plan, params, values);
  }
  return { inputs, epochs, final: params };
}
