// A learner's formula with every mapped cell written as the quantity it holds:
// `=B30*B11` → `dL_dz5_e1*z4_e1`, so it reads beside the expected formula
// `dL_dw8_e1 = dL_dz5_e1 * a4_e1` and the wrong reference stands out.

import { A1_SOURCE, cellAddress, parseAddress, unquoteSheet } from '../spreadsheet/address.ts';
import { formatRef } from './cellRef.ts';

// A reference: optional sheet (`Sheet1!`, `'My sheet'!`, or LibreOffice's
// `$Sheet1.`), then an A1 address; not part of a longer name or a function
// call such as LOG10(.
const REF = new RegExp(String.raw`(?<![\w.$'])(?:\$?('(?:[^']|'')+'|[A-Za-z_][\w]*)[!.])?(${A1_SOURCE})(?![\w(!.])`, 'g');

/** `formula` (with its `=`) as names, for a cell on `sheet`; unmapped references stay as written. */
export function namedFormula(formula: string, sheet: string, keyOf: ReadonlyMap<string, string>): string {
  const body = formula.replace(/^=/, '');
  // String literals are left alone: split on them and rewrite only the code between.
  return body
    .split(/("(?:[^"]|"")*")/)
    .map((part, i) =>
      i % 2 === 1
        ? part
        : part.replace(REF, (whole, quoted: string | undefined, address: string) => {
            const at = parseAddress(address);
            if (!at) return whole;
            const on = quoted === undefined ? sheet : unquoteSheet(quoted);
            return keyOf.get(formatRef({ sheet: on, address: cellAddress(at.row, at.column) })) ?? whole;
          }),
    )
    .join('');
}
