// The rows layout's Training sheet: one row per optimizer step, like the
// course spreadsheets people build by hand. Row 1 names each column's
// quantity, row 2 shows its formula as maths, and each step's row holds the
// parameters entering the step, the inputs of each sample of its batch (when
// the data set has several samples), the forward pass of each sample ending
// with the batch's loss L, the backward pass, the optimizer's state after the
// step (momentum buffer, Adam's moments, and Adam's two scalars of the step). A
// parameter's cell is the update of the row above (step 1's reads the Inputs
// sheet), so the row after the last step holds the final parameters.
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
//
// A partial last batch (5 samples in batches of 2: the third batch has one)
// has fewer samples than the row has columns for: its row is written with the
// formulas of its own batch graph, whose loss is reduced over its own samples
// exactly as PyTorch reduces it, and the cells of the samples it lacks stay
// empty. Its quantities go in the columns of the same samples of a full batch
// (z3 of a one-sample batch in the column of z3_n1).

import type { Node } from '../graph.ts';
import { adjoint, state as stateName, type StateKind } from '../names.ts';
import { print } from '../print.ts';
import { batchesOf } from '../train.ts';
import { dataRef, cellLabels } from './epochSheet.ts';
import { columnLetters, quoteSheet } from '../spreadsheet/address.ts';
import { addressAt, resultOf, SheetBuilder, VALUE_FORMAT, type FilledColumn, type LayoutSheet, type WorkbookLayout } from './layout.ts';
import { columnRangeName, finalName, initName, inputName, LR } from './names.ts';
import { fullBatchName, stateText, updateLeaf, updateText, type BatchPlan, type Plan, type UpdateGraph } from './plan.ts';
import type { WorkbookRun } from './runWorkbook.ts';

export const TRAINING = 'Training';
const NAMES_ROW = 1;
const MATHS_ROW = 2;
/** Step k is on row FIRST_ROW + k − 1. */
const FIRST_ROW = 3;

/** Where each quantity is: column A the step, then the parameters, the batch's inputs, the forward and backward cells (helpers included), the optimizer's state. */
interface Columns {
  param: Map<string, number>;
  /** A batch input (full-batch name, x1_n2) → its column; none when the data set has one sample. */
  input: Map<string, number>;
  /** A cell's key (cellKey) → its column. */
  cell: Map<string, number>;
  /** A cell's key → the batch plan and split-graph id its header describes. */
  shown: Map<string, { plan: BatchPlan; id: number }>;
  /** State after the step (mom_w1) → its column. */
  state: Map<string, number>;
  adam: Map<'s' | 'c2', number>;
  count: number;
}

/** The batch plans of a run's steps: the full batch's, then a partial last batch's. */
function plansOf(plan: Plan): BatchPlan[] {
  const sizes = [...new Set(batchesOf(plan.config.x.length, plan.config.batchSize).map((b) => b.length))];
  return sizes.map((n) => plan.batch(n));
}

/** The column key of cell `id` of a batch plan: its name as the full batch names it; a helper, per batch size. */
function cellKey(plan: Plan, bp: BatchPlan, id: number): string {
  const name = bp.split.graph.node(id).name!;
  return bp.split.helpers.has(id) ? `${bp.net.batch}:${name}` : fullBatchName(plan.net, bp.net)(name);
}

function columnsOf(plan: Plan): Columns {
  let col = 1;
  const param = new Map(plan.net.params.map((p) => [p, col++]));
  const input = new Map<string, number>();
  if (plan.config.x.length > 1) for (const s of plan.net.samples) for (const n of [...s.x, ...s.y]) input.set(n, col++);
  const cell = new Map<string, number>();
  const shown = new Map<string, { plan: BatchPlan; id: number }>();
  for (const bp of plansOf(plan)) {
    for (const id of [...bp.forward, ...bp.backward]) {
      const key = cellKey(plan, bp, id);
      if (!cell.has(key)) {
        cell.set(key, col++);
        shown.set(key, { plan: bp, id });
      }
    }
  }
  const state = new Map<string, number>();
  for (const p of plan.net.params) for (const k of plan.update.kinds) state.set(stateName(k, p), col++);
  const adam = new Map<'s' | 'c2', number>();
  if (plan.config.optimizer.name === 'adam') for (const a of ['s', 'c2'] as const) adam.set(a, col++);
  return { param, input, cell, shown, state, adam, count: col };
}

