// The two low-level pieces PyTorch-exact initialisation stands on: the Mersenne
// Twister and a correctly rounded float32 fused multiply-add.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fmaf } from '../src/fma.ts';
import { MT19937 } from '../src/mt19937.ts';

const outputs = (seed: number | bigint, n: number) => {
  const rng = new MT19937(seed);
  return Array.from({ length: n }, () => rng.next());
};

describe('new MT19937(seed).next()', () => {
  it('seed 5489 (the reference default) starts 3499211612, 581869302, 3890346734, …', () => {
    expect(outputs(5489, 10)).toEqual([
      3499211612, 581869302, 3890346734, 3586334585, 545404204,
      4161255391, 3922919429, 949333985, 2715962298, 1323567403,
    ]);
  });

  it('seed 5489: the 10000th output is 4123659995 (C++ [rand.predef] for std::mt19937)', () => {
    expect(outputs(5489, 10000).at(-1)).toBe(4123659995);
  });

  it('seed 0 (torch.manual_seed(0)) starts 2357136044, 2546248239, 3071714933, …', () => {
    expect(outputs(0, 5)).toEqual([2357136044, 2546248239, 3071714933, 3626093760, 2588848963]);
  });

  it('seed 5 starts 953453411, 236996814, …', () => {
    expect(outputs(5, 5)).toEqual([953453411, 236996814, 3739766767, 3570525885, 887852006]);
  });

  it('uses only the low 32 bits of the seed: 2^32 + 5 ≡ 5, as number and as bigint', () => {
    expect(outputs(2 ** 32 + 5, 700)).toEqual(outputs(5, 700));
    expect(outputs(2n ** 32n + 5n, 700)).toEqual(outputs(5, 700));
    expect(outputs(2n ** 40n + 5489n, 3)).toEqual(outputs(5489, 3));
  });

  it('a negative seed is taken modulo 2^32, like a uint64 cast: -1 ≡ 2^32 - 1', () => {
    expect(outputs(-1, 5)).toEqual(outputs(2 ** 32 - 1, 5));
  });

  it('outputs are integers in [0, 2^32)', () => {
    expect(outputs(12345, 2000).filter((v) => !Number.isInteger(v) || v < 0 || v >= 2 ** 32)).toEqual([]);
  });
});

// --- fmaf against exact rational arithmetic -------------------------------

/** A finite double as an exact dyadic rational: x = m · 2^e with integer m. */
interface Dyadic { m: bigint; e: number }

const view = new DataView(new ArrayBuffer(8));

function dyadic(x: number): Dyadic {
  view.setFloat64(0, x);
  const hi = view.getUint32(0), lo = view.getUint32(4);
  const sign = hi >>> 31 ? -1n : 1n;
  const biased = (hi >>> 20) & 0x7ff;
  let m = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  if (biased !== 0) m |= 1n << 52n;
  return { m: sign * m, e: (biased === 0 ? 1 : biased) - 1075 };
}

const bitLength = (m: bigint) => m.toString(2).length;

/**
 * The float32 nearest to m · 2^e, ties to even, with float32's subnormals
 * (quantum never below 2^-149) and overflow to ±Infinity at 2^128.
 */
function roundToFloat32({ m, e }: Dyadic): number {
  if (m === 0n) return 0;
  const negative = m < 0n;
  const mag = negative ? -m : m;
  const top = bitLength(mag) - 1 + e; // value in [2^top, 2^(top+1))
  const q = Math.max(top - 23, -149); // exponent of the float32 quantum there
  let n: bigint;
  if (q <= e) n = mag << BigInt(e - q);
  else {
    const shift = BigInt(q - e);
    n = mag >> shift;
    const rest = mag - (n << shift), half = 1n << (shift - 1n);
    if (rest > half || (rest === half && (n & 1n) === 1n)) n += 1n;
  }
  const v = Number(n) * 2 ** q;
  const r = v >= 2 ** 128 ? Infinity : v;
  return negative ? -r : r;
}

/** a·b + c computed exactly, then rounded once to float32. */
function exactFmaf(a: number, b: number, c: number): number {
  const A = dyadic(a), B = dyadic(b), C = dyadic(c);
  const p = { m: A.m * B.m, e: A.e + B.e };
  const e = Math.min(p.e, C.e);
  const m = (p.m << BigInt(p.e - e)) + (C.m << BigInt(C.e - e));
  if (m === 0n) {
    // An exact zero is +0 under round-to-nearest unless both terms are -0.
    const pNegZero = Object.is(a * b, -0);
    return pNegZero && Object.is(c, -0) ? -0 : 0;
  }
  return roundToFloat32({ m, e });
}

const bits = new Float32Array(1), u32 = new Uint32Array(bits.buffer);
const fromBits = (b: number) => {
  u32[0] = b;
  return bits[0]!;
};

