// One SGD step, θ ← θ − lr·g, as torch.optim.SGD does it: param.add_(grad, alpha=-lr).
// The rule is written once against an Algebra, so the same line gives the
// float64 number, the workbook's update formula and the compiled loop's code.
// In float32 PyTorch's AVX2 kernels compute it as one fused multiply-add (a
// single rounding); the portable build rounds −lr·g first.

import { float64, type Algebra, type Dtype } from './algebra.ts';
import { fmaf } from './float32.ts';
import type { Rounding } from './torchInit.ts';

/** θ − lr·g. */
export function sgdUpdate<T>(A: Algebra<T>, theta: T, lr: T, grad: T): T {
  return A.sub(theta, A.mul(lr, grad));
}

export function sgdStep(theta: number, grad: number, lr: number, dtype: Dtype, rounding: Rounding = 'fused'): number {
  if (dtype === 'float64') return sgdUpdate(float64, theta, lr, grad);
  const alpha = Math.fround(-lr);
  return rounding === 'fused' ? fmaf(alpha, grad, theta) : Math.fround(theta + Math.fround(alpha * grad));
}
