// Symbolic reverse mode: the chain rule run backwards over the graph, building
// derivative *expressions* in the same graph instead of numbers.
//
// Walking nodes from the loss down (reverse topological order), each node's
// adjoint is the sum of the contributions of its consumers; the rule table's
// `grad` turns a node's adjoint into contributions to its arguments. The adjoint
// of every named node and every parameter is itself named `dL_d<name>`, so a
// gradient reads like the chain rule: dL_dw8 = dL_dz5 * a4.

import { expressions } from './algebra.ts';
import type { Graph } from './graph.ts';
import { ops, type OpName } from './ops.ts';

export interface Symbolic {
  /** ∂L/∂θ for each parameter name: a `let` node named `dL_d<θ>`. */
  grads: Record<string, number>;
  /** Names of all adjoint lets, in the order they were built (loss side first). */
  adjoints: string[];
}

export function symbolic(g: Graph, loss: number, params: string[]): Symbolic {
  const E = expressions(g);
  const contributions = new Map<number, number[]>();
  const push = (id: number, c: number) => {
    const list = contributions.get(id);
    if (list) list.push(c);
    else contributions.set(id, [c]);
  };
  // A rule that uses its own output (σ' = a(1-a)) should print the output's
  // name, so an op wrapped by a let sees the let as its output.
  const wrappedBy = new Map<number, number>();
  for (let id = 0; id <= loss; id++) {
    const n = g.node(id);
    if (n.op === 'let') wrappedBy.set(n.args[0]!, id);
  }

  const adjoints: string[] = [];
  const grads: Record<string, number> = {};
  push(loss, g.const(1));
  for (let id = loss; id >= 0; id--) {
    const list = contributions.get(id);
    if (!list) continue;
    const n = g.node(id);
    if (n.op === 'input' || n.op === 'const') continue;
    // Consumers were visited from the last one down: sum them first to last.
    let adj = list.reduceRight((sum, c) => E.add(sum, c));
    if (n.name !== undefined && id !== loss) {
      adj = g.let(`dL_d${n.name}`, adj);
      adjoints.push(`dL_d${n.name}`);
    }
    if (n.op === 'param') {
      grads[n.name!] = adj;
      continue;
    }
    if (n.op === 'let') {
      push(n.args[0]!, adj);
      continue;
    }
    const out = wrappedBy.get(id) ?? id;
    const parts = ops[n.op as OpName].grad(E, [...n.args], out, adj);
    n.args.forEach((arg, i) => push(arg, parts[i]!));
  }
  for (const p of params) {
    if (grads[p] === undefined) {
      grads[p] = g.let(`dL_d${p}`, g.const(0));
      adjoints.push(`dL_d${p}`);
    }
  }
  return { grads, adjoints };
}
