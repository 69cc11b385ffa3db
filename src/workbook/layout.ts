// The workbook as plain data: every sheet and every cell, before any file
// format. `layoutWorkbook(config)` is pure (no exceljs, no Node APIs), so the
// same description is written to .xlsx by writeWorkbook, evaluated in the
// browser by an independent formula engine, and read by checkers.
//
// The interface (kept stable on purpose):
//   WorkbookLayout = { sheets: LayoutSheet[]; names: { [name]: { sheet, address } } }
//                      (address: a cell `B3`, or for a column name a range `B3:B102`)
//   LayoutSheet    = { name, cells: LayoutCell[], filled?: FilledColumn[],
//                      columns?: widths (A, B, …), frozen?: { rows, cols }, hidden?,
//                      charts?: LayoutChart[] (the loss over the steps, drawn from its cells) }
//   LayoutCell     = { address: 'B3',
//                      value?:   number | string | boolean   (a constant; strings are always text),
//                      formula?: string     (no leading '='; references are defined names or
//                                            same-sheet addresses),
//                      result?:  number | string | { error }  (the formula's cached value: the
//                                            engine's float64 number; never NaN or ±Infinity),
//                      name?:    string     (the workbook-level defined name of this cell),
//                      style?:   CellStyle, numFmt?: string }
//   FilledColumn   = one formula filled down a column, row after row (the rows
//                      layout's thousands of steps, kept compact); sheetCells(sheet)
//                      gives its cells as LayoutCells.
// Names follow ./names.ts (w1_e1, z3_e1, dL_dw8_e1, w1_final, x_1, lr, L_col, …).
//
// Two layouts of the same run. `sheets`: Inputs (settings, data, initial
// parameters), one sheet per optimizer step (forward pass of each sample,
// backward pass, optimizer state and update, and the numeric derivative table), Comparison (the article's Figure 12), and a hidden
// config sheet. `rows`: Inputs, one Training sheet with a row per optimizer step
// (rowsSheet.ts), Comparison when a PyTorch recording of the run exists, and the
// config sheet. A run too big for either is refused, with one line, before
// anything is laid out.

import type { Config } from '../config.ts';
import { findFixture } from '../fixtures.ts';
import { comparisonSheet } from './comparisonSheet.ts';
import { configSheet, inputsSheet } from './inputsSheet.ts';
import { epochShape, epochSheet, numericCellsPerEpoch, updateRows, type EpochShape } from './epochSheet.ts';
import { finalName, stepName } from './names.ts';
import { planWorkbook, type BatchPlan, type Plan } from './plan.ts';
import { batchesOf } from '../train.ts';
import { rowsColumns, rowsSheet, trainingRef, TRAINING } from './rowsSheet.ts';
import { lossTableSize, rowsLossChart, sheetsLossChart } from './lossChart.ts';
import { runWorkbook } from './runWorkbook.ts';
import { MAX_CELLS, MAX_ROWS_CELLS } from '../limits.ts';
import { cellAddress } from '../spreadsheet/address.ts';

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

/**
 * Cells from row `from` down, one per value: a formula filled down the column,
 * each row's references moving with it as a spreadsheet's fill-down moves them,
 * or (without `formula`) constants. Row r's formula is
 * text[0] + ref(0) + text[1] + … + text[n], where ref(i) is column refs[i].col
 * at row r + refs[i].rows.
 */
export interface FilledColumn {
  /** 0 = A. */
  col: number;
  from: number;
  formula?: { text: string[]; refs: { col: number; rows: number }[] };
  /** Each row's cached result (the engine's float64 value), or its constant. NaN and ±Infinity are written as #NUM! in the 'error' style. */
  values: Float64Array;
  style?: CellStyle;
  numFmt?: string;
}

export interface LayoutSheet {
  name: string;
  cells: LayoutCell[];
  /** Columns of repeated formulas, beside `cells` (never at the same address). */
  filled?: FilledColumn[];
  /** Column widths in characters, from column A. */
  columns?: number[];
  frozen?: { rows: number; cols: number };
  hidden?: boolean;
  /** Charts drawn over the sheet from cells of the workbook (chartParts.ts writes them). */
  charts?: LayoutChart[];
}

