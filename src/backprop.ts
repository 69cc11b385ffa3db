// Reverse mode, written once. Walk from the root down (reverse creation order
// is reverse topological order), turn each node's adjoint into contributions to
// its arguments with the rule table's `grad`, and accumulate with + so a value
// used twice gets both contributions.
//
// The walk is generic over the Algebra: with numbers it is backprop; with
// expression nodes it is the symbolic derivative (symbolic.ts); with
// JavaScript source it is the backward half of a compiled step (compile.ts).

import { numeric, type Algebra, type Dtype } from './algebra.ts';
import type { Graph, Node } from './graph.ts';
import { ops, type OpName } from './ops.ts';

export interface ReverseOptions<T> {
  /** Adjoint of the root (default 1). */
  seed?: T;
  /** Called with each node's summed adjoint; what it returns is passed on (symbolic names it). */
  visit?: (node: Node, adjoint: T) => T;
}

/**
 * Adjoints ∂root/∂node (undefined where the root does not depend on the node).
 * A node's contributions are summed in the order of its consumers (z3's before
 * z4's), as PyTorch's matrix products sum over output units. Inputs and
 * constants get no adjoint: nothing is learned from them.
 */
export function reverse<T>(g: Graph, values: ArrayLike<T>, root: number, A: Algebra<T>, options: ReverseOptions<T> = {}): (T | undefined)[] {
  const adj: (T | undefined)[] = new Array(root + 1);
  const pending: (T[] | undefined)[] = new Array(root + 1);
  pending[root] = [options.seed ?? A.const(1)];
  for (let id = root; id >= 0; id--) {
    const list = pending[id];
    if (list === undefined) continue;
    pending[id] = undefined;
    const n = g.nodes[id]!;
    if (n.op === 'input' || n.op === 'const') continue;
    // Consumers were visited from the last one down, so the list runs backwards.
    let sum = list[list.length - 1] as T;
    for (let i = list.length - 2; i >= 0; i--) sum = A.add(sum, list[i]!);
    if (options.visit) sum = options.visit(n, sum);
    adj[id] = sum;
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
