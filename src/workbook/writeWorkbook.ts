// A layout to .xlsx bytes with exceljs. The only file that knows exceljs; it
// runs in Node and in the browser (no Node APIs here).
//
// exceljs's package entry is its Node build (streams, fs); bundlers that honour
// the package's "browser" field (Vite does) get dist/exceljs.min.js instead.
// Loading it with a dynamic import keeps it out of the main bundle and lets both
// resolve: in Node the CommonJS module arrives as `default`.

import type * as ExcelJSTypes from 'exceljs';
import { fixZipDates } from './fixZipDates.ts';
import type { CellStyle, LayoutCell, LayoutSheet, WorkbookLayout } from './layout.ts';

type ExcelJS = typeof ExcelJSTypes;

let loaded: Promise<ExcelJS> | undefined;
function excel(): Promise<ExcelJS> {
  loaded ??= import('exceljs').then((m) => ((m as unknown as { default?: ExcelJS }).default ?? m) as ExcelJS);
  return loaded;
}

/** A fixed document date: the same input must give the same bytes. */
const DOCUMENT_DATE = new Date(Date.UTC(2000, 0, 1));

const fill = (argb: string): ExcelJSTypes.Fill => ({ type: 'pattern', pattern: 'solid', fgColor: { argb } });
const thin: ExcelJSTypes.Border = { style: 'thin', color: { argb: 'FF808080' } };

const styles: Record<CellStyle, Partial<ExcelJSTypes.Style>> = {
  title: { font: { bold: true, size: 14 } },
  note: { font: { italic: true, color: { argb: 'FF595959' } } },
  header: { font: { bold: true }, fill: fill('FFD9D9D9'), border: { bottom: thin } },
  section: { font: { bold: true, color: { argb: 'FF1F3864' } }, fill: fill('FFDDEBF7') },
  label: {},
  text: {},
  value: {},
  param: { fill: fill('FFFFF2CC'), border: { top: thin, bottom: thin, left: thin, right: thin } },
  helper: { font: { color: { argb: 'FF7F7F7F' } } },
  // The article circled its non-zero gradients.
  nonzero: { font: { bold: true, color: { argb: 'FF9C0006' } }, fill: fill('FFFCE4D6'), border: { top: thin, bottom: thin, left: thin, right: thin } },
  dead: { font: { color: { argb: 'FF7F7F7F' } }, fill: fill('FFEDEDED') },
  pass: { font: { color: { argb: 'FF006100' } }, fill: fill('FFC6EFCE') },
  fail: { font: { bold: true, color: { argb: 'FF9C0006' } }, fill: fill('FFFFC7CE') },
  error: { font: { color: { argb: 'FFC00000' } } },
};

/** One style object per (style, number format), and none for plain cells. */
const combined = new Map<string, Partial<ExcelJSTypes.Style> | undefined>();
function styled(style: CellStyle, numFmt: string | undefined): Partial<ExcelJSTypes.Style> | undefined {
  const key = `${style}|${numFmt ?? ''}`;
  if (!combined.has(key)) {
    const base = styles[style];
    combined.set(key, numFmt ? { ...base, numFmt } : Object.keys(base).length ? base : undefined);
  }
  return combined.get(key);
}

function cellValue(c: LayoutCell): ExcelJSTypes.CellValue {
  if (c.formula === undefined) {
    if (typeof c.value === 'number' && !Number.isFinite(c.value)) throw new Error(`writeWorkbook: ${c.address} holds ${c.value}, which .xlsx cannot store`);
    // A string is stored as a string, so text starting with '=' stays text.
    return c.value ?? null;
  }
  const r = c.result;
  if (typeof r === 'number' && !Number.isFinite(r)) throw new Error(`writeWorkbook: ${c.address} has the cached result ${r}, which .xlsx cannot store`);
  const result = r === undefined ? undefined : typeof r === 'object' ? ({ error: r.error } as ExcelJSTypes.CellErrorValue) : r;
  return { formula: c.formula, result } as ExcelJSTypes.CellFormulaValue;
}

function writeSheet(wb: ExcelJSTypes.Workbook, sheet: LayoutSheet): void {
  const ws = wb.addWorksheet(sheet.name, {
    state: sheet.hidden ? 'hidden' : 'visible',
    views: sheet.frozen ? [{ state: 'frozen', xSplit: sheet.frozen.cols, ySplit: sheet.frozen.rows }] : [],
  });
  sheet.columns?.forEach((width, i) => (ws.getColumn(i + 1).width = width));
  for (const c of sheet.cells) {
    const cell = ws.getCell(c.address);
    cell.value = cellValue(c);
    const style = c.style ? styled(c.style, c.numFmt) : c.numFmt ? { numFmt: c.numFmt } : undefined;
    if (style) cell.style = style;
  }
}

/** A sheet name as a reference writes it: Inputs!$B$5, but 'Epoch 1'!$B$5 (a quote inside is doubled). */
const quote = (sheet: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(sheet) && !/^[A-Za-z]{1,3}\d+$/.test(sheet) ? sheet : `'${sheet.replace(/'/g, "''")}'`);
const absolute = (address: string) => address.replace(/^([A-Z]+)(\d+)$/, '$$$1$$$2');

export async function writeWorkbook(layout: WorkbookLayout): Promise<Uint8Array> {
  const { Workbook } = await excel();
  const wb = new Workbook();
  wb.creator = 'xlgrad';
  wb.lastModifiedBy = 'xlgrad';
  wb.created = DOCUMENT_DATE;
  wb.modified = DOCUMENT_DATE;
  // Every formula's cached result is xlgrad's float64 value; ask the opening app to recompute anyway.
  wb.calcProperties.fullCalcOnLoad = true;
  for (const sheet of layout.sheets) writeSheet(wb, sheet);
  // exceljs keeps each defined name as a matrix of cells and, when it writes,
  // rebuilds every name's ranges from it (about 2 s for the 86,000 names of a
  // 1,000-epoch workbook). Every xlgrad name is one cell whose reference is
  // known, so the writer gets the finished list, the shape its `model` returns.
  const names = Object.entries(layout.names).map(([name, { sheet, address }]) => ({ name, ranges: [`${quote(sheet)}!${absolute(address)}`] }));
  (wb as unknown as { _definedNames: { model: typeof names } })._definedNames = { model: names };
  const buffer = await wb.xlsx.writeBuffer();
  return fixZipDates(new Uint8Array(buffer as ArrayBuffer));
}
