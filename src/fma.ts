// Correctly rounded float32 arithmetic that a single Math.fround cannot give.

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
