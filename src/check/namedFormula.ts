// A learner's formula with every mapped cell written as the quantity it holds:
// `=B30*B11` → `dL_dz5_e1*z4_e1`, so it reads beside the expected formula
// `dL_dw8_e1 = dL_dz5_e1 * a4_e1` and the wrong reference stands out. The same
// tokenizer lists the cells a formula reads (`references`), which is all the
// comparison with the expected formula needs.

import { A1_SOURCE, cellAddress, parseAddress, unquoteSheet } from '../spreadsheet/address.ts';
import { formatRef } from './cellRef.ts';

// A reference: optional sheet (`Sheet1!`, `'My sheet'!`, or LibreOffice's
// `$Sheet1.`), then an A1 address; not part of a longer name or a function
// call such as LOG10(.
const REF = new RegExp(String.raw`(?<![\w.$'])(?:\$?('(?:[^']|'')+'|[A-Za-z_][\w]*)[!.])?(${A1_SOURCE})(?![\w(!.])`, 'g');
// A defined name: a word that is not a function call and not a sheet prefix.
const NAME = /(?<![\w.$'!])([A-Za-z_\\][\w.]*)(?![\w(!.])/g;

/** Rewrites every cell reference of the formula's code (string literals left alone) with `f(cell)`, or keeps it when `f` gives undefined. */
function eachReference(formula: string, sheet: string, f: (cell: string) => string | undefined): string {
  return formula
    .split(/("(?:[^"]|"")*")/)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part.replace(REF, (whole, quoted: string | undefined, address: string) => {
            const at = parseAddress(address);
            if (!at) return whole;
            const on = quoted === undefined ? sheet : unquoteSheet(quoted);
            return f(formatRef({ sheet: on, address: cellAddress(at.row, at.column) })) ?? whole;
          }),
    )
    .join('');
}

/** `formula` (with its `=`) as names, for a cell on `sheet`; unmapped references stay as written. */
export function namedFormula(formula: string, sheet: string, keyOf: ReadonlyMap<string, string>): string {
  return eachReference(formula.replace(/^=/, ''), sheet, (cell) => keyOf.get(cell));
}

/**
 * The cells a formula on `sheet` reads, repeats included (`Sheet1!B3` form). A defined name that `nameCell` resolves to one cell counts as that
 * cell. A range `B3:B9` counts as its two corners.
 */
export function references(formula: string, sheet: string, nameCell?: (name: string) => string | undefined): string[] {
  const out: string[] = [];
  const rest = eachReference(formula.replace(/^=/, ''), sheet, (cell) => {
    out.push(cell);
    return ' ';
  });
  if (nameCell) {
    for (const part of rest.split(/"(?:[^"]|"")*"/)) {
      for (const m of part.matchAll(NAME)) {
        const cell = nameCell(m[1]!);
        if (cell !== undefined) out.push(cell);
      }
    }
  }
  return out;
}
