// A layout to .xlsx bytes with exceljs. The only file that knows exceljs; it
// runs in Node and in the browser (no Node APIs here).
//
// Two ways to write. exceljs's in-memory workbook (every layout in the browser,
// small ones in Node) keeps about 2 kB per cell. Bigger layouts in Node go
// through exceljs's streaming writer, sheet by sheet and row by row: exceljs
// writes the package (styles, defined names, the zip) and each sheet's first
// row, and the other rows are written here as sheet XML, because exceljs's cell
// model costs about 9 µs a cell even when streaming (4 s for the 480,000 cells
// of a 10,000-step article run) while the XML of a cell is one line.
// exceljs is loaded through src/exceljs/excelJS.ts.

import { excelJS as excel, type ExcelJS, type ExcelJSTypes } from '../exceljs/excelJS.ts';
import { addCharts } from './chartParts.ts';
import { fixZipDates } from './fixZipDates.ts';
import { escapeXml } from './xmlTags.ts';
import { columnLetters, parseAddress, parseArea, referenceText } from '../spreadsheet/address.ts';
import { filledCell, sheetCells, type CellStyle, type FilledColumn, type LayoutCell, type LayoutSheet, type WorkbookLayout } from './layout.ts';

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

const styleOf = (c: { style?: CellStyle; numFmt?: string }) => (c.style ? styled(c.style, c.numFmt) : c.numFmt ? { numFmt: c.numFmt } : undefined);

const sheetOptions = (sheet: LayoutSheet): Partial<ExcelJSTypes.AddWorksheetOptions> => ({
  state: sheet.hidden ? 'hidden' : 'visible',
  views: sheet.frozen ? [{ state: 'frozen', xSplit: sheet.frozen.cols, ySplit: sheet.frozen.rows }] : [],
});

function writeSheet(wb: ExcelJSTypes.Workbook, sheet: LayoutSheet): void {
  const ws = wb.addWorksheet(sheet.name, sheetOptions(sheet));
  sheet.columns?.forEach((width, i) => (ws.getColumn(i + 1).width = width));
  for (const c of sheetCells(sheet)) {
    const cell = ws.getCell(c.address);
    cell.value = cellValue(c);
    const style = styleOf(c);
    if (style) cell.style = style;
  }
}

/** `Inputs!$B$5`, `'Epoch 1'!$B$5`, `Training!$B$3:$B$102`: a defined name must not move with the cell it is used from. */
const nameReference = (sheet: string, address: string): string => referenceText({ sheet, ...parseArea(address)! });

/**
 * exceljs keeps each defined name as a matrix of cells and, when it writes,
 * rebuilds every name's ranges from it (about 2 s for the 86,000 names of a
 * 1,000-epoch workbook). Every xlgrad name is one cell or one column whose
 * reference is known, so the writer gets the finished list, the shape its
 * `model` returns (both writers read `_definedNames.model`).
 */
function defineNames(wb: object, layout: WorkbookLayout): void {
  const names = Object.entries(layout.names).map(([name, { sheet, address }]) => ({ name, ranges: [nameReference(sheet, address)] }));
  (wb as { _definedNames: { model: typeof names } })._definedNames = { model: names };
}

/** How far a build has got: the layout, each sheet written, then the zip. */
export interface Progress {
  step: 'layout' | 'sheet' | 'zip';
  /** Steps finished out of `total`: 1 + sheets + 1. */
  done: number;
  total: number;
}

export interface WriteOptions {
  /** Write with exceljs's streaming writer (Node only). Default: when the layout has more than STREAM_CELLS cells and the streaming writer exists. */
  stream?: boolean;
  /** Called as each sheet has been written and before the zip is made; it changes nothing in the bytes. */
  onProgress?: (p: Progress) => void;
}

/** exceljs's in-memory model takes about 2 kB per cell: above this many, Node streams. */
export const STREAM_CELLS = 100_000;

function cellCount(layout: WorkbookLayout): number {
  return layout.sheets.reduce((n, s) => n + s.cells.length + (s.filled ?? []).reduce((m, f) => m + f.values.length, 0), 0);
}

export async function writeWorkbook(layout: WorkbookLayout, options: WriteOptions = {}): Promise<Uint8Array> {
  const ExcelJS = await excel();
  // The browser build of exceljs has no streaming writer.
  const canStream = (ExcelJS as { stream?: { xlsx?: { WorkbookWriter?: unknown } } }).stream?.xlsx?.WorkbookWriter !== undefined;
  if (options.stream && !canStream) throw new Error('writeWorkbook: this build of exceljs has no streaming writer');
  const stream = options.stream ?? (canStream && cellCount(layout) > STREAM_CELLS);
  const total = layout.sheets.length + 2;
  const report = (step: Progress['step'], done: number) => options.onProgress?.({ step, done, total });
  const sheetDone = (k: number) => report(k + 1 === layout.sheets.length ? 'zip' : 'sheet', k + 2);
  const bytes = stream ? await streamed(ExcelJS, layout, sheetDone) : await inMemory(ExcelJS, layout, sheetDone);
  // exceljs has no charts: the layout's are added to its package (chartParts.ts), then every entry is dated alike.
  return fixZipDates(await addCharts(bytes, layout));
}

