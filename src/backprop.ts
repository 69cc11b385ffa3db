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

/**
 * Adjoints ∂root/∂node (undefined where the root does not depend on the node).
 * A node's contributions are summed in the order of its consumers (z3's before
 * z4's), as PyTorch's matrix products sum over output units.
 */
export function reverse<T>(g: Graph, values: ArrayLike<T>, root: number, A: Algebra<T>): (T | undefined)[] {
  const adj: (T | undefined)[] = new Array(root + 1);
  const pending: (T[] | undefined)[] = new Array(root + 1);
  pending[root] = [A.const(1)];
  for (let id = root; id >= 0; id--) {
    const list = pending[id];
    if (list === undefined) continue;
    pending[id] = undefined;
    // Consumers were visited from the last one down, so the list runs backwards.
    let sum = list[list.length - 1] as T;
    for (let i = list.length - 2; i >= 0; i--) sum = A.add(sum, list[i]!);
    adj[id] = sum;
    const n = g.nodes[id]!;
    if (n.args.length === 0) continue;
    const parts = n.op === 'let' ? [sum] : ops[n.op as OpName].grad(A, n.args.map((a) => values[a]!), values[id]!, sum);
    n.args.forEach((a, i) => (pending[a] ??= []).push(parts[i]!));
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
