// PyTorch-exact initialisation of nn.Linear layers from a seed.
//
// Facts from PyTorch 1.13 (torch/nn/modules/linear.py, torch/nn/init.py,
// aten/src/ATen/core/TransformationHelper.h, aten/src/ATen/native/cpu/DistributionTemplates.h):
// - torch.manual_seed(s) seeds an MT19937 with the low 32 bits of s;
// - each Linear draws its weight (row-major, out × in), then its bias;
// - weight: kaiming_uniform_(a=√5), i.e. U(-bound, bound) with
//   bound = √3 · gain / √fan_in, gain = √(2 / (1 + a²)), computed in double;
// - bias: U(-1/√fan_in, 1/√fan_in);
// - uniform_ casts the bounds to float32, and each float32 draw takes the low 24
//   bits of one 32-bit output: x = bits · 2⁻²⁴, value = x · (to - from) + from,
//   computed in float32. Builds for AVX2/AVX-512 contract that into one fused
//   multiply-add (one rounding); the portable build rounds the product first;
// - a float64 draw (torch.set_default_dtype(torch.float64) before building)
//   keeps the bounds in double and takes 53 bits of a 64-bit number made of two
//   outputs, the first as the high half: x = (r64 mod 2⁵³) · 2⁻⁵³, value =
//   x · (to − from) + from in double, again as one fused multiply-add.

import { fma, fmaf } from './fma.ts';
import { MT19937 } from './mt19937.ts';
import type { Dtype } from './algebra.ts';
import type { Layer } from './names.ts';

export type Rounding = 'fused' | 'portable';

function kaimingBound(fanIn: number): number {
  const a = Math.sqrt(5);
  const gain = Math.sqrt(2.0 / (1 + a * a));
  return Math.sqrt(3.0) * (gain / Math.sqrt(fanIn));
}

function drawUniform(rng: MT19937, bound: number, rounding: Rounding): number {
  const from = Math.fround(-bound), to = Math.fround(bound);
  const x = (rng.next() & 0xffffff) * 2 ** -24;
  const span = Math.fround(to - from);
  return rounding === 'fused' ? fmaf(x, span, from) : Math.fround(Math.fround(x * span) + from);
}

function drawUniform64(rng: MT19937, bound: number): number {
  const hi = rng.next(), lo = rng.next();
  const x = ((hi % 2 ** 21) * 2 ** 32 + lo) * 2 ** -53;
  return fma(x, bound - -bound, -bound);
}

/** Initial parameters by name, as `torch.manual_seed(seed)` then building the layers in dtype `draw`. */
export function torchInit(layers: Layer[], seed: number | bigint, rounding: Rounding = 'fused', draw: Dtype = 'float32'): Record<string, number> {
  const rng = new MT19937(seed);
  const params: Record<string, number> = {};
  const uniform = (bound: number) => (draw === 'float64' ? drawUniform64(rng, bound) : drawUniform(rng, bound, rounding));
  for (const layer of layers) {
    const wBound = kaimingBound(layer.fanIn);
    for (const w of layer.weights) params[w] = uniform(wBound);
    const bBound = layer.fanIn > 0 ? 1 / Math.sqrt(layer.fanIn) : 0;
    for (const b of layer.biases) params[b] = uniform(bBound);
  }
  return params;
}
