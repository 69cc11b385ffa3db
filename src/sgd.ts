// One SGD step, θ ← θ − lr·g, as torch.optim.SGD does it: param.add_(grad, alpha=-lr).
// In float32 PyTorch's AVX2 kernels compute that as one fused multiply-add
// (a single rounding); the portable build rounds −lr·g first.

import type { Dtype } from './algebra.ts';
import { fmaf } from './float32.ts';
import type { Rounding } from './torchInit.ts';

export function sgdStep(theta: number, grad: number, lr: number, dtype: Dtype, rounding: Rounding = 'fused'): number {
  if (dtype === 'float64') return theta - lr * grad;
  const alpha = Math.fround(-lr);
  return rounding === 'fused' ? fmaf(alpha, grad, theta) : Math.fround(theta + Math.fround(alpha * grad));
}