/** How many columns the Training sheet has. */
export function rowsColumns(plan: Plan): number {
  return columnsOf(plan).count;
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

/** How a cell of batch plan `bp` refers to the quantities of its own row. */
function cellRef(plan: Plan, bp: BatchPlan, cols: Columns) {
  const full = fullBatchName(plan.net, bp.net);
  return (n: Node): Ref => {
    const col = n.op === 'input' ? cols.input.get(full(n.name!))
      : n.op === 'param' ? cols.param.get(n.name!)
      : cols.cell.get(cellKey(plan, bp, n.id));
    if (n.op === 'input' && col === undefined) return inputName(n.name!);
    if (col === undefined) throw new Error(`rowsSheet: ${n.name ?? n.id} has no column`);
    return { col, rows: 0 };
  };
}

/**
 * How an update graph of parameter p refers to the cells around it, from the
 * row of the cell it defines: the state cells of the step are on row `at`
 * (0 from a state cell, −1 from the next parameters' row), the state before
 * them one row up.
 */
function updateRef(cols: Columns, p: string, at: number) {
  const grad = cols.cell.get(adjoint(p))!;
  const state = (k: StateKind) => cols.state.get(stateName(k, p))!;
  return (n: Node): Ref => {
    const l = updateLeaf(n);
    return 'theta' in l ? { col: cols.param.get(p)!, rows: at }
      : 'lr' in l ? LR
      : 'grad' in l ? { col: grad, rows: at }
      : 'prev' in l ? { col: state(l.prev), rows: at - 1 }
      : 'state' in l ? { col: state(l.state), rows: at }
      : { col: cols.adam.get(l.adam)!, rows: at };
  };
}

function headers(s: SheetBuilder, plan: Plan, cols: Columns): void {
  const { net } = plan;
  s.text(0, NAMES_ROW, 'step', 'header');
  s.text(0, MATHS_ROW, 'maths', 'header');
  for (const p of net.params) {
    const c = cols.param.get(p)!;
    s.text(c, NAMES_ROW, p, 'header');
    // The update of the row above; step 1 reads the initial value on the Inputs sheet.
    s.text(c, MATHS_ROW, updateText(plan, p), 'note');
  }
  for (const [n, c] of cols.input) {
    s.text(c, NAMES_ROW, n, 'header');
    s.text(c, MATHS_ROW, 'this sample of the batch (Inputs sheet)', 'note');
  }
  const labels = new Map<BatchPlan, Map<number, string>>();
  for (const [key, c] of cols.cell) {
    const { plan: bp, id } = cols.shown.get(key)!;
    const label = labels.get(bp) ?? labels.set(bp, cellLabels(bp)).get(bp)!;
    const full = fullBatchName(plan.net, bp.net);
    const textRef = (n: Node) => (bp.split.helpers.has(n.id) ? columnLetters(cols.cell.get(cellKey(plan, bp, n.id))! + 1) : full(n.name!));
    const helper = bp.split.helpers.has(id);
    s.text(c, NAMES_ROW, helper ? label.get(id)! : key, helper ? 'helper' : 'header');
    s.text(c, MATHS_ROW, print(bp.split.graph, id, { style: 'text', ref: textRef }), 'note');
  }
  for (const p of net.params) {
    for (const k of plan.update.kinds) {
      const c = cols.state.get(stateName(k, p))!;
      s.text(c, NAMES_ROW, stateName(k, p), 'header');
      s.text(c, MATHS_ROW, stateText(plan, p, k), 'note');
    }
  }
  const opt = plan.config.optimizer;
  if (opt.name === 'adam') {
    s.text(cols.adam.get('s')!, NAMES_ROW, 's', 'header');
    s.text(cols.adam.get('s')!, MATHS_ROW, `lr / (1 − ${opt.betas[0]}^step), in double as torch.optim.Adam`, 'note');
    s.text(cols.adam.get('c2')!, NAMES_ROW, 'c2', 'header');
    s.text(cols.adam.get('c2')!, MATHS_ROW, `√(1 − ${opt.betas[1]}^step)`, 'note');
  }
}

/** Step numbers 1 … steps in column A, then `final`. */
function stepColumn(s: SheetBuilder, steps: number): FilledColumn {
  s.text(0, FIRST_ROW + steps, 'final', 'label');
  return { col: 0, from: FIRST_ROW, values: Float64Array.from({ length: steps }, (_, i) => i + 1), style: 'label' };
}

/**
 * Column `col` from row `from`, one row per i < count: row i holds formula
 * `formula(i)` (none: the cell stays empty) with cached value `value(i)`.
 * Consecutive rows with the same formula object are one FilledColumn.
 */
function runsOf(col: number, from: number, count: number, formula: (i: number) => FilledColumn['formula'] | undefined, value: (i: number) => number, style: FilledColumn['style']): FilledColumn[] {
  const out: FilledColumn[] = [];
  let start = 0;
  while (start < count) {
    const f = formula(start);
    let end = start + 1;
    while (end < count && formula(end) === f) end++;
    if (f !== undefined) out.push({ col, from: from + start, formula: f, values: Float64Array.from({ length: end - start }, (_, i) => value(start + i)), style, numFmt: VALUE_FORMAT });
    start = end;
  }
  return out;
}

/** The same formula object for the first step's update and the later ones' when they print the same. */
function firstAndLater(first: FilledColumn['formula'], later: FilledColumn['formula']): [FilledColumn['formula'], FilledColumn['formula']] {
  return JSON.stringify(first) === JSON.stringify(later) ? [later, later] : [first, later];
}

/**
 * A parameter's column: step 1 reads its initial value on the Inputs sheet;
 * every later row, and the final row after the last step, is the optimizer's
 * update of the row above.
 */
function paramColumn(s: SheetBuilder, plan: Plan, run: WorkbookRun, cols: Columns, p: string): FilledColumn[] {
  const steps = run.steps.length;
  const col = cols.param.get(p)!;
  const first = run.steps[0]?.params[p] ?? run.final[p]!;
  s.put(col, FIRST_ROW, { formula: initName(p), result: resultOf(first), ...(steps === 0 ? { name: finalName(p) } : {}), style: Number.isFinite(first) ? 'value' : 'error', numFmt: VALUE_FORMAT });
  const print = (u: UpdateGraph) => filledFormula(u.graph, u.next, updateRef(cols, p, -1));
  const [f1, fk] = firstAndLater(print(plan.update.first), print(plan.update.later));
  return runsOf(col, FIRST_ROW + 1, steps, (i) => (i === 0 ? f1 : fk), (i) => (run.steps[i + 1]?.params ?? run.final)[p]!, 'value');
}

/** The column of state `kind` of parameter p: the state after each step, from that step's gradient and the state of the row above. */
function stateColumn(plan: Plan, run: WorkbookRun, cols: Columns, p: string, kind: StateKind): FilledColumn[] {
  const name = stateName(kind, p);
  const print = (u: UpdateGraph) => filledFormula(u.graph, u.state[kind]!, updateRef(cols, p, 0));
  const [f1, fk] = firstAndLater(print(plan.update.first), print(plan.update.later));
  return runsOf(cols.state.get(name)!, FIRST_ROW, run.steps.length, (i) => (i === 0 ? f1 : fk), (i) => run.steps[i]!.state[name]!, 'value');
}

/** Every forward and backward column, each row printed from its own step's batch plan. */
function cellColumns(plan: Plan, run: WorkbookRun, cols: Columns): FilledColumn[] {
  // Per batch plan: each of its cells' column and filled formula.
  const per = new Map<BatchPlan, Map<number, { id: number; formula: FilledColumn['formula'] }>>();
  for (const bp of plansOf(plan)) {
    const ref = cellRef(plan, bp, cols);
    per.set(bp, new Map([...bp.forward, ...bp.backward].map((id) => [cols.cell.get(cellKey(plan, bp, id))!, { id, formula: filledFormula(bp.split.graph, id, ref) }])));
  }
  const out: FilledColumn[] = [];
  for (const [key, col] of cols.cell) {
    const helper = cols.shown.get(key)!.plan.split.helpers.has(cols.shown.get(key)!.id);
    const at = (i: number) => per.get(run.steps[i]!.plan)!.get(col);
    out.push(...runsOf(col, FIRST_ROW, run.steps.length, (i) => at(i)?.formula, (i) => run.steps[i]!.values[at(i)!.id]!, helper ? 'helper' : 'value'));
  }
  return out;
}

/** Each step's inputs: the Inputs sheet's cell of the batch's sample, per row (the batch moves through the data set). */
function inputCells(s: SheetBuilder, plan: Plan, run: WorkbookRun, cols: Columns): void {
  if (cols.input.size === 0) return;
  for (const step of run.steps) {
    const data = dataRef(plan, step.samples);
    const full = fullBatchName(plan.net, step.plan.net);
    for (const n of [...step.plan.net.x, ...step.plan.net.y]) {
      s.put(cols.input.get(full(n))!, FIRST_ROW + step.step - 1, { formula: data(n), result: step.inputs[n]!, style: 'value' });
    }
  }
}

/** Adam's two scalars of each step, as constants computed in double. */
function adamColumns(run: WorkbookRun, cols: Columns): FilledColumn[] {
  return [...cols.adam].map(([a, col]) => ({ col, from: FIRST_ROW, values: Float64Array.from(run.steps, (s) => s.adam![a]), style: 'value', numFmt: VALUE_FORMAT }));
}

/** Workbook names: `<q>_col` over every step's row of each named column, and `<p>_final` below the last step. */
function defineNames(names: WorkbookLayout['names'], plan: Plan, cols: Columns, steps: number): void {
  const range = (col: number) => `${addressAt(col, FIRST_ROW)}:${addressAt(col, FIRST_ROW + steps - 1)}`;
  const define = (name: string, address: string) => {
    if (names[name]) throw new Error(`layout: name ${name} is defined twice`);
    names[name] = { sheet: TRAINING, address };
  };
  for (const [p, col] of cols.param) {
    define(columnRangeName(p), range(col));
    define(finalName(p), addressAt(col, FIRST_ROW + steps));
  }
  for (const [key, col] of cols.cell) {
    const { plan: bp, id } = cols.shown.get(key)!;
    if (!bp.split.helpers.has(id)) define(columnRangeName(key), range(col));
  }
  for (const [name, col] of cols.state) define(columnRangeName(name), range(col));
}

export function rowsSheet(plan: Plan, run: WorkbookRun, names: WorkbookLayout['names']): LayoutSheet {
  const s = new SheetBuilder(TRAINING, names);
  const cols = columnsOf(plan);
  const steps = run.steps.length;
  headers(s, plan, cols);
  const filled: FilledColumn[] = [stepColumn(s, steps)];
  for (const p of plan.net.params) filled.push(...paramColumn(s, plan, run, cols, p));
  if (steps > 0) {
    inputCells(s, plan, run, cols);
    filled.push(...cellColumns(plan, run, cols));
    for (const p of plan.net.params) for (const k of plan.update.kinds) filled.push(...stateColumn(plan, run, cols, p, k));
    filled.push(...adamColumns(run, cols));
    defineNames(names, plan, cols, steps);
  }
  const columns = [8, ...Array.from({ length: cols.count - 1 }, () => 20)];
  return { name: s.name, cells: s.cells, filled, columns, frozen: { rows: MATHS_ROW, cols: 1 } };
}

/**
 * How the Comparison sheet reads a quantity of the Training sheet: step k's
 * cell of its column, or the final parameters by name.
 */
export function trainingRef(plan: Plan): (quantity: string, step: number | undefined) => string {
  const cols = columnsOf(plan);
  const col = new Map<string, number>([...cols.param, ...cols.cell, ...cols.state]);
  return (q, k) => (k === undefined ? finalName(q) : `${quoteSheet(TRAINING)}!${addressAt(col.get(q)!, FIRST_ROW + k - 1)}`);
}
