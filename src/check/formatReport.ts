// The report as lines of text, for the terminal and the notebook alike: how the
// values were obtained, where the mapping came from, one row per mapped cell in
// graph order, then the root cause on a line beginning `first mismatch:`.

import type { Report, Row } from './check.ts';

const SOURCES = {
  map: (r: Report) => `mapping from ${r.origin}`,
  names: () => 'mapping from the defined names (xlgrad\'s scheme)',
  labels: () => 'mapping from the labels beside or above the numbers (save it with --print-map > map.json, correct it, pass it back with --map map.json)',
};

const num = (v: number) => String(v);
const diff = (r: Row) => (r.verdict === 'input' ? '' : r.difference === 0 ? '0' : r.difference.toExponential(2));
const pad = (s: string, n: number) => (s.length >= n ? `${s} ` : s.padEnd(n));

export function formatReport(r: Report): string[] {
  const t = r.tolerance;
  const lines = [
    `values: ${r.values}`,
    SOURCES[r.source](r),
    `network ${r.architecture}; ${r.epochs} epoch${r.epochs === 1 ? '' : 's'}; tolerance |theirs - expected| <= ${t.absolute} + ${t.relative}*|expected|`,
    '',
  ];
  const w = Math.max(12, ...r.rows.map((row) => row.key.length + 2));
  const c = Math.max(10, ...r.rows.map((row) => row.cell.length + 2));
  lines.push(`${pad('quantity', w)}${pad('cell', c)}${pad('expected', 24)}${pad('theirs', 24)}${pad('difference', 12)}verdict`);
  for (const row of r.rows) {
    const verdict = row.verdict === 'mismatch' ? 'MISMATCH' : row.verdict;
    lines.push(`${pad(row.key, w)}${pad(row.cell, c)}${pad(num(row.expected), 24)}${pad(num(row.theirs), 24)}${pad(diff(row), 12)}${verdict}${row.label ? `   ${row.label}` : ''}`);
  }
  lines.push('');
  if (r.missing.length) lines.push(`not found in the workbook (not checked): ${r.missing.length} quantities: ${r.missing.slice(0, 8).join(', ')}${r.missing.length > 8 ? ', …' : ''}`);
  const f = r.first;
  if (f) {
    const theirs = f.formula ? `their formula ${f.formula}${f.theirFormulaNamed && f.theirFormulaNamed !== f.formula.replace(/^=/, '') ? ` (${f.theirFormulaNamed})` : ''}` : 'their cell holds a typed number, not a formula';
    lines.push(`first mismatch: ${f.key} at ${f.cell}: expected ${num(f.expected)}, theirs ${num(f.theirs)}, difference ${f.difference.toExponential(3)}; expected ${f.expectedFormula}; ${theirs}`);
    lines.push(`${r.mismatches} of ${r.checked} checked cells mismatch; later mismatches may all follow from the first.`);
  } else {
    lines.push(`all ${r.checked} checked cells agree with the engine (0 mismatches).`);
  }
  return lines;
}
