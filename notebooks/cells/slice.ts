// A slice of the loss surface: L as a function of one parameter θ with every
// other parameter held, around θ's current value. The backprop gradient gives
// the tangent at θ; a central finite difference with a visible step h gives
// the secant through L(θ − h) and L(θ + h). Away from a ReLU kink the two
// slopes agree as h shrinks; across a kink the secant averages two slopes.

import type { Dtype } from '../../src/algebra.ts';
import { evaluate } from '../../src/evaluate.ts';
import { finiteDifference } from '../../src/finiteDifference.ts';
import type { Network } from '../../src/network.ts';
import type { Params } from '../../src/trace.ts';

export interface SlicePoint {
  theta: number;
  L: number;
  series: 'L(θ)' | 'tangent (backprop)' | 'secant (finite difference)';
}

export interface Slice {
  param: string;
  theta: number;
  loss: number;
  gradient: number;
  h: number;
  secantSlope: number;
  points: SlicePoint[];
  /** Pre-activations whose ReLU switches inside [θ − h, θ + h] for the secant. */
  kinkNodes: string[];
}

export function lossSlice(net: Network, params: Params, inputs: Params, dtype: Dtype, param: string, gradient: number, span = 1, n = 161): Slice {
  const end = net.loss + 1;
  // One environment for the 165 evaluations, θ set in place: a slider change then allocates little.
  const env: Params = { ...params, ...inputs };
  const lossAt = (t: number) => {
    env[param] = t;
    return evaluate(net.graph, env, dtype, end)[net.loss]!;
  };
  const theta = params[param]!;
  const loss = lossAt(theta);
  const points: SlicePoint[] = [];
  for (let i = 0; i < n; i++) {
    const t = theta - span + (2 * span * i) / (n - 1);
    points.push({ theta: t, L: lossAt(t), series: 'L(θ)' });
  }
  // Lines are drawn only over the middle half, so they stay readable.
  const reach = span / 2;
  for (const t of [theta - reach, theta + reach]) points.push({ theta: t, L: loss + gradient * (t - theta), series: 'tangent (backprop)' });
  const h = span / 4;
  const fd = finiteDifference(net, { ...params, ...inputs }, h);
  const secantSlope = fd.grads[param]!;
  for (const t of [theta - h, theta + h]) points.push({ theta: t, L: lossAt(t), series: 'secant (finite difference)' });
  const kinkNodes = fd.kinks.find((k) => k.param === param)?.nodes ?? [];
  return { param, theta, loss, gradient, h, secantSlope, points, kinkNodes };
}
