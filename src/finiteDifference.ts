// Numeric derivatives: central finite differences of the float64 forward pass,
// (L(θ+h) − L(θ−h)) / 2h with h = 1e-6 as torch.autograd.gradcheck uses.
// Where the perturbation moves a ReLU pre-activation across 0 the loss has a
// kink inside [θ−h, θ+h]: the central difference is then an average of two
// different slopes, so both one-sided slopes are reported and the parameter flagged.

import { float64, type Algebra } from './algebra.ts';
import type { Env } from './evaluate.ts';
import { evaluate } from './evaluate.ts';
import type { Network } from './network.ts';
import { ops } from './ops.ts';

export interface Kink {
  param: string;
  /** Pre-activations whose ReLU switches on or off inside [θ−h, θ+h]. */
  nodes: string[];
  left: number;
  right: number;
  central: number;
}

export interface FiniteDifference {
  grads: Record<string, number>;
  /** L(θ − h) and L(θ + h) per parameter. */
  losses: Record<string, { minus: number; plus: number }>;
  kinks: Kink[];
}

/** (L⁺ − L⁻) / 2h, written once for numbers and for the workbook's formula. */
export function centralDifference<T>(A: Algebra<T>, lossPlus: T, lossMinus: T, h: T): T {
  return A.div(A.sub(lossPlus, lossMinus), A.mul(A.const(2), h));
}

export const DEFAULT_STEP = 1e-6;

export function finiteDifference(net: Network, env: Env, h = DEFAULT_STEP): FiniteDifference {
  const end = net.loss + 1;
  const at = (param: string, delta: number) => evaluate(net.graph, { ...env, [param]: env[param]! + delta }, 'float64', end);
  const sites = net.kinkSites.map((name) => ({ name, id: net.id[name]! }));
  const grads: Record<string, number> = {};
  const losses: FiniteDifference['losses'] = {};
  const kinks: Kink[] = [];
  const mid = evaluate(net.graph, env, 'float64', end);
  for (const p of net.params) {
    const lo = at(p, -h), hi = at(p, h);
    const L = (v: Float64Array) => v[net.loss]!;
    const central = centralDifference(float64, L(hi), L(lo), h);
    grads[p] = central;
    losses[p] = { minus: L(lo), plus: L(hi) };
    // ReLU'(z) is step(z): a kink is crossed where step differs between the three points.
    const crossed = sites.filter(({ id }) => {
      const s = [lo, mid, hi].map((v) => ops.step.eval(v[id]!, 0, 0));
      return s[0] !== s[1] || s[1] !== s[2];
    });
    if (crossed.length) {
      kinks.push({ param: p, nodes: crossed.map((c) => c.name), left: (L(mid) - L(lo)) / h, right: (L(hi) - L(mid)) / h, central });
    }
  }
  return { grads, losses, kinks };
}
