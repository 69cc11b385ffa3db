// The rows layout's Training sheet: one row per optimizer step, like the
// course spreadsheets people build by hand. Row 1 names each column's
// quantity, row 2 shows its formula as maths, and each step's row holds the
// parameters entering the step, the forward pass ending with the loss L, and
// the backward pass. A parameter's cell is the SGD update of the row above
// (step 1's reads the Inputs sheet), so the row after the last step holds the
// final parameters.
//
//        A      B                  …   O                  …   AV
//   1    step   w1                     z1                     dL_dw1
//   2    maths  w1 - lr * dL_dw1       w1 * x1 + b1           dL_dz1 * x1
//   3    1      =w1_init               =B3*x_1 + J3           =AT3*x_1
//   4    2      =B3 - lr*AV3           =B4*x_1 + J4           =AT4*x_1
//   (the article's net)
//
// Every formula is `print` of a plan graph, once per column, with each
// reference written relative to the row (this row, or the row above); a row's
// text is that formula with its row numbers filled in, which is what filling a
// formula down a spreadsheet column does (FilledColumn in layout.ts).

import type { Node } from '../graph.ts';
import { print } from '../print.ts';
import { cellLabels } from './epochSheet.ts';
import { columnLetters, quoteSheet } from '../spreadsheet/address.ts';
import { addressAt, resultOf, SheetBuilder, VALUE_FORMAT, type FilledColumn, type LayoutSheet, type WorkbookLayout } from './layout.ts';
import { columnRangeName, finalName, initName, inputName, LR } from './names.ts';
import { updateText, type Plan } from './plan.ts';
import type { WorkbookRun } from './runWorkbook.ts';

export const TRAINING = 'Training';
const NAMES_ROW = 1;
const MATHS_ROW = 2;
/** Step k is on row FIRST_ROW + k − 1. */
const FIRST_ROW = 3;

/** Where each quantity is: column A the step, then the parameters, the forward cells and the backward cells (helpers included). */
interface Columns {
  param: Map<string, number>;
  /** Split-graph id of a forward or backward cell → its column. */
  cell: Map<number, number>;
}

function columnsOf(plan: Plan): Columns {
  const param = new Map(plan.net.params.map((p, i) => [p, 1 + i]));
  const cell = new Map([...plan.forward, ...plan.backward].map((id, i) => [id, 1 + param.size + i]));
  return { param, cell };
}

/** How many columns the Training sheet has. */
export function rowsColumns(plan: Plan): number {
  return 1 + plan.net.params.length + plan.forward.length + plan.backward.length;
}

/** A reference relative to the row: a column and a row offset (0 this row, −1 the row above); or a defined name. */
type Ref = { col: number; rows: number } | string;

/** Prints one definition with relative references: the formula every row of its column repeats. */
function filledFormula(g: Plan['split']['graph'], id: number, ref: (n: Node) => Ref): FilledColumn['formula'] {
  const refs: { col: number; rows: number }[] = [];
  // Each relative reference prints as a marker holding its index; the text between markers stays as printed.
  const printed = print(g, id, {
    style: 'formula',
    ref: (n) => {
      const r = ref(n);
      if (typeof r === 'string') return r;
      refs.push(r);
      return `\u0000${refs.length - 1}\u0001`;
    },
  });
  const parts = printed.split(/\u0000(\d+)\u0001/);
  const text = parts.filter((_, i) => i % 2 === 0);
  const order = parts.filter((_, i) => i % 2 === 1).map(Number);
  return { text, refs: order.map((i) => refs[i]!) };
}

/** The column of split-graph cell `id`, and how it is referenced from its own row. */
function cellRef(plan: Plan, cols: Columns) {
  return (n: Node): Ref => {
    if (n.op === 'input') return inputName(n.name!);
    const col = n.op === 'param' ? cols.param.get(n.name!) : cols.cell.get(n.id);
    if (col === undefined) throw new Error(`rowsSheet: ${n.name ?? n.id} has no column`);
    return { col, rows: 0 };
  };
}

function headers(s: SheetBuilder, plan: Plan, cols: Columns): void {
  const g = plan.split.graph;
  const { net } = plan;
  const label = cellLabels(plan);
  s.text(0, NAMES_ROW, 'step', 'header');
  s.text(0, MATHS_ROW, 'maths', 'header');
  for (const p of net.params) {
    const c = cols.param.get(p)!;
    s.text(c, NAMES_ROW, p, 'header');
    // The update of the row above; step 1 reads the initial value on the Inputs sheet.
    s.text(c, MATHS_ROW, updateText(plan, p), 'note');
  }
  const textRef = (n: Node) => (plan.split.helpers.has(n.id) ? columnLetters(cols.cell.get(n.id)! + 1) : n.name!);
  for (const [id, c] of cols.cell) {
    s.text(c, NAMES_ROW, label.get(id)!, plan.split.helpers.has(id) ? 'helper' : 'header');
    s.text(c, MATHS_ROW, print(g, id, { style: 'text', ref: textRef }), 'note');
  }
}

