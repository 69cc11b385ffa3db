// ReLU, sigmoid and tanh with their derivatives, read from the rule table:
// each value is the op's `eval`, each derivative its `grad` rule applied to an
// incoming gradient of 1, the same line backprop uses.

import { float64 } from '../../src/algebra.ts';
import { ops } from '../../src/ops.ts';

export interface ActivationPoint {
  x: number;
  fn: 'ReLU' | 'sigmoid' | 'tanh';
  kind: 'f(x)' | "f'(x)";
  value: number;
}

const FUNCTIONS = [['ReLU', 'relu'], ['sigmoid', 'sigmoid'], ['tanh', 'tanh']] as const;

/** Values and derivatives on [lo, hi]; an odd `n` puts a sample at 0, where ReLU' jumps from 0 to 1. */
export function activations(lo = -4, hi = 4, n = 161): ActivationPoint[] {
  const out: ActivationPoint[] = [];
  for (let i = 0; i < n; i++) {
    const x = lo + ((hi - lo) * i) / (n - 1);
    for (const [fn, op] of FUNCTIONS) {
      const rule = ops[op];
      const y = rule.eval(x, 0, 0);
      out.push({ x, fn, kind: 'f(x)', value: y }, { x, fn, kind: "f'(x)", value: rule.grad(float64, [x], y, 1)[0]! });
    }
  }
  return out;
}