type SheetDone = (index: number) => void;

async function inMemory(ExcelJS: ExcelJS, layout: WorkbookLayout, sheetDone: SheetDone): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'xlgrad';
  wb.lastModifiedBy = 'xlgrad';
  wb.created = DOCUMENT_DATE;
  wb.modified = DOCUMENT_DATE;
  // Every formula's cached result is xlgrad's float64 value; ask the opening app to recompute anyway.
  wb.calcProperties.fullCalcOnLoad = true;
  layout.sheets.forEach((sheet, k) => {
    writeSheet(wb, sheet);
    sheetDone(k);
  });
  defineNames(wb, layout);
  return new Uint8Array((await wb.xlsx.writeBuffer()) as ArrayBuffer);
}

/** What the streaming writer offers beyond its typings: its style table and, per sheet, the stream of the sheet's XML. */
interface Streaming {
  styles: { addStyleModel(style: Partial<ExcelJSTypes.Style>, cellType: number): number };
  stream: { read(): Uint8Array };
}

/** Deflate level of the streamed file: for a 10,000-step rows workbook, 3 takes half the time of zlib's default 6 for a file 8 % larger. */
const ZIP_LEVEL = 3;

/**
 * The streaming writer (Node). Its calcPr is fixed (no fullCalcOnLoad): the
 * cached results are the engine's float64 values, and Excel and LibreOffice
 * recalculate a file written by another application anyway.
 */
async function streamed(ExcelJS: ExcelJS, layout: WorkbookLayout, sheetDone: SheetDone): Promise<Uint8Array> {
  const options = { useStyles: true, useSharedStrings: true, created: DOCUMENT_DATE, modified: DOCUMENT_DATE, creator: 'xlgrad', lastModifiedBy: 'xlgrad', zip: { zlib: { level: ZIP_LEVEL } } };
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter(options as Partial<ExcelJSTypes.stream.xlsx.WorkbookStreamWriterOptions>);
  const ids = new Map<string, number>();
  const styleId = (style: CellStyle | undefined, numFmt: string | undefined) => {
    const key = `${style ?? ''}|${numFmt ?? ''}`;
    let id = ids.get(key);
    if (id === undefined) {
      const s = styleOf({ style, numFmt });
      ids.set(key, (id = s ? (wb as unknown as Streaming).styles.addStyleModel(s, ExcelJS.ValueType.Number) : 0));
    }
    return id;
  };
  layout.sheets.forEach((sheet, k) => {
    streamSheet(wb, sheet, styleId);
    sheetDone(k);
  });
  defineNames(wb, layout);
  await wb.commit();
  return new Uint8Array((wb as unknown as Streaming).stream.read());
}

/** `AB12` → { col: 27, row: 12 }: the layout's 0-based column (col 0 = A) and the row. */
function cellAt(address: string): { col: number; row: number } {
  const { row, column } = parseAddress(address)!;
  return { col: column - 1, row };
}


type StyleId = (style: CellStyle | undefined, numFmt: string | undefined) => number;

/**
 * One cell as the sheet XML (ECMA-376 Part 1, 18.3.1.4 c) writes it:
 * `<c r="B4" s="3"><f>B3 - lr*AV3</f><v>0.25</v></c>`. Text is an inline
 * string, a formula's text result `t="str"`, an error `t="e"`.
 */
function cellXml(c: LayoutCell, styleId: StyleId): string {
  const s = styleId(c.style, c.numFmt);
  const at = `<c r="${c.address}"${s ? ` s="${s}"` : ''}`;
  const v = cellValue(c);
  if (v === null) return s ? `${at}/>` : '';
  if (typeof v === 'number') return `${at}><v>${v}</v></c>`;
  if (typeof v === 'boolean') return `${at} t="b"><v>${v ? 1 : 0}</v></c>`;
  if (typeof v === 'string') return `${at} t="inlineStr"><is><t xml:space="preserve">${escapeXml(v)}</t></is></c>`;
  const { formula, result } = v as ExcelJSTypes.CellFormulaValue;
  const f = `<f>${escapeXml(formula)}</f>`;
  if (result === undefined) return `${at}>${f}</c>`;
  if (typeof result === 'number') return `${at}>${f}<v>${result}</v></c>`;
  if (typeof result === 'string') return `${at} t="str">${f}<v>${escapeXml(result)}</v></c>`;
  return `${at} t="e">${f}<v>${(result as ExcelJSTypes.CellErrorValue).error}</v></c>`;
}

