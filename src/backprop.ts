// Backprop: reverse mode. Walk from the loss down (reverse creation order is
// reverse topological order), turn each node's adjoint into contributions to
// its arguments with the rule table's `grad`, and accumulate with + so a value
// used twice gets both contributions.
//
// The walk is generic over the Algebra: with numbers it is backprop; with
// JavaScript source (compile.ts) it is the backward half of a compiled step.

import { numeric, type Algebra, type Dtype } from './algebra.ts';
import type { Graph } from './graph.ts';
import { ops, type OpName } from './ops.ts';

/** Adjoints ∂root/∂node (undefined where the root does not depend on the node). */
export function reverse<T>(g: Graph, values: ArrayLike<T>, root: number, A: Algebra<T>): (T | undefined)[] {
  const adj: (T | undefined)[] = new Array(root + 1);
  adj[root] = A.const(1);
  const accumulate = (id: number, c: T) => {
    const seen = adj[id];
    adj[id] = seen === undefined ? c : A.add(seen, c);
  };
  for (let id = root; id >= 0; id--) {
    const g_ = adj[id];
    const n = g.nodes[id]!;
    if (g_ === undefined || n.args.length === 0) continue;
    if (n.op === 'let') {
      accumulate(n.args[0]!, g_);
      continue;
    }
    const args = n.args.map((a) => values[a]!);
    const parts = ops[n.op as OpName].grad(A, args, values[id]!, g_);
    n.args.forEach((a, i) => accumulate(a, parts[i]!));
  }
  return adj;
}

/** ∂L/∂θ for each named parameter, from forward `values` (see evaluate). */
export function backprop(g: Graph, values: Float64Array, root: number, params: string[], dtype: Dtype = 'float64'): Record<string, number> {
  const adj = reverse(g, values, root, numeric(dtype));
  const out: Record<string, number> = {};
  for (const p of params) {
    const id = g.named(p);
    out[p] = (id === undefined ? undefined : adj[id]) ?? 0;
  }
  return out;
}
