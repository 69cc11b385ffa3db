// Evaluation: one forward walk over the graph in creation (topological) order.
// In float32 every operation is rounded like PyTorch's default dtype, and so are
// the leaves (a tensor built from 0.7 holds fround(0.7)).

import { numeric, type Dtype } from './algebra.ts';
import type { Graph } from './graph.ts';
import type { OpName } from './ops.ts';

/** Values of the parameters and inputs, by name. */
export type Env = Readonly<Record<string, number>>;

/** Value of every node with id < `end` (default: the whole graph). */
export function evaluate(g: Graph, env: Env, dtype: Dtype = 'float64', end = g.nodes.length): Float64Array {
  const A = numeric(dtype);
  const v = new Float64Array(end);
  for (let id = 0; id < end; id++) {
    const n = g.nodes[id]!;
    switch (n.op) {
      case 'const': v[id] = A.const(n.value!); break;
      case 'param':
      case 'input': {
        const value = env[n.name!];
        if (value === undefined) throw new Error(`evaluate: no value for ${n.name}`);
        v[id] = A.const(value);
        break;
      }
      case 'let': v[id] = v[n.args[0]!]!; break;
      default: v[id] = A[n.op as OpName](v[n.args[0]!]!, v[n.args[1]!]!, v[n.args[2]!]!);
    }
  }
  return v;
}
