// What every defined name of an xlgrad workbook should hold, computed by the
// engine in float64 (a spreadsheet computes in doubles): `verify` compares
// LibreOffice's recalculation with these, and the tests compare the layout's
// cached results with them. Built from the training driver's steps
// (workbookSteps) and finiteDifference on the network graph, independently of
// the workbook layout.
//
// A layout names its values differently (names.ts): the sheets layout `L_e3`,
// the rows layout step 3's row of the column L_col, here `L_col[3]`, the key
// verify gives the cells of a column (columnValues.ts).
//
// Training that diverges keeps going here (NaN, ±Infinity), so a workbook that
// shows errors from some epoch on is checked too.

import type { Config } from '../config.ts';
import type { Env } from '../evaluate.ts';
import { DEFAULT_STEP, finiteDifference } from '../finiteDifference.ts';
import type { Network } from '../network.ts';
import { initialParams, inputsOf, networkOf } from '../train.ts';
import type { LayoutKind } from './layout.ts';
import { columnRowName, epochName, finalName, initName, inputName, LR, minusName, numericName, plusName, STEP } from './names.ts';
import { supported } from './supported.ts';
import { workbookSteps } from './workbookSteps.ts';

export interface EngineValuesOptions {
  /** Include the numeric-derivative names (Lplus_…, Lminus_…, num_dL_d…). Default true; the rows layout has none. */
  numeric?: boolean;
  /** Whose names: the sheets layout's (default) or the rows layout's. */
  layout?: LayoutKind;
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
  const rows = options.layout === 'rows';
  // Quantity q of step k: one sample per step, so step k is epoch k.
  const at = rows ? columnRowName : epochName;
  const out = new Map<string, number>();
  for (const [n, v] of Object.entries(inputsOf(net, config))) out.set(inputName(n), v);
  out.set(LR, config.lr);
  if (!rows) out.set(STEP, DEFAULT_STEP);
  let final = initialParams(net, config);
  // The initial parameters: the parameters entering epoch 1 even when no epoch runs, or their own cells.
  for (const p of net.params) out.set(rows ? initName(p) : epochName(p, 1), final[p]!);
  for (const s of workbookSteps(config, net, { symbolic: true })) {
    const k = s.epoch;
    for (const p of net.params) out.set(at(p, k), s.params[p]!);
    for (const n of [...net.nodes, ...net.adjoints]) out.set(at(n, k), s.values[net.id[n]!]!);
    if (options.numeric !== false && !rows) numericValues(net, s.env, k, out);
    final = s.next;
  }
  for (const p of net.params) out.set(finalName(p), final[p]!);
  return out;
}
