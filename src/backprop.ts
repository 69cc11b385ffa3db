// Backprop: numeric reverse mode. The same rule table as the symbolic
// derivative, applied to numbers: walk from the loss down, turn each node's
// adjoint into contributions to its arguments, and accumulate with + so a value
// used twice gets both contributions.

import { numeric, type Dtype } from './algebra.ts';
import type { Graph } from './graph.ts';
import { ops, type OpName } from './ops.ts';

/** Adjoint ∂root/∂node of every node with id ≤ root, from forward `values`. */
export function adjoints(g: Graph, values: Float64Array, root: number, dtype: Dtype = 'float64'): Float64Array {
  const A = numeric(dtype);
  const adj = new Float64Array(root + 1);
  const reached = new Uint8Array(root + 1);
  adj[root] = 1;
  reached[root] = 1;
  const accumulate = (id: number, c: number) => {
    adj[id] = reached[id] ? A.add(adj[id]!, c) : c;
    reached[id] = 1;
  };
  for (let id = root; id >= 0; id--) {
    if (!reached[id]) continue;
    const n = g.nodes[id]!;
    if (n.op === 'let') accumulate(n.args[0]!, adj[id]!);
    if (n.args.length === 0 || n.op === 'let') continue;
    const args = n.args.map((a) => values[a]!);
    const parts = ops[n.op as OpName].grad(A, args, values[id]!, adj[id]!);
    n.args.forEach((a, i) => accumulate(a, parts[i]!));
  }
  return adj;
}

/** ∂L/∂θ for each named parameter. */
export function backprop(g: Graph, values: Float64Array, root: number, params: string[], dtype: Dtype = 'float64'): Record<string, number> {
  const adj = adjoints(g, values, root, dtype);
  const out: Record<string, number> = {};
  for (const p of params) {
    const id = g.named(p);
    out[p] = id === undefined || id > root ? 0 : adj[id]!;
  }
  return out;
}
