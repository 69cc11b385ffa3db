// Shared test helpers: float32 ulp distance, tolerances, and Plot-style file snapshots.

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

/**
 * Float32 bit patterns mapped to integers that count float32 values in order:
 * positive patterns as they are, negative ones mirrored below zero, so +0 and
 * -0 both map to 0 and neighbouring floats differ by exactly 1.
 */
function ordinal32(x: number): number {
  f32[0] = x;
  const bits = i32[0]!;
  return bits < 0 ? -(bits & 0x7fffffff) : bits;
}

/** How many float32 values apart a and b are (0 when equal; Infinity if either is not a float32 or is NaN). */
export function ulpDistance32(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b) || Math.fround(a) !== a || Math.fround(b) !== b) return Infinity;
  return Math.abs(ordinal32(a) - ordinal32(b));
}

/**
 * The float32 fixtures xlgrad does not reproduce bit for bit, and why. Bounds are in float32
 * ulps of the largest value of the same kind in the same step (a gradient that
 * cancels to nearly 0 is judged at the scale of its neighbours): per step from
 * PyTorch's own state, and over the whole run.
 * - cross-entropy: PyTorch's log-softmax backward computes g − e^(log p)·Σg in
 *   one kernel, which reverse mode over (z − m) − log Σ e^(z − m) rounds differently;
 * - tanh: PyTorch's float32 tanh is not correctly rounded (1 value in 45 here is 1 ulp off).
 */
export const NOT_EXACT: Record<string, { step: number; run: number }> = {
  'ce3-minibatch-momentum': { step: 16, run: 64 },
  'minibatch-partial': { step: 4, run: 4 },
};

/** The float32 ulp at |v|'s magnitude (the smallest subnormal at 0). */
export const ulp32 = (v: number): number => {
  const a = Math.fround(Math.abs(v));
  if (a === 0) return 2 ** -149;
  const e = Math.floor(Math.log2(a));
  return 2 ** (Math.max(e, -126) - 23);
};

/** |a − b| relative to |b|, with an absolute floor for values near zero: 0 when within it. */
export function relativeError(a: number, b: number, absFloor = 1e-15): number {
  const diff = Math.abs(a - b);
  if (diff <= absFloor) return 0;
  return diff / Math.abs(b);
}

/** torch.autograd.gradcheck's test: |numeric − analytic| ≤ atol + rtol·|analytic|. */
export function gradcheckClose(numeric: number, analytic: number, atol = 1e-5, rtol = 1e-3): boolean {
  return Math.abs(numeric - analytic) <= atol + rtol * Math.abs(analytic);
}

/** Relative closeness for two ways of computing the same number (backprop vs symbolic). */
export function sameWithin(a: number, b: number, rel = 1e-12, abs = 1e-300): boolean {
  return Math.abs(a - b) <= Math.max(abs, rel * Math.max(Math.abs(a), Math.abs(b)));
}

export const snapshotDir = join(dirname(fileURLToPath(import.meta.url)), 'snapshots');

/**
 * Compares `text` with test/snapshots/<name>. The first run writes the file; on
 * a mismatch the new text goes to <name without .txt>-changed.txt beside it, to
 * diff and, if right, copy over (Observable Plot's snapshot tests work this way).
 * Returns the committed text, so the caller's expect() shows the difference.
 */
export function snapshot(name: string, text: string): string {
  const path = join(snapshotDir, name);
  const changed = path.replace(/(\.[a-z]+)?$/, '-changed$1');
  mkdirSync(snapshotDir, { recursive: true });
  if (!existsSync(path)) {
    // In CI a missing snapshot means it was never committed: fail rather than bless it.
    if (process.env.CI) throw new Error(`snapshot ${name} is missing; run the tests locally and commit it`);
    writeFileSync(path, text);
    return text;
  }
  const committed = readFileSync(path, 'utf8');
  if (committed === text) rmSync(changed, { force: true });
  else writeFileSync(changed, text);
  return committed;
}

/** `xlgrad …argv` run in this process (much faster than a child process), as plain data. */
export async function xlgradInProcess(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const { main } = await import('../src/cli/main.ts');
  const out: string[] = [], err: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
  return { code, out, err };
}
