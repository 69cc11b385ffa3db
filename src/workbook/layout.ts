// The workbook as plain data: every sheet and every cell, before any file
// format. `layoutWorkbook(config)` is pure (no exceljs, no Node APIs), so the
// same description is written to .xlsx by writeWorkbook, evaluated in the
// browser by an independent formula engine, and read by checkers.
//
// The interface (kept stable on purpose):
//   WorkbookLayout = { sheets: LayoutSheet[]; names: { [name]: { sheet, address } } }
//   LayoutSheet    = { name, cells: LayoutCell[], columns?: widths (A, B, …),
//                      frozen?: { rows, cols }, hidden? }
//   LayoutCell     = { address: 'B3',
//                      value?:   number | string | boolean   (a constant; strings are always text),
//                      formula?: string     (no leading '='; references are defined names or
//                                            same-sheet addresses),
//                      result?:  number | string | { error }  (the formula's cached value: the
//                                            engine's float64 number; never NaN or ±Infinity),
//                      name?:    string     (the workbook-level defined name of this cell),
//                      style?:   CellStyle, numFmt?: string }
// Names follow ./names.ts (w1_e1, z3_e1, dL_dw8_e1, w1_final, x_1, lr, …).
//
// Sheets: Inputs (settings, data, initial parameters), one sheet per epoch
// (forward pass, backward pass, update, and the numeric derivative table),
// Comparison (the article's Figure 12), and a hidden config sheet. A config
// a workbook cannot show (supported.ts) is refused before anything is built.

import type { Config } from '../config.ts';
import { comparisonSheet } from './comparisonSheet.ts';
import { configSheet, inputsSheet } from './inputsSheet.ts';
import { epochShape, epochSheet, numericCellsPerEpoch } from './epochSheet.ts';
import { planWorkbook } from './plan.ts';
import { runWorkbook } from './runWorkbook.ts';

export type CellStyle =
  | 'title' | 'note' | 'header' | 'section' | 'label' | 'text' | 'value' | 'param'
  | 'helper' | 'nonzero' | 'dead' | 'pass' | 'fail' | 'error';

export interface LayoutCell {
  address: string;
  value?: number | string | boolean;
  formula?: string;
  result?: number | string | { error: string };
  name?: string;
  style?: CellStyle;
  numFmt?: string;
}

export interface LayoutSheet {
  name: string;
  cells: LayoutCell[];
  /** Column widths in characters, from column A. */
  columns?: number[];
  frozen?: { rows: number; cols: number };
  hidden?: boolean;
}

export interface WorkbookLayout {
  sheets: LayoutSheet[];
  names: Record<string, { sheet: string; address: string }>;
}

export interface LayoutOptions {
  /**
   * The numeric-derivative table (a forward pass per parameter at θ ± h).
   * 'auto' (default) includes it when it needs at most NUMERIC_CELL_LIMIT cells per epoch.
   */
  numeric?: boolean | 'auto';
}

/** Per epoch, the numeric table costs parameters × 2 × forward cells. */
export const NUMERIC_CELL_LIMIT = 20_000;
/** A bigger workbook is refused: exceljs needs about 1.5 kB of memory per cell (1 GB peak at 718,000 cells). */
export const MAX_CELLS = 2_000_000;
/** Excel's sheet size. */
export const MAX_ROWS = 1_048_576;
export const MAX_COLUMNS = 16_384;

/** A run too big to write as a workbook: a user-facing one-line message. */
export class WorkbookTooLarge extends Error {
  override name = 'WorkbookTooLarge';
  readonly userFacing = true;
}

export function layoutWorkbook(config: Config, options: LayoutOptions = {}): WorkbookLayout {
  const plan = planWorkbook(config);
  const perEpoch = numericCellsPerEpoch(plan);
  const numeric = options.numeric === true || ((options.numeric ?? 'auto') === 'auto' && perEpoch <= NUMERIC_CELL_LIMIT);
  checkSize(plan.net.params.length, plan.forward.length + plan.backward.length, numeric ? perEpoch : 0, config.epochs);
  const run = runWorkbook(plan);
  const layout: WorkbookLayout = { sheets: [], names: {} };
  layout.sheets.push(inputsSheet(plan, run, layout.names));
  const shape = config.epochs > 0 ? epochShape(plan) : undefined;
  for (let k = 1; k <= config.epochs; k++) {
    layout.sheets.push(epochSheet(plan, shape!, run, k, { numeric, numericCells: perEpoch }, layout.names));
  }
  layout.sheets.push(comparisonSheet(plan, run, layout.names));
  layout.sheets.push(configSheet(config, layout.names));
  return layout;
}

function checkSize(params: number, graphCells: number, numericCells: number, epochs: number): void {
  const perEpoch = 3 * (graphCells + params) + numericCells;
  const cells = epochs * (perEpoch + 7 * (2 * params + 1)) + 4 * params;
  const what = `${params.toLocaleString('en-US')} parameters × ${epochs.toLocaleString('en-US')} epochs`;
  if (cells > MAX_CELLS) {
    throw new WorkbookTooLarge(`workbook: ${what} need about ${cells.toLocaleString('en-US')} cells; at most ${MAX_CELLS.toLocaleString('en-US')} are written (use fewer epochs or a smaller network)`);
  }
  if (epochs * (2 * params + 1) + params + 10 > MAX_ROWS || graphCells + params + 20 > MAX_ROWS) {
    throw new WorkbookTooLarge(`workbook: ${what} need more than Excel's ${MAX_ROWS.toLocaleString('en-US')} rows per sheet (use fewer epochs or a smaller network)`);
  }
}

/** `n` → column letters: 0 → A, 25 → Z, 26 → AA. */
export function columnName(n: number): string {
  let s = '';
  for (n += 1; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** Collects one sheet's cells and registers their defined names. */
export class SheetBuilder {
  readonly cells: LayoutCell[] = [];
  constructor(
    readonly name: string,
    private readonly names: WorkbookLayout['names'],
  ) {}

  /** Puts a cell at column `col` (0 = A), row `row` (1-based); returns its address. */
  put(col: number, row: number, cell: Omit<LayoutCell, 'address'>): string {
    const address = columnName(col) + row;
    (cell as LayoutCell).address = address;
    this.cells.push(cell as LayoutCell);
    if (cell.name !== undefined) {
      if (this.names[cell.name]) throw new Error(`layout: name ${cell.name} is defined twice`);
      this.names[cell.name] = { sheet: this.name, address };
    }
    return address;
  }

  text(col: number, row: number, value: string, style: CellStyle = 'text'): string {
    return this.put(col, row, { value, style });
  }
}

export const VALUE_FORMAT = '0.000000000000000';
export const DIFF_FORMAT = '0.00E+00';

/** A formula's cached result: the number, or an error for NaN/±Infinity (they would corrupt the file). */
export function resultOf(v: number): number | { error: string } {
  return Number.isFinite(v) ? v : { error: '#NUM!' };
}
