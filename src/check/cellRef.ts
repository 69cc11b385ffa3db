// Cell references as a spreadsheet user writes them: `B58`, `Sheet1!B3`,
// `'My sheet'!B58`, kept as the sheet and the upper-case A1 address, the form
// the checker keys its cells by. Addresses and quoting are src/spreadsheet/address.ts's.

import { cellAddress, parseReference, quoteSheet } from '../spreadsheet/address.ts';

export interface CellRef {
  sheet: string;
  /** Upper-case A1 address without `$`. */
  address: string;
}

export function formatRef(ref: CellRef): string {
  return `${quoteSheet(ref.sheet)}!${ref.address}`;
}

/** Parses `Sheet1!B3`, `'My sheet'!$B$3`; undefined if the text is not a reference to one cell. */
export function parseRef(text: string): CellRef | undefined {
  const ref = parseReference(text);
  return ref && !ref.to ? { sheet: ref.sheet, address: cellAddress(ref.from.row, ref.from.column) } : undefined;
}