/**
 * A line through the points (x, y) of two columns of cells, which the opening
 * program draws from the cells themselves: change an input and it redraws.
 */
export interface LayoutChart {
  title: string;
  xTitle: string;
  yTitle: string;
  /** The x values and the y values: ranges of one column, `A3:A102` on `sheet`, of the same length. */
  x: { sheet: string; address: string };
  y: { sheet: string; address: string };
  /** Where it is drawn: its top-left cell (col 0 = A, row 1-based) and its size in columns and rows. */
  at: { col: number; row: number; cols: number; rows: number };
}

export interface WorkbookLayout {
  sheets: LayoutSheet[];
  names: Record<string, { sheet: string; address: string }>;
}

export type LayoutKind = 'sheets' | 'rows';

export interface LayoutOptions {
  /** One sheet per epoch, or one row per optimizer step; default: `sheets` up to ROWS_ABOVE_STEPS steps, `rows` above. */
  layout?: LayoutKind;
  /**
   * The numeric-derivative table (a forward pass per parameter at θ ± h).
   * 'auto' (default) includes it when it needs at most NUMERIC_CELL_LIMIT cells per epoch.
   * The sheets layout only: the rows layout has no numeric table.
   */
  numeric?: boolean | 'auto';
}

/** Per epoch, the numeric table costs parameters × 2 × forward cells. */
export const NUMERIC_CELL_LIMIT = 20_000;
export { MAX_CELLS, MAX_ROWS_CELLS };
/** Excel's sheet size. */
export const MAX_ROWS = 1_048_576;
export const MAX_COLUMNS = 16_384;

/** A run too big to write as a workbook: a user-facing one-line message. */
export class WorkbookTooLarge extends Error {
  override name = 'WorkbookTooLarge';
  readonly userFacing = true;
}

/** Runs longer than this many optimizer steps are laid out as rows by default. */
export const ROWS_ABOVE_STEPS = 50;


/** Optimizer steps of a run: epochs × batches per epoch. */
export function stepsOf(config: Config): number {
  return config.epochs * Math.ceil(config.x.length / config.batchSize);
}

/** The layout a run gets when none is asked for. */
export function defaultLayout(config: Config): LayoutKind {
  return stepsOf(config) > ROWS_ABOVE_STEPS ? 'rows' : 'sheets';
}

/** A run's plan, its size checked: what layoutPlanned lays out. */
export interface PlannedLayout {
  plan: Plan;
  rows: boolean;
  /** Sheets layout: with the numeric table, and its cells per step. */
  numeric: boolean;
  numericCells: number;
}

/**
 * The plan of `config`'s workbook, refused with one line (WorkbookTooLarge)
 * when the workbook would pass Excel's limits or this program's: the check the
 * export command makes before it says it is laying anything out.
 */
export function planLayout(config: Config, options: LayoutOptions = {}): PlannedLayout {
  const rows = (options.layout ?? defaultLayout(config)) === 'rows';
  const plan = planWorkbook(config, undefined, rows ? 'addresses' : 'names');
  if (rows) {
    checkRowsSize(plan);
    return { plan, rows, numeric: false, numericCells: 0 };
  }
  const sizes = batchSizes(config);
  const numericCells = Math.max(...sizes.map((n) => numericCellsPerEpoch(plan.batch(n))));
  const numeric = options.numeric === true || ((options.numeric ?? 'auto') === 'auto' && numericCells <= NUMERIC_CELL_LIMIT);
  checkSize(plan, numeric);
  return { plan, rows, numeric, numericCells };
}

/** The workbook of a checked plan. */
export function layoutPlanned(p: PlannedLayout): WorkbookLayout {
  return p.rows ? rowsLayout(p.plan) : sheetsLayout(p);
}

export function layoutWorkbook(config: Config, options: LayoutOptions = {}): WorkbookLayout {
  return layoutPlanned(planLayout(config, options));
}

/** The batch sizes of a run's steps, in order: every step of an epoch is a full batch but the last, partial one. */
function batchSizes(config: Config): number[] {
  return batchesOf(config.x.length, config.batchSize).map((b) => b.length);
}

