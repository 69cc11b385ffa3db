// Reads an .xlsx with exceljs into the checker's Book: each cell's formula and
// the value the file has cached for it (what the spreadsheet program showed
// when the file was last saved), plus the defined names. exceljs is loaded on
// first use, so a page that never checks a workbook never downloads it.

import { escapeControls } from '../csv.ts';
import { excelJS } from '../exceljs/excelJS.ts';
import { areaText, parseReference } from '../spreadsheet/address.ts';
import { zipPartsProblem } from '../workbook/zipLimits.ts';
import type { Book, BookCell, DefinedName } from './book.ts';
import { CheckError } from './checkError.ts';
import { MAX_READ_CELLS as MAX_CELLS } from '../limits.ts';

export { MAX_CELLS };

function plain(v: unknown): BookCell {
  if (v === null || v === undefined) return { type: 'empty' };
  if (typeof v === 'number') return { type: 'value', value: v };
  if (typeof v === 'string') return { type: 'text', text: v, value: v };
  if (typeof v === 'boolean') return { type: 'boolean', value: v };
  if (v instanceof Date) return { type: 'text', text: v.toISOString(), value: v.toISOString() };
  const o = v as { error?: string; richText?: { text: string }[]; text?: unknown };
  if (typeof o.error === 'string') return { type: 'error', error: o.error };
  if (Array.isArray(o.richText)) {
    const text = o.richText.map((r) => r.text).join('');
    return { type: 'text', text, value: text };
  }
  if (typeof o.text === 'string') return { type: 'text', text: o.text, value: o.text };
  return { type: 'empty' };
}

/**
 * The workbook's cells with their cached values. Throws CheckError if exceljs
 * cannot read it, or before exceljs sees it if a zip part is too big (zipLimits).
 */
export async function readXlsx(bytes: Uint8Array, file = 'workbook'): Promise<Book> {
  const tooBig = await zipPartsProblem(bytes);
  if (tooBig !== undefined) throw new CheckError(`${file}: ${tooBig}`);
  const ExcelJS = await excelJS();
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch (e) {
    throw new CheckError(`${file}: cannot be read as an .xlsx workbook (${escapeControls(String((e as Error)?.message ?? e).split('\n')[0]!)})`);
  }
  let count = 0;
  const sheets = wb.worksheets.map((ws) => {
    const cells: Record<string, BookCell> = {};
    ws.eachRow({ includeEmpty: false }, (row) =>
      row.eachCell({ includeEmpty: false }, (cell) => {
        if (++count > MAX_CELLS) throw new CheckError(`${file}: has more than ${MAX_CELLS.toLocaleString('en-US')} cells; a learner's network needs a few hundred`);
        const v = cell.value as unknown;
        const formula = v !== null && typeof v === 'object' && ('formula' in v || 'sharedFormula' in v) ? cell.formula : undefined;
        const shown = plain(formula !== undefined ? (v as { result?: unknown }).result : v);
        cells[cell.address] = formula ? { ...shown, formula: `=${formula}` } : shown;
      }),
    );
    return { name: ws.name, cells };
  });
  // Built from entries, so a learner's name `__proto__` is a name like any other.
  const names: [string, DefinedName][] = [];
  for (const d of (wb.definedNames as unknown as { model: { name: string; ranges: string[] }[] }).model) {
    const ref = d.ranges[0];
    if (ref === undefined) continue;
    const at = parseReference(ref);
    names.push([d.name, at ? { ref, sheet: at.sheet, cell: areaText(at) } : { ref }]);
  }
  return { sheets, names: Object.fromEntries(names) };
}
