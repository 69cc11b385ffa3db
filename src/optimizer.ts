// The optimizers, each written once against an Algebra, so the same lines give
// the float64 and float32 numbers, the compiled loop's code and the workbook's
// formulas. Each follows torch.optim (1.13, single-tensor path) operation by
// operation, in PyTorch's order, because in float32 the order is the result:
//
// SGD (torch/optim/sgd.py):
//   d ← g + wd·θ                               grad.add(param, alpha=weight_decay)
//   buf ← d at the first step, else μ·buf + (1 − τ)·d    buf.mul_(μ).add_(d, alpha=1−τ)
//   d ← d + μ·buf if nesterov, else buf
//   θ ← θ − lr·d                               param.add_(d, alpha=−lr)
// Adam (torch/optim/adam.py), at step t:
//   g ← g + wd·θ
//   m ← β₁·m + (1 − β₁)·g                      exp_avg.mul_(β₁).add_(g, alpha=1−β₁)
//   v ← β₂·v + (1 − β₂)·g·g                    exp_avg_sq.mul_(β₂).addcmul_(g, g, value=1−β₂)
//   θ ← θ − s·m / (√v / √c₂ + ε)               with s = lr / c₁, cₖ = 1 − βₖᵗ in double
// The `x.add_(y, alpha=a)` of PyTorch's vectorised kernels rounds x + a·y once
// (addMul / subMul in the rule table).

import type { Algebra } from './algebra.ts';
import type { Optimizer } from './config.ts';
import * as names from './names.ts';

/** One parameter's optimizer state: SGD's momentum buffer, Adam's two moments. */
export interface ParamState<T> {
  mom?: T;
  m?: T;
  v?: T;
}

/** The plain SGD step θ − lr·g (PyTorch's param.add_(grad, alpha=−lr)). */
export function sgdUpdate<T>(A: Algebra<T>, theta: T, lr: T, grad: T): T {
  return A.subMul(theta, lr, grad);
}

export interface AdamScalars<T> {
  /** s = lr / (1 − β₁ᵗ) */
  stepSize: T;
  /** √(1 − β₂ᵗ) */
  bc2Sqrt: T;
}

// Double-double products for powRounded, written to two scratch numbers
// rather than returned as pairs: Adam asks for two powers every step, and
// allocation-free arithmetic keeps a training run from making garbage.
let hi = 0, lo = 0;

/** Dekker's exact product: a·b = hi + lo, with no fused multiply-add needed. */
function twoProduct(a: number, b: number): void {
  const p = a * b;
  const ca = 134217729 * a, cb = 134217729 * b;
  const ah = ca - (ca - a), bh = cb - (cb - b);
  const al = a - ah, bl = b - bh;
  hi = p;
  lo = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
}

/** (ah + al)·(bh + bl) in double-double, as hi + lo. */
function ddMul(ah: number, al: number, bh: number, bl: number): void {
  twoProduct(ah, bh);
  const p = hi, err = lo + (ah * bl + al * bh);
  const h = p + err;
  hi = h;
  lo = err - (h - p);
}

/**
 * bᵏ rounded once to double, as C's pow() gives it (Python's float ** float,
 * which torch.optim.Adam uses for its bias corrections). JavaScript's ** is
 * not correctly rounded and differs from C's pow in the last bit for about 1
 * case in 12; the power taken by squaring in double-double (about 100 bits)
 * and rounded at the end differs only where C's pow itself misses a
 * near-halfway case (10 of 3,045 powers of 0.5…0.9999 tried, the first 0.99⁵⁰³).
 */
export function powRounded(b: number, k: number): number {
  if (!Number.isInteger(k) || k < 0 || !Number.isFinite(b)) return b ** k;
  let rh = 1, rl = 0, xh = b, xl = 0;
  for (let n = k; n > 0; n = Math.floor(n / 2)) {
    if (n % 2) {
      ddMul(rh, rl, xh, xl);
      rh = hi;
      rl = lo;
    }
    if (n > 1) {
      ddMul(xh, xl, xh, xl);
      xh = hi;
      xl = lo;
    }
  }
  return rh + rl;
}

/** Adam's scalars at step t (1-based), computed in double as torch.optim.Adam does in Python. */
export function adamScalars(lr: number, betas: readonly [number, number], t: number): AdamScalars<number> {
  const bc1 = 1 - powRounded(betas[0], t), bc2 = 1 - powRounded(betas[1], t);
  return { stepSize: lr / bc1, bc2Sqrt: Math.sqrt(bc2) };
}

/**
 * One parameter's update. `lr` is the algebra's learning rate (a cell in a
 * workbook); `adam` the step's scalars, which PyTorch passes to its kernels as
 * the tensor's dtype. SGD's momentum buffer starts as the first step's d
 * (`state.mom` undefined), Adam's moments as 0.
 */
export function optimizerUpdate<T>(A: Algebra<T>, opt: Optimizer, lr: T, theta: T, grad: T, state: ParamState<T>, adam?: AdamScalars<T>): { theta: T; state: ParamState<T> } {
  const c = (v: number) => A.const(v);
  if (opt.name === 'sgd') {
    let d = opt.weightDecay !== 0 ? A.addMul(grad, c(opt.weightDecay), theta) : grad;
    if (opt.momentum === 0) return { theta: sgdUpdate(A, theta, lr, d), state: {} };
    const buf = state.mom === undefined ? d : A.addMul(A.mul(state.mom, c(opt.momentum)), c(1 - opt.dampening), d);
    d = opt.nesterov ? A.addMul(d, c(opt.momentum), buf) : buf;
    return { theta: sgdUpdate(A, theta, lr, d), state: { mom: buf } };
  }
  const [b1, b2] = opt.betas;
  const g = opt.weightDecay !== 0 ? A.addMul(grad, c(opt.weightDecay), theta) : grad;
  const m = A.addMul(A.mul(state.m ?? c(0), c(b1)), c(1 - b1), g);
  const v = A.addMul(A.mul(state.v ?? c(0), c(b2)), A.mul(c(1 - b2), g), g);
  if (!adam) throw new Error('optimizerUpdate: Adam needs the step\'s scalars');
  const denom = A.add(A.div(A.sqrt(v), adam.bc2Sqrt), c(opt.eps));
  return { theta: A.add(theta, A.div(A.mul(A.neg(adam.stepSize), m), denom)), state: { m, v } };
}

/** The state kinds an optimizer keeps per parameter, in the order they are shown. */
export function stateKinds(opt: Optimizer): names.StateKind[] {
  if (opt.name === 'adam') return ['m', 'v'];
  return opt.momentum !== 0 ? ['mom'] : [];
}

/** A parameter's state as named values: { mom_w1: … } or { m_w1: …, v_w1: … }. */
export function namedState<T>(opt: Optimizer, p: string, s: ParamState<T>, out: Record<string, T>): void {
  for (const k of stateKinds(opt)) if (s[k] !== undefined) out[names.state(k, p)] = s[k]!;
}
