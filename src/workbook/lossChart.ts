// The loss over the optimizer steps as a chart on the Inputs sheet, from D4,
// beside the learning rate: the chart reads the workbook's own loss cells, so changing lr
// (or x, y, an initial parameter) recalculates every step and redraws it.
//
// The rows layout has the loss as a column already (L_col, one row per step,
// the step numbers in column A). The sheets layout has one loss cell per step
// sheet (L_e1, L_e2, …): a table on the Inputs sheet gathers them, a step
// number and a plain reference to each step's L per row, named L_steps.

import { LOSS } from '../names.ts';
import { parseArea } from '../spreadsheet/address.ts';
import { addressAt, resultOf, SheetBuilder, VALUE_FORMAT, type LayoutChart, type LayoutSheet, type WorkbookLayout } from './layout.ts';
import { columnRangeName, stepName } from './names.ts';
import type { Plan } from './plan.ts';
import type { WorkbookRun } from './runWorkbook.ts';

/** The sheets layout's column of every step's loss on the Inputs sheet. */
export const LOSS_STEPS = 'L_steps';
/** The chart's top-left cell: column D, row 4, beside the settings and lr and below the frozen header row 3. */
const CHART_COL = 3;
const HEADER_ROW = 3;
/** Columns and rows the chart covers. */
const SIZE = { cols: 8, rows: 20 };
/** The sheets layout's table, right of the chart: step numbers in column M, the losses in N, under a header on row 3. */
const TABLE_COL = CHART_COL + SIZE.cols + 1;
/** The width of the columns under the chart that the Inputs sheet leaves unset (exceljs writes no holes). */
const DEFAULT_WIDTH = 9;

/** Full-batch runs take one step per epoch, and their steps are called epochs. */
const unitOf = (plan: Plan) => (plan.batches === 1 ? 'epoch' : 'step');

function chart(plan: Plan, x: LayoutChart['x'], y: LayoutChart['y']): LayoutChart {
  const unit = unitOf(plan);
  return { title: `Loss L at each ${unit}`, xTitle: unit, yTitle: LOSS, x, y, at: { col: CHART_COL, row: HEADER_ROW + 1, ...SIZE } };
}

/**
 * The rows layout's chart, on `inputs`: the Training sheet's step column
 * (`steps`, e.g. `A3:A102`) against its L_col. Nothing without steps.
 */
export function rowsLossChart(plan: Plan, inputs: LayoutSheet, names: WorkbookLayout['names'], training: string, steps: number): void {
  const y = names[columnRangeName(LOSS)];
  if (steps === 0 || !y) return;
  const from = parseArea(y.address)!.from.row;
  const x = { sheet: training, address: `${addressAt(0, from)}:${addressAt(0, from + steps - 1)}` };
  (inputs.charts ??= []).push(chart(plan, x, y));
}

/**
 * The sheets layout's table of losses on `inputs` (step, and a reference to
 * that step sheet's L), named L_steps, right of its chart. Nothing without
 * steps.
 */
export function sheetsLossChart(plan: Plan, run: WorkbookRun, inputs: LayoutSheet, names: WorkbookLayout['names']): void {
  const steps = run.steps.length;
  if (steps === 0) return;
  const s = new SheetBuilder(inputs.name, names);
  s.text(TABLE_COL, HEADER_ROW, unitOf(plan), 'header');
  s.text(TABLE_COL + 1, HEADER_ROW, LOSS, 'header');
  for (const step of run.steps) {
    const row = HEADER_ROW + step.step;
    s.put(TABLE_COL, row, { value: step.step, style: 'label' });
    s.put(TABLE_COL + 1, row, { formula: stepName(LOSS, step.step, plan.batches), result: resultOf(step.values[step.plan.loss]!), style: 'value', numFmt: VALUE_FORMAT });
  }
  const range = (col: number) => `${addressAt(col, HEADER_ROW + 1)}:${addressAt(col, HEADER_ROW + steps)}`;
  if (names[LOSS_STEPS]) throw new Error(`layout: name ${LOSS_STEPS} is defined twice`);
  names[LOSS_STEPS] = { sheet: inputs.name, address: range(TABLE_COL + 1) };
  inputs.cells.push(...s.cells);
  const widths = inputs.columns ?? [];
  inputs.columns = [...Array.from({ length: TABLE_COL }, (_, i) => widths[i] ?? DEFAULT_WIDTH), 8, 20];
  (inputs.charts ??= []).push(chart(plan, { sheet: inputs.name, address: range(TABLE_COL) }, names[LOSS_STEPS]));
}

/** Cells and rows the sheets layout's table adds to the Inputs sheet, for layout.ts's count: a header and two cells per step. */
export const lossTableSize = (steps: number): { cells: number; rows: number } => ({ cells: steps ? 2 + 2 * steps : 0, rows: HEADER_ROW + steps });
