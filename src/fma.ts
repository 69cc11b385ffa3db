// Fused multiply-adds, a·b + c rounded once, as PyTorch's vectorised kernels
// compute x + α·y: in float32 (fmaf) and in double (fma).

/**
 * fmaf(a, b, c): a·b + c rounded once to float32, as a fused multiply-add does.
 * For float32 a and b the product is exact in a double; the sum is not always,
 * and rounding twice (to double, then to float32) goes wrong exactly when the
 * double lands on a float32 tie. Only then is the sum's rounding error needed:
 * TwoSum (Knuth) recovers it, and its sign breaks the tie the right way.
 */
export function fmaf(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const r = Math.fround(s);
  if (r === s) return r;
  // s lies between r and its float32 neighbour on the far side; it is a tie
  // exactly when that neighbour, r + 2(s − r), is itself a float32.
  const other = r + 2 * (s - r);
  if (Math.fround(other) !== other) return r;
  const bv = s - p;
  const err = (p - (s - bv)) + (c - bv);
  if (err === 0) return r;
  return (err > 0) === (other > r) ? other : r;
}

const view = new DataView(new ArrayBuffer(8));

/** A finite double as an exact integer times a power of two. */
function exact(v: number): { m: bigint; e: number } {
  if (v === 0) return { m: 0n, e: 0 };
  view.setFloat64(0, v);
  const hi = view.getUint32(0), lo = view.getUint32(4);
  const biased = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased !== 0) m |= 1n << 52n;
  const e = (biased === 0 ? 1 : biased) - 1075;
  return { m: hi >>> 31 ? -m : m, e };
}

/**
 * fma(a, b, c): a·b + c rounded once to double. JavaScript has no fused
 * multiply-add, so the exact value is formed with integers and rounded by the
 * BigInt → Number conversion (round to nearest, ties to even); scaling by a
 * power of two afterwards is exact for results in the normal range. Slow, and
 * only used for PyTorch's float64 initial draw.
 */
export function fma(a: number, b: number, c: number): number {
  if (!Number.isFinite(a) || !Number.isFinite(b) || !Number.isFinite(c)) return a * b + c;
  const x = exact(a), y = exact(b), z = exact(c);
  const pm = x.m * y.m, pe = x.e + y.e;
  if (pm === 0n) return a * b + c;
  const e = Math.min(pe, z.m === 0n ? pe : z.e);
  const total = (pm << BigInt(pe - e)) + (z.m << BigInt(z.e - e));
  // Keep the integer within double range before scaling: drop bits below what a double can hold, rounding once.
  const bits = total.toString(2).length;
  if (bits > 1000) return a * b + c;
  return Number(total) * 2 ** e;
}
