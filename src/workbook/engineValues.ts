// What every defined name of an xlgrad workbook should hold, computed by the
// engine in float64 (a spreadsheet computes in doubles): `verify` compares
// LibreOffice's recalculation with these, and the tests compare the layout's
// cached results with them. Built from evaluate / finiteDifference / sgdStep on
// the network graph, independently of the workbook layout.
//
// A float32 config's workbook starts from the same parameters as the float32
// run (PyTorch's float32 draw, read as doubles) and then computes in float64.
// Training that diverges keeps going here (NaN, ±Infinity), so a workbook that
// shows errors from some epoch on is checked too.

import type { Config } from '../config.ts';
import { evaluate, type Env } from '../evaluate.ts';
import { DEFAULT_STEP, finiteDifference } from '../finiteDifference.ts';
import type { Network } from '../network.ts';
import { sgdStep } from '../sgd.ts';
import { initialParams, inputsOf, networkOf } from '../trace.ts';
import { epochName, finalName, inputName, LR, minusName, numericName, plusName, STEP } from './names.ts';

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
export function engineValues(config: Config, options: EngineValuesOptions = {}, net: Network = networkOf(config)): Map<string, number> {
  const out = new Map<string, number>();
  const inputs = inputsOf(net, config);
  for (const [n, v] of Object.entries(inputs)) out.set(inputName(n), v);
  out.set(LR, config.lr);
  out.set(STEP, DEFAULT_STEP);
  let params = initialParams(net, config);
  // The initial parameters are the parameters entering epoch 1, even when no epoch runs.
  for (const p of net.params) out.set(epochName(p, 1), params[p]!);
  for (let k = 1; k <= config.epochs; k++) {
    const env = { ...params, ...inputs };
    const v = evaluate(net.graph, env, 'float64');
    for (const p of net.params) out.set(epochName(p, k), params[p]!);
    for (const n of [...net.nodes, ...net.adjoints]) out.set(epochName(n, k), v[net.id[n]!]!);
    if (options.numeric !== false) numericValues(net, env, k, out);
    params = Object.fromEntries(net.params.map((p) => [p, sgdStep(params[p]!, v[net.grads[p]!]!, config.lr, 'float64')]));
  }
  for (const p of net.params) out.set(finalName(p), params[p]!);
  return out;
}
