// The workbook's own run, as the training driver computes it in float64
// (workbookSteps), with every cell's value read off the graph the formulas are
// printed from: these numbers are the formulas' cached results, so a viewer
// that never recalculates still shows the right values.

import { evaluate } from '../evaluate.ts';
import { inputsOf, type Params } from '../train.ts';
import type { Plan } from './plan.ts';
import { workbookSteps } from './workbookSteps.ts';

export interface WorkbookRun {
  /** x1…, y1… by graph name. */
  inputs: Params;
  /** Per epoch: the parameters entering it and the value of every split-graph node. */
  epochs: { params: Params; values: Float64Array }[];
  final: Params;
}

export function runWorkbook(plan: Plan): WorkbookRun {
  const { config, net, split } = plan;
  const epochs: WorkbookRun['epochs'] = [];
  const steps = workbookSteps(config, net);
  let r = steps.next();
  for (; !r.done; r = steps.next()) epochs.push({ params: r.value.params, values: evaluate(split.graph, r.value.env, 'float64') });
  return { inputs: inputsOf(net, config), epochs, final: r.value };
}
