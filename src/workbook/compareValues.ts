// The test `verify` applies: every named value a spreadsheet computed against
// the engine's float64 value for that name.
//
// Tolerance: 1e-12 relative, or 1e-15 absolute near zero. A spreadsheet's
// +, −, ×, / are IEEE doubles like ours, but its EXP or TANH may round the last
// bit differently. That is invisible everywhere except in a central difference
// (L⁺ − L⁻) / 2h, which divides such a difference by 2h = 2e-6; so a
// `num_dL_d…` value may also differ by what 1e-12 relative on L⁺ and L⁻ becomes
// after that division: 1e-12 · (|L⁺| + |L⁻|) / 2h.
//
// And a spreadsheet rounds a difference of nearly equal numbers to 0:
// LibreOffice's a − b is 0 when |a − b| < 2⁻⁴⁸·|a| (rtl::math::approxSub), so
// as a long run converges, ŷ − y and every gradient made from it can be 0 in the
// workbook where the engine has 1e-15. A value may therefore also be off by
// 1e-12 of the largest magnitude its quantity reaches over the run (its scale:
// `z3` over every epoch or step), which a wrong formula, off by the size of the
// values themselves, never is.

import { DEFAULT_STEP } from '../finiteDifference.ts';
import { minusName, parseName, plusName } from './names.ts';

/** The quantity a name holds in some epoch or step (`z3_e4`, `z3_col[4]` → `z3`); the name itself for the others. */
function quantityOf(name: string): string {
  const row = /^(.+)_col\[\d+\]$/.exec(name);
  if (row) return row[1]!;
  const p = parseName(name);
  return p?.kind === 'epoch' ? p.quantity : name;
}

/** Each quantity's largest finite magnitude over the run. */
function scales(expected: Map<string, number>): Map<string, number> {
  const out = new Map<string, number>();
  for (const [name, e] of expected) {
    if (!Number.isFinite(e)) continue;
    const q = quantityOf(name);
    out.set(q, Math.max(out.get(q) ?? 0, Math.abs(e)));
  }
  return out;
}

export const RELATIVE_TOLERANCE = 1e-12;
export const ABSOLUTE_TOLERANCE = 1e-15;

/** A spreadsheet's value of one name: a number, or an error code. */
export interface Computed {
  value?: number | string | boolean | null;
  /** An error code such as #NUM!; null or absent when the cell holds a value. */
  error?: string | null;
}

export interface Mismatch {
  name: string;
  expected: number;
  got: string;
}

export interface Comparison {
  count: number;
  /** Largest |difference| / |expected| over every name but the central differences. */
  maxRelative: number;
  /** The same over the central differences (num_dL_d…), which amplify last-bit differences by 1/2h. */
  maxRelativeNumeric: number;
  /** Values near 0 that pass though they differ by more than 1e-12 relative: within 1e-15, or 1e-12 of their quantity's scale (left out of maxRelative). */
  nearZero: number;
  mismatches: Mismatch[];
}

function allowance(name: string, expected: number, all: Map<string, number>, scale: number): number {
  const base = Math.max(ABSOLUTE_TOLERANCE, RELATIVE_TOLERANCE * Math.abs(expected), RELATIVE_TOLERANCE * scale);
  const p = parseName(name);
  if (p?.kind !== 'numeric') return base;
  const lp = all.get(plusName(p.quantity, p.epoch!, p.batch)) ?? 0, lm = all.get(minusName(p.quantity, p.epoch!, p.batch)) ?? 0;
  return Math.max(base, (RELATIVE_TOLERANCE * (Math.abs(lp) + Math.abs(lm))) / (2 * DEFAULT_STEP));
}

const show = (c: Computed | undefined) =>
  c === undefined ? 'missing from the workbook' : c.error != null ? `error ${c.error}` : JSON.stringify(c.value);

/** Compares every expected name with what the spreadsheet computed. */
export function compareValues(expected: Map<string, number>, computed: Record<string, Computed>): Comparison {
  let maxRelative = 0, maxRelativeNumeric = 0, nearZero = 0;
  const mismatches: Mismatch[] = [];
  const scale = scales(expected);
  for (const [name, e] of expected) {
    const c = computed[name];
    const v = c?.error == null ? c?.value : undefined;
    if (!Number.isFinite(e)) {
      // NaN or ±Infinity cannot be stored in a cell: the spreadsheet must show an error.
      if (c?.error == null) mismatches.push({ name, expected: e, got: show(c) });
      continue;
    }
    if (typeof v !== 'number') {
      mismatches.push({ name, expected: e, got: show(c) });
      continue;
    }
    const diff = Math.abs(v - e);
    const s = scale.get(quantityOf(name)) ?? 0;
    const ok = diff <= allowance(name, e, expected, s);
    const relative = e === 0 ? 0 : diff / Math.abs(e);
    if (parseName(name)?.kind === 'numeric') maxRelativeNumeric = Math.max(maxRelativeNumeric, relative);
    else if (ok && diff > RELATIVE_TOLERANCE * Math.abs(e)) nearZero++;
    else maxRelative = Math.max(maxRelative, relative);
    if (!ok) mismatches.push({ name, expected: e, got: String(v) });
  }
  return { count: expected.size, maxRelative, maxRelativeNumeric, nearZero, mismatches };
}
