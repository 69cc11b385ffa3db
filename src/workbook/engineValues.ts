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
import { batchesOf, initialParams, networkOf } from '../train.ts';
import type { LayoutKind } from './layout.ts';
import { columnRowName, finalName, initName, LR, minusName, numericName, plusName, STEP, stepName, stepOf } from './names.ts';
import { fullBatchName } from './plan.ts';
import { dataOf } from './runWorkbook.ts';
import { workbookSteps } from './workbookSteps.ts';

export interface EngineValuesOptions {
  /** Include the numeric-derivative names (Lplus_…, Lminus_…, num_dL_d…). Default true; the rows layout has none. */
  numeric?: boolean;
  /** Whose names: the sheets layout's (default) or the rows layout's. */
  layout?: LayoutKind;
}

function numericValues(net: Network, env: Env, at: [number, number?], out: Map<string, number>): void {
  const { grads, losses } = finiteDifference(net, env, DEFAULT_STEP);
  for (const p of net.params) {
    out.set(plusName(p, ...at), losses[p]!.plus);
    out.set(minusName(p, ...at), losses[p]!.minus);
    out.set(numericName(p, ...at), grads[p]!);
  }
}

/** Name → float64 value for every name the workbook of `config` defines (settings excepted). */
export function engineValues(config: Config, options: EngineValuesOptions = {}, net?: Network): Map<string, number> {
  net ??= networkOf(config);
  const rows = options.layout === 'rows';
  const batches = batchesOf(config.x.length, config.batchSize).length;
  // Quantity q of step t: a column's row t, or the sheet of step t (w1_e3, w1_e2b1).
  const at = (q: string, t: number) => (rows ? columnRowName(q, t) : stepName(q, t, batches));
  const out = new Map<string, number>();
  for (const [n, v] of Object.entries(dataOf(config))) out.set(n, v);
  out.set(LR, config.lr);
  if (!rows) out.set(STEP, DEFAULT_STEP);
  let final = initialParams(net, config);
  // The initial parameters: the parameters entering step 1 even when no step runs, or their own cells.
  for (const p of net.params) out.set(rows ? initName(p) : at(p, 1), final[p]!);
  for (const s of workbookSteps(config, net, { symbolic: true })) {
    const t = s.step;
    const name = rows ? fullBatchName(net, s.net) : (n: string) => n;
    for (const p of net.params) out.set(at(p, t), s.params[p]!);
    for (const n of [...s.net.nodes, ...s.net.adjoints]) out.set(at(name(n), t), s.values[s.net.id[n]!]!);
    for (const [n, v] of Object.entries(s.state)) out.set(at(n, t), v);
    if (options.numeric !== false && !rows) numericValues(s.net, s.env, stepOf(t, batches), out);
    final = s.next;
  }
  for (const p of net.params) out.set(finalName(p), final[p]!);
  return out;
}
