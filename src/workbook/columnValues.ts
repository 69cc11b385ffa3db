// The rows layout's columns, read back one row at a time: a workbook-level
// name `<q>_col` refers to a column of step rows (Training!$Y$3:$Y$10002), and
// its k-th cell is step k's value of q, keyed `<q>_col[k]` (names.ts), the key
// engineValues gives the same value. Works on any recalculated workbook:
// LibreOffice's for verify, the layout's own cells in tests.

import type { Computed } from './compareValues.ts';
import type { Recalculated, RecalculatedCell } from '../libreoffice/libreoffice.ts';
import { areaText, cellAddress, parseArea, parseReference } from '../spreadsheet/address.ts';
import { columnRowName, parseName } from './names.ts';

/** Every row of every `<q>_col` name, keyed `<q>_col[k]`; `cell` gives a cell's value (undefined when empty). */
export function columnValues(names: Record<string, { sheet: string; address: string }>, cell: (sheet: string, address: string) => Computed | undefined): Record<string, Computed> {
  const out: Record<string, Computed> = {};
  for (const [name, { sheet, address }] of Object.entries(names)) {
    const p = parseName(name);
    const area = parseArea(address);
    if (p?.kind !== 'column' || !area?.to || area.to.column !== area.from.column) continue;
    for (let row = area.from.row, k = 1; row <= area.to.row; row++, k++) {
      const c = cell(sheet, cellAddress(row, area.from.column));
      if (c !== undefined) out[columnRowName(p.quantity, k)] = c;
    }
  }
  return out;
}

const computed = (c: RecalculatedCell | undefined): Computed | undefined =>
  c === undefined ? undefined : c.type === 'error' ? { error: c.error } : { value: c.type === 'value' ? c.value : c.text };

/** LibreOffice's values of every name, and of every row of the rows layout's columns (which LibreOffice gives no single value). */
export function recalculatedValues(r: Recalculated): Record<string, Computed> {
  const ranges: Record<string, { sheet: string; address: string }> = {};
  for (const [name, n] of Object.entries(r.names)) {
    const ref = parseReference(n.ref);
    if (ref) ranges[name] = { sheet: ref.sheet, address: areaText(ref) };
  }
  const sheets = new Map(r.sheets.map((s) => [s.name, s.cells]));
  return { ...r.names, ...columnValues(ranges, (sheet, address) => computed(sheets.get(sheet)?.[address])) };
}
