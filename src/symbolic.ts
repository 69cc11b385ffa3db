// Symbolic reverse mode: the one reverse walk (backprop.ts) run over the
// Algebra of expression nodes, so it builds derivative *expressions* in the same
// graph instead of numbers. The adjoint of every named node and every parameter
// is itself named `dL_d<name>`, so a gradient reads like the chain rule:
// dL_dw8 = dL_dz5 * a4.

import { expressions } from './algebra.ts';
import { reverse } from './backprop.ts';
import type { Graph } from './graph.ts';
import { adjoint } from './names.ts';

export interface Symbolic {
  /** ∂L/∂θ for each parameter name: a `let` node named `dL_d<θ>`. */
  grads: Record<string, number>;
  /** Names of all adjoint lets, in the order they were built (loss side first). */
  adjoints: string[];
}

export function symbolic(g: Graph, loss: number, params: string[]): Symbolic {
  // A rule that uses its own output (σ' = a(1-a)) should print the output's
  // name, so every node wrapped by a let stands for that let.
  const values = Array.from({ length: loss + 1 }, (_, id) => id);
  for (let id = 0; id <= loss; id++) {
    const n = g.node(id);
    if (n.op === 'let') values[n.args[0]!] = id;
  }
  const adjoints: string[] = [];
  const adj = reverse(g, values, loss, expressions(g), {
    visit: (n, sum) => {
      if (n.name === undefined || n.id === loss) return sum;
      adjoints.push(adjoint(n.name));
      return g.let(adjoint(n.name), sum);
    },
  });
  const grads: Record<string, number> = {};
  for (const p of params) {
    const id = g.named(p);
    const a = id === undefined ? undefined : adj[id];
    if (a !== undefined) grads[p] = a;
    else {
      grads[p] = g.let(adjoint(p), g.const(0));
      adjoints.push(adjoint(p));
    }
  }
  return { grads, adjoints };
}
