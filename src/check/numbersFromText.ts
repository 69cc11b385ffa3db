// Numbers stored as text: a cell holding the text "0.15" (pasted from a web
// page, imported from a CSV, typed after an apostrophe, or a formula such as
// `=D5` copying such a cell) is read as the number 0.15, as Excel reads it
// when a formula does arithmetic on it, and the report says which cells were.
// Text that is not a plain number stays text, and is reported where a number belongs.

import type { Book, BookCell } from './book.ts';
import { formatRef } from './cellRef.ts';

// A plain decimal number, as Excel's VALUE() reads one without a locale: 0.15, -2, 1e-3, .5.
const NUMBER = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/;

/** How the note begins. */
export const TEXT_NOTE = 'numbers stored as text, read as numbers';

/** How many of the converted cells a note names. */
const SHOWN = 4;

/** The book with every typed text cell that spells a finite number turned into that number, and a note naming them. */
export function numbersFromText(book: Book): Book {
  const converted: string[] = [];
  const sheets = book.sheets.map((s) => {
    const cells: Record<string, BookCell> = {};
    for (const [address, c] of Object.entries(s.cells)) {
      const text = c.type === 'text' ? c.text ?? (typeof c.value === 'string' ? c.value : undefined) : undefined;
      const value = text !== undefined && NUMBER.test(text) ? Number(text) : NaN;
      if (Number.isFinite(value)) {
        cells[address] = c.formula === undefined ? { type: 'value', value } : { type: 'value', value, formula: c.formula };
        converted.push(`${formatRef({ sheet: s.name, address })} (${JSON.stringify(text!.trim())})`);
      } else cells[address] = c;
    }
    return { name: s.name, cells };
  });
  if (converted.length === 0) return book;
  const more = converted.length > SHOWN ? `, … (${converted.length} cells)` : '';
  const note = `${TEXT_NOTE}: ${converted.slice(0, SHOWN).join(', ')}${more}`;
  return { ...book, sheets, notes: [...(book.notes ?? []), note] };
}