function sheetsLayout({ plan, numeric, numericCells }: PlannedLayout): WorkbookLayout {
  const { config } = plan;
  const run = runWorkbook(plan);
  const layout: WorkbookLayout = { sheets: [], names: {} };
  const inputs = inputsSheet(plan, run, layout.names, 'sheets');
  sheetsLossChart(plan, run, inputs, layout.names);
  layout.sheets.push(inputs);
  const shapes = new Map<BatchPlan, EpochShape>();
  for (const step of run.steps) {
    const shape = shapes.get(step.plan) ?? shapes.set(step.plan, epochShape(step.plan)).get(step.plan)!;
    layout.sheets.push(epochSheet(plan, shape, run, step.step, { numeric, numericCells }, layout.names));
  }
  layout.sheets.push(comparisonSheet(plan, run, layout.names, (q, t) => (t === undefined ? finalName(q) : stepName(q, t, plan.batches))));
  layout.sheets.push(configSheet(config, layout.names));
  return layout;
}

function rowsLayout(plan: Plan): WorkbookLayout {
  const { config } = plan;
  const run = runWorkbook(plan);
  const layout: WorkbookLayout = { sheets: [], names: {} };
  const inputs = inputsSheet(plan, run, layout.names, 'rows');
  layout.sheets.push(inputs);
  layout.sheets.push(rowsSheet(plan, run, layout.names));
  rowsLossChart(plan, inputs, layout.names, TRAINING, run.steps.length);
  // Against the engine's own float64 run the comparison would only repeat verify; against PyTorch it is the point.
  if (findFixture(config)) layout.sheets.push(comparisonSheet(plan, run, layout.names, trainingRef(plan)));
  layout.sheets.push(configSheet(config, layout.names));
  return layout;
}

/**
 * The most cells a sheets-layout workbook of `plan` writes, counted from the
 * plan as the sheets write them: per step sheet its headings, four cells per
 * forward or backward cell (label, formula, maths, note), three per update
 * row and the numeric table; the Inputs sheet and its table of losses; the Comparison sheet's eight
 * cells per row; and the config sheet.
 */
export function sheetsCellCount(plan: Plan, numeric: boolean): { cells: number; rows: number; columns: number } {
  const { config, net } = plan;
  const sizes = batchSizes(config);
  const P = net.params.length;
  const update = 3 * updateRows(plan);
  let cells = 0, rows = 0, columns = 10;
  for (const n of sizes) {
    const bp = plan.batch(n);
    const graph = bp.forward.length + bp.backward.length;
    const table = numeric ? 7 + 2 * bp.forward.length + P * (5 + 2 * bp.forward.length) : 2;
    cells += config.epochs * (12 + 4 * graph + update + table);
    rows = Math.max(rows, 10 + graph + updateRows(plan), 3 + P);
    columns = Math.max(columns, 10 + (numeric ? 2 * bp.forward.length : 0));
  }
  const steps = config.epochs * sizes.length;
  const data = config.x.length * (config.layers[0]! + config.layers.at(-1)!);
  const comparison = 8 * (steps * (1 + 2 * P) + P) + 20;
  const losses = lossTableSize(steps);
  cells += 40 + 3 * (data + 2) + 4 * P + losses.cells + comparison + 2 + Math.ceil(JSON.stringify(config).length / 30_000);
  rows = Math.max(rows, 30 + data + P, losses.rows, 6 + steps * (1 + 2 * P) + P);
  return { cells, rows, columns };
}

