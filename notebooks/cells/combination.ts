// The article's Figure 1: a combination of functions,
//   z1 = w1·x + b1,  z2 = w2·x + b2,  a1 = σ(z1),  a2 = σ(z2),  z3 = w3·a1 + w4·a2 + b3,
// which is exactly a 1-2-1 network with sigmoid hidden units and a linear
// output, so the curves come from evaluating that network's graph.

import { evaluate } from '../../src/evaluate.ts';
import { act, input, output, pre, target } from '../../src/names.ts';
import { network } from '../../src/network.ts';

export const COEFFICIENT_NAMES = ['w1', 'b1', 'w2', 'b2', 'w3', 'w4', 'b3'] as const;
export type Coefficients = Record<(typeof COEFFICIENT_NAMES)[number], number>;

/** The article's values: z1 = −1.75x − 0.1, z2 = 0.172x + 0.15, z3 = 0.25a1 + 0.5a2 + 0.2. */
export const FIGURE_1: Coefficients = { w1: -1.75, b1: -0.1, w2: 0.172, b2: 0.15, w3: 0.25, w4: 0.5, b3: 0.2 };

const net = network({ layers: [1, 2, 1], bias: [true, true], activation: 'sigmoid', outputActivation: 'identity', loss: 'squared_error' });
const ids = { a1: net.id[act(1)]!, a2: net.id[act(2)]!, z3: net.id[pre(3)]! };
const end = net.id[output(1)]! + 1;

export interface CombinationPoint {
  x: number;
  curve: 'a1 = σ(z1)' | 'a2 = σ(z2)' | 'z3';
  value: number;
}

/** a1, a2 and z3 at `n` evenly spaced x in [lo, hi], in long form for a chart. */
export function combination(c: Coefficients, lo = -6, hi = 6, n = 121): CombinationPoint[] {
  const out: CombinationPoint[] = [];
  for (let i = 0; i < n; i++) {
    const x = lo + ((hi - lo) * i) / (n - 1);
    const v = evaluate(net.graph, { ...c, [input(1)]: x, [target(1)]: 0 }, 'float64', end);
    out.push({ x, curve: 'a1 = σ(z1)', value: v[ids.a1]! }, { x, curve: 'a2 = σ(z2)', value: v[ids.a2]! }, { x, curve: 'z3', value: v[ids.z3]! });
  }
  return out;
}
