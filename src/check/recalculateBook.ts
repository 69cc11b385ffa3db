// Recalculates a Book read from a file with the in-browser formula engine
// (fast-formula-parser, via evaluateLayout): every formula cell gets the value
// its formula gives now, so a stale cached value cannot pass or fail a check.

import { evaluateLayout, type CellInput, type NameTarget, type Value } from '../workbook/evaluateLayout.ts';
import type { Book, BookCell } from './book.ts';

function cellOf(v: Value | undefined, formula: string): BookCell {
  if (v === null || v === undefined) return { type: 'empty', formula };
  if (typeof v === 'number') return { type: 'value', value: v, formula };
  if (typeof v === 'string') return { type: 'text', text: v, value: v, formula };
  if (typeof v === 'boolean') return { type: 'boolean', value: v, formula };
  return { type: 'error', error: v.error, formula };
}

export function recalculateBook(book: Book): Book {
  const sheets = book.sheets.map((s) => ({
    name: s.name,
    cells: Object.fromEntries(
      Object.entries(s.cells).map(([address, c]): [string, CellInput] => [address, c.formula !== undefined ? { formula: c.formula } : { value: c.type === 'text' ? c.text : c.type === 'error' ? undefined : c.value }]),
    ),
  }));
  // From entries, so a learner's name such as `__proto__` is an own key like any other.
  const names: Record<string, NameTarget> = Object.fromEntries(
    Object.entries(book.names).flatMap(([n, d]) => (typeof d.sheet === 'string' && typeof d.cell === 'string' ? [[n, { sheet: d.sheet, address: d.cell }]] : [])),
  );
  const { cells } = evaluateLayout(sheets, names);
  return {
    names: book.names,
    ...(book.notes ? { notes: book.notes } : {}),
    sheets: book.sheets.map((s) => ({
      name: s.name,
      cells: Object.fromEntries(Object.entries(s.cells).map(([address, c]) => [address, c.formula !== undefined ? cellOf(cells.get(`${s.name}!${address}`), c.formula) : c])),
    })),
  };
}
