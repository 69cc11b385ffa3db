// Which reference of a learner's formula is wrong: the cells their formula
// reads compared with the cells the expected formula reads (expectedInCells).
// Their references to helper cells the mapping does not name (`E1`, a δ column)
// are followed to the cells those read, so a formula built from helpers
// compares with one written out in full. Only which cells are read is
// compared, not how often, so `(T5-B5)*T5*(1-T5)` and `0.5*(2*(T5 - B5))*(1 - T5)*T5` agree.

import type { Book } from './book.ts';
import { parseRef, formatRef } from './cellRef.ts';
import type { InCells } from './expectedInCells.ts';
import type { Mapping } from './mapping.ts';
import { references } from './namedFormula.ts';

/** The cells a formula reads, through unmapped formula cells to what they read. */
function readCells(formula: string, sheet: string, book: Book, mapped: ReadonlySet<string>): Set<string> {
  const nameCell = (name: string) => {
    const d = book.names[name] ?? Object.entries(book.names).find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
    return d?.sheet !== undefined && d.cell !== undefined ? formatRef({ sheet: d.sheet, address: d.cell.replace(/\$/g, '') }) : undefined;
  };
  const out = new Set<string>();
  const seen = new Set<string>();
  const pending = references(formula, sheet, nameCell);
  // Each cell followed once, so a circular helper or a long chain ends; in reading order.
  for (let i = 0; i < pending.length; i++) {
    const cell = pending[i]!;
    if (seen.has(cell)) continue;
    seen.add(cell);
    const ref = parseRef(cell)!;
    const f = book.sheets.find((s) => s.name === ref.sheet)?.cells[ref.address]?.formula;
    if (mapped.has(cell) || f === undefined) out.add(cell);
    else pending.push(...references(f, ref.sheet, nameCell));
  }
  return out;
}

/** A cell as the learner sees it from `sheet`, with what it holds: `O5 (a_h1)`. */
function shown(cell: string, sheet: string, what: string): string {
  const r = parseRef(cell)!;
  return `${r.sheet === sheet ? r.address : cell} (${what})`;
}

/**
 * One line saying how the references of `theirFormula` (in cell `at`) differ
 * from the expected formula's: `uses O5 (a_h1) where a_h2 (Q5) belongs` when
 * one cell stands where another belongs; undefined when they read the same cells.
 */
export function referenceDifference(theirFormula: string, at: string, expected: InCells, book: Book, mapping: Mapping, labels: Record<string, string>): string | undefined {
  const sheet = parseRef(at)!.sheet;
  const mapped = new Set(Object.values(mapping).flat());
  const theirs = readCells(theirFormula, sheet, book, mapped);
  const ours = new Set(expected.cells.keys());
  const keyOf = new Map<string, string>();
  for (const [key, cells] of Object.entries(mapping)) for (const c of cells) if (!keyOf.has(c)) keyOf.set(c, key);
  // The learner's own heading (`a_h1 (Sheet1!O4), iteration 1` → `a_h1`), else the quantity.
  const what = (cell: string) => labels[cell]?.replace(/ \(.*$/, '') || expected.cells.get(cell) || keyOf.get(cell) || 'a cell the check does not map';
  const extra = [...theirs].filter((c) => !ours.has(c));
  const missing = [...ours].filter((c) => !theirs.has(c));
  if (extra.length === 0 && missing.length === 0) return undefined;
  if (extra.length === 1 && missing.length === 1) {
    const r = parseRef(missing[0]!)!;
    return `uses ${shown(extra[0]!, sheet, what(extra[0]!))} where ${what(missing[0]!)} (${r.sheet === sheet ? r.address : missing[0]}) belongs`;
  }
  const list = (cells: string[]) => cells.map((c) => shown(c, sheet, what(c))).join(', ');
  return [extra.length ? `uses ${list(extra)}, which the expected formula does not read` : '', missing.length ? `leaves out ${list(missing)}` : ''].filter(Boolean).join('; ');
}
