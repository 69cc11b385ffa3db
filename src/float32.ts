// Correctly rounded float32 arithmetic that a single Math.fround cannot give.

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

/** The float32 neighbour of float32 `r` in the direction of `towards`. */
function nextFloat32(r: number, towards: number): number {
  if (r === 0) return towards > 0 ? 2 ** -149 : -(2 ** -149);
  f32[0] = r;
  // Moving away from zero increments the magnitude bits, towards zero decrements.
  i32[0]! += (towards > r) === (r > 0) ? 1 : -1;
  return f32[0]!;
}

/**
 * fmaf(a, b, c): a·b + c rounded once to float32, as a fused multiply-add does.
 * For float32 a and b the product is exact in a double; the sum is not always,
 * and rounding twice (to double, then to float32) goes wrong exactly when the
 * double lands on a float32 tie. TwoSum (Knuth) recovers the rounding error of
 * the sum, whose sign then breaks the tie the right way.
 */
export function fmaf(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const bv = s - p;
  const err = (p - (s - bv)) + (c - bv);
  const r = Math.fround(s);
  if (err === 0 || r === s) return r;
  const other = nextFloat32(r, s);
  if (s !== (r + other) / 2) return r;
  return (err > 0) === (other > r) ? other : r;
}
