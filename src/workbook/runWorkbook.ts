// The workbook's own run, as the training driver computes it in float64
// (workbookSteps), with every cell's value read off the graph the formulas are
// printed from: these numbers are the formulas' cached results, so a viewer
// that never recalculates still shows the right values.

import type { Config } from '../config.ts';
import { evaluate } from '../evaluate.ts';
import { adamScalars } from '../optimizer.ts';
import { inputsOf, networkOf, type Params } from '../train.ts';
import { dataName } from './names.ts';
import type { BatchPlan, Plan } from './plan.ts';
import { workbookSteps } from './workbookSteps.ts';

export interface WorkbookStep {
  /** 1-based optimizer step. */
  step: number;
  /** 0-based data-set samples of the batch. */
  samples: number[];
  /** The plan of the step's batch size. */
  plan: BatchPlan;
  /** Parameters entering the step. */
  params: Params;
  /** The batch's inputs and targets by graph name (x1_n2). */
  inputs: Params;
  /** The value of every split-graph node of `plan`. */
  values: Float64Array;
  /** Optimizer state after the step, named as names.ts's state (mom_w1, m_w1, v_w1). */
  state: Params;
  /** Adam's s = lr/(1 − β₁ᵗ) and c2 = √(1 − β₂ᵗ) of the step, as torch.optim.Adam computes them in double. */
  adam?: { s: number; c2: number };
}

export interface WorkbookRun {
  /** Every input and target of the data set by its workbook name (x_1, or x_1_s3 with several samples). */
  data: Params;
  steps: WorkbookStep[];
  final: Params;
}

/** The data set as the workbook names it: each sample's inputs and targets (cross-entropy's class as one-hot targets). */
export function dataOf(config: Config): Params {
  const one = networkOf(config, 1);
  const data: Params = {};
  for (let s = 0; s < config.x.length; s++) {
    for (const [n, v] of Object.entries(inputsOf(one, config, [s]))) data[dataName(n, s + 1, config.x.length)] = v;
  }
  return data;
}

/** Adam's step scalars of step t, or undefined for SGD. */
export function adamOf(config: Config, t: number): WorkbookStep['adam'] {
  const opt = config.optimizer;
  if (opt.name !== 'adam') return undefined;
  const sc = adamScalars(config.lr, opt.betas, t);
  return { s: sc.stepSize, c2: sc.bc2Sqrt };
}

export function runWorkbook(plan: Plan): WorkbookRun {
  const { config, net } = plan;
  const steps: WorkbookStep[] = [];
  const run = workbookSteps(config, net);
  let r = run.next();
  for (; !r.done; r = run.next()) {
    const s = r.value;
    const bp = plan.batch(s.samples.length);
    const adam = adamOf(config, s.step);
    steps.push({ step: s.step, samples: s.samples, plan: bp, params: s.params, inputs: inputsOf(s.net, config, s.samples), values: evaluate(bp.split.graph, s.env, 'float64'), state: s.state, ...(adam ? { adam } : {}) });
  }
  return { data: dataOf(config), steps, final: r.value };
}
