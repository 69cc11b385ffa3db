// The rows layout's columns, read back one row at a time: a workbook-level
// name `<q>_col` refers to a column of step rows (Training!$Y$3:$Y$10002), and
// its k-th cell is step k's value of q, keyed `<q>_col[k]` (names.ts), the key
// engineValues gives the same value. Works on any recalculated workbook:
// LibreOffice's for verify, the layout's own cells in tests.

import type { Computed } from './compareValues.ts';
import type { Recalculated, RecalculatedCell } from '../libreoffice/libreoffice.ts';
import { columnRowName, parseName } from './names.ts';

/** A one-column range `B3:B102` (a `$` anywhere allowed) → its letters and rows. */
const COLUMN = /^\$?([A-Z]+)\$?(\d+):\$?([A-Z]+)\$?(\d+)$/;

/** Every row of every `<q>_col` name, keyed `<q>_col[k]`; `cell` gives a cell's value (undefined when empty). */
export function columnValues(names: Record<string, { sheet: string; address: string }>, cell: (sheet: string, address: string) => Computed | undefined): Record<string, Computed> {
  const out: Record<string, Computed> = {};
  for (const [name, { sheet, address }] of Object.entries(names)) {
    const p = parseName(name);
    const m = COLUMN.exec(address);
    if (p?.kind !== 'column' || !m || m[1] !== m[3]) continue;
    for (let row = Number(m[2]), k = 1; row <= Number(m[4]); row++, k++) {
      const c = cell(sheet, `${m[1]}${row}`);
      if (c !== undefined) out[columnRowName(p.quantity, k)] = c;
    }
  }
  return out;
}

const computed = (c: RecalculatedCell | undefined): Computed | undefined =>
  c === undefined ? undefined : c.type === 'error' ? { error: c.error } : { value: c.type === 'value' ? c.value : c.text };

/** `Training!$B$3:$B$102` or `'My sheet'!$B$3:$B$102` → its sheet and address. */
function splitRef(ref: string): { sheet: string; address: string } | undefined {
  const m = /^(?:'((?:[^']|'')+)'|([^'!]+))!(.+)$/.exec(ref);
  return m ? { sheet: m[1]?.replace(/''/g, "'") ?? m[2]!, address: m[3]! } : undefined;
}

/** LibreOffice's values of every name, and of every row of the rows layout's columns (which LibreOffice gives no single value). */
export function recalculatedValues(r: Recalculated): Record<string, Computed> {
  const ranges: Record<string, { sheet: string; address: string }> = {};
  for (const [name, n] of Object.entries(r.names)) {
    const at = splitRef(n.ref);
    if (at) ranges[name] = at;
  }
  const sheets = new Map(r.sheets.map((s) => [s.name, s.cells]));
  return { ...r.names, ...columnValues(ranges, (sheet, address) => computed(sheets.get(sheet)?.[address])) };
}
