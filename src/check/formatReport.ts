// The report as lines of text, for the terminal and the notebook alike: how the
// values were obtained, where the mapping came from, the network and why, one
// row per mapped cell in graph order (only the mismatches of a long run), then
// the root causes, the first on a line beginning `first mismatch:`.

import type { BookCheck } from './checkBook.ts';
import type { FirstMismatch, Report, Row } from './check.ts';
import { quoteSheet } from '../spreadsheet/address.ts';
import { missingSummary } from './missingSummary.ts';

const SOURCES = {
  map: (r: Report) => `mapping from ${r.origin}`,
  names: () => 'mapping from the defined names (xlgrad\'s scheme)',
  labels: () => 'mapping from the labels beside or above the numbers (save it with --print-map > map.json, correct it, pass it back with --map map.json)',
  rows: (r: Report) => `mapping from the header row on ${r.origin}, one row per iteration (save it with --print-map > map.json, correct it, pass it back with --map map.json)`,
};

/** More rows than this and only the mismatching ones are listed. */
const MAX_ROWS = 200;
const MAX_MISMATCH_ROWS = 100;

const num = (v: number) => String(v);
const diff = (r: Row) => (r.verdict === 'input' ? '' : r.difference === 0 ? '0' : r.difference.toExponential(2));
const pad = (s: string, n: number) => (s.length >= n ? `${s} ` : s.padEnd(n));

/** A root cause: its values on the first line, then the expected formula beside theirs and which reference differs. */
function cause(f: FirstMismatch): string[] {
  const named = f.formula && f.theirFormulaNamed && f.theirFormulaNamed !== f.formula.replace(/^=/, '') ? ` (${f.theirFormulaNamed})` : '';
  return [
    `${f.key} at ${f.cell}: expected ${num(f.expected)}, theirs ${num(f.theirs)}, difference ${f.difference.toExponential(3)}`,
    `  expected       ${f.definition}`,
    ...(f.expectedFormula ? [`  in your cells  ${f.expectedFormula}`] : []),
    `  your formula   ${f.formula ? `${f.formula}${named}` : 'none: the cell holds a typed number'}`,
    ...(f.references ? [`  it ${f.references}`] : []),
    ...(f.sign ? [`  ${f.sign}`] : []),
  ];
}

export function formatReport(r: Report): string[] {
  const t = r.tolerance;
  const lines = [
    `values: ${r.values}`,
    SOURCES[r.source](r),
    `network ${r.architecture}${r.lr !== undefined ? `, lr ${r.lr}` : ''}; ${r.epochs} epoch${r.epochs === 1 ? '' : 's'}${r.samples > 1 ? ` of ${r.samples} samples in one batch` : ''}; tolerance |theirs - expected| <= ${t.absolute} + ${t.relative}*|expected|`,
    ...(r.inferred ?? []).map((l) => `  ${l}`),
    ...r.notes,
    '',
  ];
  const long = r.rows.length > MAX_ROWS;
  const listed = long ? r.rows.filter((row) => row.verdict === 'mismatch').slice(0, MAX_MISMATCH_ROWS) : r.rows;
  const w = Math.max(12, ...listed.map((row) => row.key.length + 2));
  const c = Math.max(10, ...listed.map((row) => row.cell.length + 2));
  if (listed.length) lines.push(`${pad('quantity', w)}${pad('cell', c)}${pad('expected', 24)}${pad('theirs', 24)}${pad('difference', 12)}verdict`);
  for (const row of listed) {
    const verdict = row.verdict === 'mismatch' ? 'MISMATCH' : row.verdict;
    lines.push(`${pad(row.key, w)}${pad(row.cell, c)}${pad(num(row.expected), 24)}${pad(num(row.theirs), 24)}${pad(diff(row), 12)}${verdict}${row.label ? `   ${row.label}` : ''}`);
  }
  if (long) lines.push(`(${r.rows.length} cells; ${listed.length < r.mismatches ? `the first ${listed.length} mismatching` : r.mismatches ? 'the mismatching ones' : 'none mismatch, none'} listed; --json or --out marked.xlsx for all)`);
  lines.push('');
  lines.push(...missingSummary(r.missing, r.params, r.epochs));
  if (r.rootCauses.length) {
    r.rootCauses.forEach((m, i) => {
      const [head, ...detail] = cause(m);
      lines.push(`${i === 0 ? 'first mismatch' : `root cause ${i + 1} of ${r.rootCauses.length}`}: ${head}`, ...detail);
    });
    const n = r.rootCauses.length;
    const rest = r.mismatches > n ? `, the rest follow from ${n === 1 ? 'it' : 'them'}` : '';
    lines.push(`${r.mismatches} of ${r.checked} checked cells mismatch; ${n === 1 ? 'one root cause (a mismatch whose inputs all agree)' : `${n} root causes (mismatches whose inputs all agree)`}${rest}.`);
  } else if (r.checked === 0) {
    lines.push('no computed cell was checked: only inputs and initial weights were found, so nothing agrees or disagrees.');
  } else {
    lines.push(`all ${r.checked} checked cells agree with the engine (0 mismatches).`);
  }
  return lines;
}

/** Every run's report, each under its sheet's name when there are several, then the verdict. */
export function formatBookCheck(b: BookCheck): string[] {
  const notes = b.notes.map((n) => `note: ${n}`);
  if (b.runs.length === 1) return [...notes, ...formatReport(b.runs[0]!)];
  const lines = b.runs.flatMap((r, i) => [...(i ? [''] : []), `== run ${i + 1} of ${b.runs.length}: sheet ${quoteSheet(r.sheet)} ==`, ...formatReport(r)]);
  return [...notes, ...lines, '', `${b.verdict}: ${b.message}`];
}