function checkSize(plan: Plan, numeric: boolean): void {
  const { cells, rows, columns } = sheetsCellCount(plan, numeric);
  const steps = stepsOf(plan.config);
  const what = `${plan.net.params.length.toLocaleString('en-US')} parameters × ${steps.toLocaleString('en-US')} steps`;
  if (cells > MAX_CELLS) {
    throw new WorkbookTooLarge(`workbook: ${what} need up to ${cells.toLocaleString('en-US')} cells in the sheets layout; at most ${MAX_CELLS.toLocaleString('en-US')} are written (use --layout rows, fewer epochs or a smaller network)`);
  }
  if (rows > MAX_ROWS) {
    throw new WorkbookTooLarge(`workbook: ${what} need ${rows.toLocaleString('en-US')} rows on one sheet, more than Excel's ${MAX_ROWS.toLocaleString('en-US')} (use fewer epochs or a smaller network)`);
  }
  if (columns > MAX_COLUMNS) {
    throw new WorkbookTooLarge(`workbook: ${what} need ${columns.toLocaleString('en-US')} columns on a step sheet, more than Excel's ${MAX_COLUMNS.toLocaleString('en-US')} (leave out the numeric table or use a smaller network)`);
  }
}

/** The rows layout's size, counted from the plan: a column per quantity and helper, a row per step. */
function checkRowsSize(plan: Plan): void {
  const steps = stepsOf(plan.config);
  const columns = rowsColumns(plan);
  const what = `${plan.net.params.length.toLocaleString('en-US')} parameters × ${steps.toLocaleString('en-US')} steps`;
  if (columns > MAX_COLUMNS) {
    throw new WorkbookTooLarge(`workbook: the rows layout of ${what} needs ${columns.toLocaleString('en-US')} columns, more than Excel's ${MAX_COLUMNS.toLocaleString('en-US')} (use --layout sheets or a smaller network)`);
  }
  if (steps + 3 > MAX_ROWS) {
    throw new WorkbookTooLarge(`workbook: the rows layout of ${what} needs ${(steps + 3).toLocaleString('en-US')} rows, more than Excel's ${MAX_ROWS.toLocaleString('en-US')} (use fewer epochs)`);
  }
  if (steps * columns > MAX_ROWS_CELLS) {
    throw new WorkbookTooLarge(`workbook: the rows layout of ${what} needs ${(steps * columns).toLocaleString('en-US')} cells; at most ${MAX_ROWS_CELLS.toLocaleString('en-US')} are written (use fewer epochs or a smaller network)`);
  }
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
    const address = addressAt(col, row);
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

/** The address of the layout's column `col` (0 = A) in row `row` (1-based). */
export const addressAt = (col: number, row: number): string => cellAddress(row, col + 1);

/** Row `row`'s formula of a filled column. */
export function filledFormula(f: FilledColumn, row: number): string {
  const { text, refs } = f.formula!;
  let s = text[0]!;
  for (let i = 0; i < refs.length; i++) s += addressAt(refs[i]!.col, row + refs[i]!.rows) + text[i + 1]!;
  return s;
}

/** Row `row` of a filled column as a LayoutCell. */
export function filledCell(f: FilledColumn, row: number): LayoutCell {
  const v = f.values[row - f.from]!;
  const address = addressAt(f.col, row);
  const style = Number.isFinite(v) ? f.style : 'error';
  const look = { ...(style ? { style } : {}), ...(f.numFmt ? { numFmt: f.numFmt } : {}) };
  return f.formula ? { address, formula: filledFormula(f, row), result: resultOf(v), ...look } : { address, value: v, ...look };
}

/** A filled column's cells, one LayoutCell per row. */
export function filledCells(f: FilledColumn): LayoutCell[] {
  return Array.from(f.values, (_, i) => filledCell(f, f.from + i));
}

/** Every cell of a sheet, its filled columns' included. */
export function sheetCells(sheet: LayoutSheet): LayoutCell[] {
  return sheet.filled?.length ? [...sheet.cells, ...sheet.filled.flatMap(filledCells)] : sheet.cells;
}

/** How many formula cells the workbook has. */
export function formulaCount(layout: WorkbookLayout): number {
  let n = 0;
  for (const s of layout.sheets) {
    for (const c of s.cells) if (c.formula !== undefined) n++;
    for (const f of s.filled ?? []) if (f.formula) n += f.values.length;
  }
  return n;
}

export const VALUE_FORMAT = '0.000000000000000';
export const DIFF_FORMAT = '0.00E+00';

/** A formula's cached result: the number, or an error for NaN/±Infinity (they would corrupt the file). */
export function resultOf(v: number): number | { error: string } {
  return Number.isFinite(v) ? v : { error: '#NUM!' };
}
