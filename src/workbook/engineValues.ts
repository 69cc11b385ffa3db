// What every defined name of an xlgrad workbook should hold, computed by the
// engine in float64 (a spreadsheet computes in doubles): `verify` compares
// LibreOffice's recalculation with these, and the tests compare the layout's
// cached results with them. Built from the training driver's steps
// (workbookSteps) and finiteDifference on the network graph, independently of
// the workbook layout.
//
// Training that diverges keeps going here (NaN, ±Infinity), so a workbook that
// shows errors from some epoch on is checked too.

import type { Config } from '../config.ts';
import type { Env } from '../evaluate.ts';
import { DEFAULT_STEP, finiteDifference } from '../finiteDifference.ts';
import type { Network } from '../network.ts';
import { initialParams, inputsOf, networkOf } from '../train.ts';
import { epochName, finalName, inputName, LR, minusName, numericName, plusName, STEP } from './names.ts';
import { supported } from './supported.ts';
import { workbookSteps } from './workbookSteps.ts';

export interface EngineValuesOptions {
  /** Include the numeric-derivative names (Lplus_…, Lminus_…, num_dL_d…). Default true. */
  numeric?: boolean;
}

function numericValues(net: Network, env: Env, epoch: number, out: Map<string, number>): void {
  const { grads, losses } = finiteDifference(net, env, DEFAULT_STEP);
  for (const p of net.params) {
    out.set(plusName(p, epoch), losses[p]!.plus);
    out.set(minusName(p, epoch), losses[p]!.minus);
    out.set(numericName(p, epoch), grads[p]!);
  }
}

/** Name → float64 value for every name the workbook of `config` defines (settings excepted). */
export function engineValues(config: Config, options: EngineValuesOptions = {}, net?: Network): Map<string, number> {
  supported(config);
  net ??= networkOf(config);
  const out = new Map<string, number>();
  for (const [n, v] of Object.entries(inputsOf(net, config))) out.set(inputName(n), v);
  out.set(LR, config.lr);
  out.set(STEP, DEFAULT_STEP);
  let final = initialParams(net, config);
  // The initial parameters are the parameters entering epoch 1, even when no epoch runs.
  for (const p of net.params) out.set(epochName(p, 1), final[p]!);
  for (const s of workbookSteps(config, net, { symbolic: true })) {
    const k = s.epoch;
    for (const p of net.params) out.set(epochName(p, k), s.params[p]!);
    for (const n of [...net.nodes, ...net.adjoints]) out.set(epochName(n, k), s.values[net.id[n]!]!);
    if (options.numeric !== false) numericValues(net, s.env, k, out);
    final = s.next;
  }
  for (const p of net.params) out.set(finalName(p), final[p]!);
  return out;
}