/** Any finite float32 from its bit pattern. */
const anyFloat32 = fc.integer({ min: 0, max: 2 ** 32 - 1 }).map(fromBits).filter(Number.isFinite);
/** float32 with a random 24-bit significand and an exponent in [lo, hi]. */
const float32In = (lo: number, hi: number) =>
  fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 2 ** 23 - 1 }), fc.integer({ min: lo, max: hi }))
    .map(([neg, frac, exp]) => (neg ? -1 : 1) * (1 + frac * 2 ** -23) * 2 ** exp);

/**
 * a·b + c just below (or, with `above`, just above) a float32 rounding tie
 * that the sum rounded to double lands on exactly: c has exponent `exp`, the
 * product is half an ulp of c minus (plus) u²·2^(exp−70) with u < 362, which is
 * less than half an ulp of c as a double. Rounding twice (to double, then to
 * float32) gets these wrong about half the time.
 */
const nearTie = fc.record({
  frac: fc.integer({ min: 0, max: 2 ** 23 - 2 }),
  exp: fc.integer({ min: -100, max: 100 }),
  u: fc.integer({ min: 1, max: 361 }),
  above: fc.boolean(),
  negate: fc.boolean(),
}).map(({ frac, exp, u, above, negate }) => {
  const s = negate ? -1 : 1;
  const c = (1 + frac * 2 ** -23) * 2 ** exp;
  const a = 2 ** (exp - 24) * (1 + u * 2 ** -23);
  const b = 1 - u * 2 ** -23;
  // Below the tie c + ulp/2: c + a·b. Above it: (c + ulp) − a·b.
  return above ? [-s * a, b, s * (c + 2 ** (exp - 23))] : [s * a, b, s * c];
});

const agrees = ([a, b, c]: number[]) => Object.is(fmaf(a!, b!, c!), exactFmaf(a!, b!, c!));

describe('fmaf(a, b, c) ≡ exact a·b + c rounded once to float32', () => {
  it('the reference itself: 1 + 2^-24 (a tie) rounds to even 1; 1 + 2^-24 + 2^-47 rounds up', () => {
    expect(exactFmaf(1, 2 ** -24, 1)).toBe(1);
    expect(exactFmaf(1 + 2 ** -23, 2 ** -24, 1)).toBe(1 + 2 ** -23);
    expect(exactFmaf(3, 2 ** 127, 0)).toBe(Infinity);
  });

  it('a tie between 0 and the smallest subnormal rounds to 0 (even); just above rounds up', () => {
    expect([fmaf(2 ** -75, 2 ** -75, 0), exactFmaf(2 ** -75, 2 ** -75, 0)]).toEqual([0, 0]);
    expect(fmaf(2 ** -75 * (1 + 2 ** -23), 2 ** -75, 0)).toBe(2 ** -149);
  });

  it('the double-rounding trap: (2^24 + 2) + (1 − 2^-46) is 2^24 + 2, not 2^24 + 4', () => {
    const naive = Math.fround((1 + 2 ** -23) * (1 - 2 ** -23) + (2 ** 24 + 2));
    expect([naive, fmaf(1 + 2 ** -23, 1 - 2 ** -23, 2 ** 24 + 2)]).toEqual([2 ** 24 + 4, 2 ** 24 + 2]);
  });

  it('agrees on random float32 triples (any bit pattern)', () => {
    fc.assert(fc.property(fc.tuple(anyFloat32, anyFloat32, anyFloat32), agrees), { numRuns: 5000 });
  });

  it('agrees where the product and the addend overlap (exponents within ±30)', () => {
    fc.assert(fc.property(fc.tuple(float32In(-30, 30), float32In(-30, 30), float32In(-60, 60)), agrees), { numRuns: 5000 });
  });

  it('agrees on subnormal and near-overflow results', () => {
    fc.assert(fc.property(fc.tuple(float32In(-80, -60), float32In(-80, -60), float32In(-149, -120)), agrees), { numRuns: 2000 });
    fc.assert(fc.property(fc.tuple(float32In(60, 64), float32In(60, 64), float32In(120, 127)), agrees), { numRuns: 2000 });
  });

  it('agrees on constructed near-ties, where rounding twice goes wrong', () => {
    let naiveWrong = 0;
    fc.assert(fc.property(nearTie, ([a, b, c]) => {
      if (!Object.is(Math.fround(a! * b! + c!), exactFmaf(a!, b!, c!))) naiveWrong++;
      return agrees([a!, b!, c!]);
    }), { numRuns: 2000 });
    expect(naiveWrong).toBeGreaterThan(100);
  });

  it('agrees on exact ties: c + half an ulp of c rounds to even', () => {
    fc.assert(fc.property(float32In(-100, 100), (c) => {
      const exp = Math.floor(Math.log2(Math.abs(c)));
      return agrees([2 ** (exp - 24), Math.sign(c), c]);
    }), { numRuns: 1000 });
  });

  it('signed zeros: fmaf(-0, 1, -0) is -0, fmaf(1, -1, 1) is +0', () => {
    expect([Object.is(fmaf(-0, 1, -0), -0), Object.is(fmaf(1, -1, 1), 0)]).toEqual([true, true]);
  });
});
