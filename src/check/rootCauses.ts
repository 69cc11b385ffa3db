// Which mismatches are mistakes and which only follow from one. A mismatch is
// a root cause when nothing it is computed from is, or rests on, a mismatch:
// its arguments in the expression graph (z3 from w5, a1, w6, a2; a gradient
// from the adjoints and values it multiplies), and for a parameter after an
// update, the parameter, its gradient and the learning rate of the iteration
// before. A quantity the workbook does not show is looked through to what it is
// computed from. Rows come in graph order, so a quantity's inputs come first.

import type { Network } from '../network.ts';
import { adjoint } from '../names.ts';
import { epochName, finalName, LR, parseName } from '../workbook/names.ts';
import type { Row } from './check.ts';
import { inputKey, parseQuantity, type Mapping } from './mapping.ts';

/** The named quantities node `id` is computed from directly (unnamed intermediate nodes looked through). */
function namedArgs(net: Network, id: number, memo: Map<number, string[]>): string[] {
  const known = memo.get(id);
  if (known) return known;
  const out = new Set<string>();
  for (const a of net.graph.node(id).args) {
    const n = net.graph.node(a);
    if (n.name !== undefined) out.add(n.name);
    else for (const m of namedArgs(net, a, memo)) out.add(m);
  }
  const list = [...out];
  memo.set(id, list);
  return list;
}

/** Keys a quantity key is computed from, in the run of `epochs` epochs. */
function argumentsOf(net: Network, key: string, epochs: number, memo: Map<number, string[]>): string[] {
  const q = parseQuantity(key);
  if (!q || q.epoch === 0) return [];
  const k = q.epoch === 'final' ? epochs + 1 : q.epoch;
  if (net.params.includes(q.name)) return k === 1 ? [] : [epochName(q.name, k - 1), epochName(adjoint(q.name), k - 1), LR];
  const id = net.id[q.name];
  if (id === undefined) return [];
  const body = net.graph.node(id).op === 'let' ? net.graph.node(id).args[0]! : id;
  const args = net.graph.node(body).name !== undefined && body !== id ? [net.graph.node(body).name!] : namedArgs(net, body, memo);
  return args.map((n) => (net.x.includes(n) || net.y.includes(n) ? inputKey(n) : epochName(n, k)));
}

/** The mismatching rows whose inputs all agree, in the rows' (graph) order. */
export function rootCauses(rows: readonly Row[], net: Network, mapping: Mapping, epochs: number): Row[] {
  const memo = new Map<number, string[]>();
  const shown = (key: string) => {
    if (key in mapping) return true;
    // Parameters entering the epoch after the last are the workbook's final values.
    const n = parseName(key);
    return n?.kind === 'epoch' && n.epoch === epochs + 1 && finalName(n.quantity) in mapping;
  };
  // The shown quantities a key rests on: its arguments, or for one the workbook lacks, that one's arguments.
  const rests = new Map<string, string[]>();
  const restsOn = (key: string): string[] => {
    const known = rests.get(key);
    if (known) return known;
    const out = new Set<string>();
    for (const a of argumentsOf(net, key, epochs, memo)) {
      if (shown(a) || a === LR) out.add(a);
      else for (const b of restsOn(a)) out.add(b);
    }
    const list = [...out];
    rests.set(key, list);
    return list;
  };
  // Tainted: a mismatch, or computed from one. A value computed from a wrong one
  // can still agree within the tolerance (σ flattens a small error in z), so
  // agreeing does not clear it: what rests on it follows from the mistake too.
  const tainted = new Set<string>();
  const roots: Row[] = [];
  for (const row of rows) {
    const fromTainted = tainted.has(row.key) || restsOn(row.key).some((a) => tainted.has(a));
    if (row.verdict === 'mismatch' && !fromTainted) roots.push(row);
    if (row.verdict === 'mismatch' || fromTainted) tainted.add(row.key);
  }
  return roots;
}
