// How the notebook writes numbers: eight significant digits, as `xlgrad run`
// prints them (without its trailing zeros), so a number on the page can be
// found in the CLI's output.

export function num(v: number): string {
  if (v === 0) return '0';
  if (!Number.isFinite(v)) return String(v);
  const s = v.toPrecision(8);
  if (!s.includes('.')) return s;
  return s.includes('e') ? s.replace(/\.?0+e/, 'e') : s.replace(/\.?0+$/, '');
}

/** A short difference such as 3.0e-9, for the small print under a value. */
export function diff(v: number): string {
  if (v === 0) return '0';
  return Number.isFinite(v) ? v.toExponential(1) : String(v);
}