/** Step numbers 1 … steps in column A, then `final`. */
function stepColumn(s: SheetBuilder, steps: number): FilledColumn {
  s.text(0, FIRST_ROW + steps, 'final', 'label');
  return { col: 0, from: FIRST_ROW, values: Float64Array.from({ length: steps }, (_, i) => i + 1), style: 'label' };
}

/**
 * A parameter's column: step 1 reads its initial value on the Inputs sheet;
 * every later row, and the final row after the last step, is the SGD update
 * θ − lr·∂L/∂θ of the row above.
 */
function paramColumn(s: SheetBuilder, plan: Plan, run: WorkbookRun, cols: Columns, p: string): FilledColumn | undefined {
  const { update, split, net } = plan;
  const steps = run.epochs.length;
  const col = cols.param.get(p)!;
  const first = run.epochs[0]?.params[p] ?? run.final[p]!;
  s.put(col, FIRST_ROW, { formula: initName(p), result: resultOf(first), ...(steps === 0 ? { name: finalName(p) } : {}), style: Number.isFinite(first) ? 'value' : 'error', numFmt: VALUE_FORMAT });
  if (steps === 0) return undefined;
  const grad = cols.cell.get(split.map[net.grads[p]!]!)!;
  const ref = (n: Node): Ref => (n.name === 'θ' ? { col, rows: -1 } : n.name === 'lr' ? LR : { col: grad, rows: -1 });
  const values = new Float64Array(steps);
  for (let k = 2; k <= steps; k++) values[k - 2] = run.epochs[k - 1]!.params[p]!;
  values[steps - 1] = run.final[p]!;
  return { col, from: FIRST_ROW + 1, formula: filledFormula(update.graph, update.next, ref), values, style: 'value', numFmt: VALUE_FORMAT };
}

function cellColumn(plan: Plan, run: WorkbookRun, cols: Columns, id: number): FilledColumn {
  const values = new Float64Array(run.epochs.length);
  for (let k = 0; k < values.length; k++) values[k] = run.epochs[k]!.values[id]!;
  const helper = plan.split.helpers.has(id);
  return { col: cols.cell.get(id)!, from: FIRST_ROW, formula: filledFormula(plan.split.graph, id, cellRef(plan, cols)), values, style: helper ? 'helper' : 'value', numFmt: VALUE_FORMAT };
}

/** Workbook names: `<q>_col` over every step's row of each named column, and `<p>_final` below the last step. */
function defineNames(names: WorkbookLayout['names'], plan: Plan, cols: Columns, steps: number): void {
  const g = plan.split.graph;
  const range = (col: number) => `${addressAt(col, FIRST_ROW)}:${addressAt(col, FIRST_ROW + steps - 1)}`;
  const define = (name: string, address: string) => {
    if (names[name]) throw new Error(`layout: name ${name} is defined twice`);
    names[name] = { sheet: TRAINING, address };
  };
  for (const [p, col] of cols.param) {
    define(columnRangeName(p), range(col));
    define(finalName(p), addressAt(col, FIRST_ROW + steps));
  }
  for (const [id, col] of cols.cell) if (!plan.split.helpers.has(id)) define(columnRangeName(g.node(id).name!), range(col));
}

export function rowsSheet(plan: Plan, run: WorkbookRun, names: WorkbookLayout['names']): LayoutSheet {
  const s = new SheetBuilder(TRAINING, names);
  const cols = columnsOf(plan);
  const steps = run.epochs.length;
  headers(s, plan, cols);
  const filled: FilledColumn[] = [stepColumn(s, steps)];
  for (const p of plan.net.params) {
    const f = paramColumn(s, plan, run, cols, p);
    if (f) filled.push(f);
  }
  if (steps > 0) {
    for (const id of cols.cell.keys()) filled.push(cellColumn(plan, run, cols, id));
    defineNames(names, plan, cols, steps);
  }
  const columns = [8, ...Array.from({ length: rowsColumns(plan) - 1 }, () => 20)];
  return { name: s.name, cells: s.cells, filled, columns, frozen: { rows: MATHS_ROW, cols: 1 } };
}

/**
 * How the Comparison sheet reads a quantity of the Training sheet: step k's
 * cell of its column, or the final parameters by name.
 */
export function trainingRef(plan: Plan): (quantity: string, step: number | undefined) => string {
  const cols = columnsOf(plan);
  const g = plan.split.graph;
  const col = new Map<string, number>(cols.param);
  for (const [id, c] of cols.cell) if (!plan.split.helpers.has(id)) col.set(g.node(id).name!, c);
  return (q, k) => (k === undefined ? finalName(q) : `${quoteSheet(TRAINING)}!${addressAt(col.get(q)!, FIRST_ROW + k - 1)}`);
}