/**
 * A filled column's cells as cellXml writes them, with everything but the row
 * number and the value prepared once: the column's letters, its style ids, its
 * formula's text escaped and its references' letters.
 */
function filledWriter(f: FilledColumn, styleId: StyleId): (row: number, rowText: (rows: number) => string) => string {
  const at = `<c r="${columnLetters(f.col + 1)}`;
  const finite = styleId(f.style, f.numFmt), error = styleId('error', f.numFmt);
  const open = `"${finite ? ` s="${finite}"` : ''}>`;
  const openError = `"${error ? ` s="${error}"` : ''} t="e">`;
  const text = f.formula?.text.map((t) => escapeXml(t)) ?? [];
  const refs = (f.formula?.refs ?? []).map((r) => ({ letters: columnLetters(r.col + 1), rows: r.rows }));
  const close = f.formula ? '</f><v>' : '<v>';
  return (row, rowText) => {
    const v = f.values[row - f.from]!;
    let xml = at + rowText(0) + (Number.isFinite(v) ? open : openError);
    if (f.formula) {
      xml += '<f>' + text[0];
      for (let j = 0; j < refs.length; j++) xml += refs[j]!.letters + rowText(refs[j]!.rows) + text[j + 1];
    }
    return xml + close + (Number.isFinite(v) ? v : '#NUM!') + '</v></c>';
  };
}

/** Sheet XML is handed to the zip stream in chunks of about this many characters. */
const CHUNK = 1 << 20;

/**
 * A sheet row by row. exceljs writes the sheet's first row (that opens the
 * sheet's data) and everything around the rows; every later row is written
 * here as XML, its cells in column order.
 */
function streamSheet(wb: ExcelJSTypes.stream.xlsx.WorkbookWriter, sheet: LayoutSheet, styleId: StyleId): void {
  const ws = wb.addWorksheet(sheet.name, sheetOptions(sheet));
  if (sheet.columns) ws.columns = sheet.columns.map((width) => ({ width }));
  const byRow = new Map<number, { col: number; cell: LayoutCell }[]>();
  for (const cell of sheet.cells) {
    const { col, row } = cellAt(cell.address);
    (byRow.get(row) ?? byRow.set(row, []).get(row)!).push({ col, cell });
  }
  const filled = [...(sheet.filled ?? [])].sort((a, b) => a.col - b.col).map((f) => ({ f, write: filledWriter(f, styleId) }));
  const last = Math.max(0, ...byRow.keys(), ...filled.map(({ f }) => f.from + f.values.length - 1));
  const out = (ws as unknown as { stream: { write(s: string): void } }).stream;
  let started = false;
  let chunk = '';
  // A row's number and its neighbours', as text, made once per row rather than once per reference.
  let here = '', above = '', r = 0;
  const rowText = (rows: number) => (rows === 0 ? here : rows === -1 ? above : String(r + rows));
  for (r = 1; r <= last; r++) {
    above = here;
    here = String(r);
    const cells = byRow.get(r);
    if (!started) {
      // exceljs writes the first row (that opens the sheet's data), through its own cell model.
      const inRow = filled.filter(({ f }) => r >= f.from && r < f.from + f.values.length).map(({ f }) => filledCell(f, r));
      if (!cells && !inRow.length) continue;
      const row = ws.getRow(r);
      for (const c of [...(cells ?? []).map((x) => x.cell), ...inRow]) {
        const cell = row.getCell(cellAt(c.address).col + 1);
        cell.value = cellValue(c);
        const style = styleOf(c);
        if (style) cell.style = style;
      }
      row.commit();
      started = true;
      continue;
    }
    let xml = '';
    if (!cells) {
      for (const { f, write } of filled) if (r >= f.from && r < f.from + f.values.length) xml += write(r, rowText);
    } else {
      const all = cells.map((x) => ({ col: x.col, xml: cellXml(x.cell, styleId) }));
      for (const { f, write } of filled) if (r >= f.from && r < f.from + f.values.length) all.push({ col: f.col, xml: write(r, rowText) });
      for (const x of all.sort((a, b) => a.col - b.col)) xml += x.xml;
    }
    if (xml === '') continue;
    chunk += `<row r="${here}">${xml}</row>`;
    if (chunk.length > CHUNK) {
      out.write(chunk);
      chunk = '';
    }
  }
  if (chunk) out.write(chunk);
  ws.commit();
}
