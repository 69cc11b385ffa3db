// A workbook as the checker sees it: every sheet's cells after recalculation
// (value, or text, or error, plus the formula that produced it) and the defined
// names. The LibreOffice bridge, the in-browser formula engine and the cached
// values read with exceljs all produce this shape.

export interface BookCell {
  /** 'value' (a number), 'text', 'error', 'empty', … as the reader reports it. */
  type: string;
  value?: unknown;
  text?: string;
  /** The formula as written in the cell, with its leading `=`. */
  formula?: string;
  /** The error code shown in the cell, e.g. `#REF!` or `Err:522`. */
  error?: string;
}

export interface BookSheet {
  name: string;
  cells: Record<string, BookCell>;
}

export interface DefinedName {
  /** `Sheet1!$B$3` or similar, as stored. */
  ref?: string;
  sheet?: string;
  cell?: string;
}

export interface Book {
  sheets: BookSheet[];
  names: Record<string, DefinedName>;
  /** What reading the file changed or left out (document properties, numbers stored as text). */
  notes?: string[];
}

/** The number a cell shows, or undefined if it shows anything else. */
export function numberOf(cell: BookCell | undefined): number | undefined {
  if (!cell || cell.type === 'error' || cell.type === 'text') return undefined;
  return typeof cell.value === 'number' ? cell.value : undefined;
}

/** The text a cell shows, or undefined. */
export function textOf(cell: BookCell | undefined): string | undefined {
  if (!cell || cell.type === 'error') return undefined;
  if (typeof cell.text === 'string' && cell.type === 'text') return cell.text;
  return typeof cell.value === 'string' ? cell.value : undefined;
}

export function isEmpty(cell: BookCell | undefined): boolean {
  return !cell || cell.type === 'empty' || (cell.value === undefined && cell.text === undefined && cell.formula === undefined && cell.error === undefined) || (cell.type === 'text' && (textOf(cell) ?? '').trim() === '');
}
