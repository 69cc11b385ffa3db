// One sheet per epoch. Down columns A–D: the forward pass (z, a, ŷ, L), the
// backward pass (every adjoint, reading like the chain rule) and the SGD update
// whose cells are the next epoch's parameters. From column F: the numeric
// derivative, one row per parameter holding a whole forward pass at θ + h and
// one at θ − h, and their central difference beside the backprop value.
//
// Every formula is `print` of a plan graph; what changes from epoch to epoch is
// only `ref`, which writes a named quantity as its defined name (w3_e2), a
// helper as its address, and, inside a numeric pass, the moved parameter as
// (w3_e2 + fd_h).

import { evaluate } from '../evaluate.ts';
import { DEFAULT_STEP } from '../finiteDifference.ts';
import type { Node } from '../graph.ts';
import { adjoint, adjointOf } from '../names.ts';
import { print } from '../print.ts';
import { addressAt, DIFF_FORMAT, resultOf, SheetBuilder, VALUE_FORMAT, type LayoutCell, type LayoutSheet, type WorkbookLayout } from './layout.ts';
import { epochName, finalName, inputName, LR, minusName, numericName, plusName, STEP } from './names.ts';
import { inside, updateText, type Plan } from './plan.ts';
import type { WorkbookRun } from './runWorkbook.ts';

/** What is the same on every epoch sheet: where each cell goes, its label and its formula as maths. */
export interface EpochShape {
  row: Map<number, number>;
  label: Map<number, string>;
  text: Map<number, string>;
  sections: { forward: number; backward: number; update: number };
}

const VALUE_COL = 1;
/** The numeric table starts in column F; passes start after its five summary columns. */
const NUM_COL = 5;
const PASS_COL = NUM_COL + 5;
const FIRST_ROW = 4;

/** Helpers directly inside the definition of `id` (not inside another cell). */
const directHelpers = (plan: Plan, id: number): number[] => inside(plan.split.graph, id, (n) => plan.split.helpers.has(n.id));

/** Each forward and backward cell's label: its name, or for a helper `part of z1`. */
export function cellLabels(plan: Plan): Map<number, string> {
  const g = plan.split.graph;
  const label = new Map<number, string>();
  // A helper is labelled by the first cell that uses it; walking backwards, the last owner written wins.
  const cells = [...plan.forward, ...plan.backward];
  for (const id of cells) if (!plan.split.helpers.has(id)) label.set(id, g.node(id).name!);
  for (let i = cells.length - 1; i >= 0; i--) {
    const owner = label.get(cells[i]!) ?? g.node(cells[i]!).name!;
    for (const h of directHelpers(plan, cells[i]!)) label.set(h, `part of ${owner.replace(/^part of /, '')}`);
  }
  return label;
}

export function epochShape(plan: Plan): EpochShape {
  const g = plan.split.graph;
  const row = new Map<number, number>();
  let r = FIRST_ROW;
  const forward = r++;
  for (const id of plan.forward) row.set(id, r++);
  const backward = ++r;
  r++;
  for (const id of plan.backward) row.set(id, r++);
  const update = ++r;
  const label = cellLabels(plan);
  const cells = [...plan.forward, ...plan.backward];
  const textRef = (n: Node) => (plan.split.helpers.has(n.id) ? `B${row.get(n.id)}` : n.name!);
  const text = new Map(cells.map((id) => [id, print(g, id, { style: 'text', ref: textRef })]));
  return { row, label, text, sections: { forward, backward, update } };
}

export function numericCellsPerEpoch(plan: Plan): number {
  return plan.net.params.length * 2 * plan.forward.length;
}

/** How a cell is marked: a dead ReLU, a non-zero parameter gradient. */
function mark(plan: Plan, id: number, values: Float64Array): Pick<LayoutCell, 'style'> & { note?: string } {
  const g = plan.split.graph;
  const n = g.node(id);
  const body = g.node(n.args[0]!);
  if (body.op === 'relu' && !(values[body.args[0]!]! > 0)) {
    const z = g.node(body.args[0]!).name ?? 'its input';
    return { style: 'dead', note: `dead ReLU: ${z} ≤ 0, so ${n.name} = 0 and no gradient flows back through it` };
  }
  const param = n.name === undefined ? undefined : adjointOf(n.name);
  if (param !== undefined && plan.net.grads[param] !== undefined && values[id] !== 0) {
    return { style: 'nonzero', note: `non-zero gradient: ${param} changes in the update` };
  }
  return {};
}

function graphCells(s: SheetBuilder, plan: Plan, shape: EpochShape, k: number, values: Float64Array): void {
  const g = plan.split.graph;
  const ref = (n: Node) =>
    plan.split.helpers.has(n.id) ? `B${shape.row.get(n.id)}` : n.op === 'input' ? inputName(n.name!) : epochName(n.name!, k);
  for (const id of [...plan.forward, ...plan.backward]) {
    const r = shape.row.get(id)!;
    const helper = plan.split.helpers.has(id);
    const v = values[id]!;
    const { style, note } = helper ? { style: 'helper' as const, note: undefined } : mark(plan, id, values);
    s.text(0, r, shape.label.get(id)!, helper ? 'helper' : 'label');
    s.put(VALUE_COL, r, {
      formula: print(g, id, { style: 'formula', ref }),
      result: resultOf(v),
      ...(helper ? {} : { name: epochName(g.node(id).name!, k) }),
      style: Number.isFinite(v) ? style ?? 'value' : 'error',
      numFmt: VALUE_FORMAT,
    });
    s.text(2, r, shape.text.get(id)!, 'text');
    const notes = [note, Number.isFinite(v) ? undefined : `the engine computes ${v} here: the training diverged`].filter(Boolean);
    if (notes.length) s.text(3, r, notes.join('; '), 'note');
  }
}

function updateCells(s: SheetBuilder, plan: Plan, run: WorkbookRun, k: number, row: number): void {
  const { net, update, config } = plan;
  const next = run.epochs[k]?.params ?? run.final;
  const last = k === config.epochs;
  for (const p of net.params) {
    const leaf = (n: Node) => (n.name === 'θ' ? epochName(p, k) : n.name === 'lr' ? LR : epochName(adjoint(p), k));
    const v = next[p]!;
    s.text(0, row, last ? `${p} (final)` : `${p} → epoch ${k + 1}`, 'label');
    s.put(VALUE_COL, row, {
      formula: print(update.graph, update.next, { style: 'formula', ref: leaf }),
      result: resultOf(v),
      name: last ? finalName(p) : epochName(p, k + 1),
      style: Number.isFinite(v) ? 'value' : 'error',
      numFmt: VALUE_FORMAT,
    });
    s.text(2, row++, updateText(plan, p), 'text');
  }
}

/** What a pre-activation sums, as the bias flags of the Linear layers make it. */
function sumOf(bias: readonly boolean[]): string {
  if (bias.every(Boolean)) return 'z = Σ w·a + b';
  if (!bias.some(Boolean)) return 'z = Σ w·a (no biases)';
  return `z = Σ w·a, plus b in Linear layer${bias.filter(Boolean).length === 1 ? '' : 's'} ${bias.flatMap((b, l) => (b ? [l + 1] : [])).join(', ')}`;
}

function sections(s: SheetBuilder, plan: Plan, shape: EpochShape, k: number): void {
  const { forward, backward, update } = shape.sections;
  s.text(0, 1, `Epoch ${k}: forward pass, backward pass and SGD update`, 'title');
  s.text(0, 2, 'Every value is a live formula printed from xlgrad\'s expression graph; column C shows it as maths. Names such as w1_e1 are defined names: this epoch\'s values end in _e' + k + '.', 'note');
  ['quantity', 'value', 'formula', 'note'].forEach((h, i) => s.text(i, 3, h, 'header'));
  s.text(0, forward, 'Forward pass', 'section');
  s.text(2, forward, `${sumOf(plan.config.bias)}, a = ${plan.config.activation}(z), the loss L; reads this epoch's parameters and the Inputs sheet`, 'note');
  s.text(0, backward, 'Backward pass (chain rule)', 'section');
  s.text(2, backward, 'each dL_dq adds up, over every quantity that uses q, that quantity\'s dL_d… times its local derivative; dL_dw = dL_dz × the input the weight multiplies', 'note');
  s.text(0, update, 'SGD update', 'section');
  s.text(2, update, k < plan.config.epochs ? `θ − lr · ∂L/∂θ: these cells are the parameters of epoch ${k + 1}` : 'θ − lr · ∂L/∂θ: the final parameters', 'note');
}

export interface EpochOptions {
  numeric: boolean;
  numericCells: number;
}

export function epochSheet(plan: Plan, shape: EpochShape, run: WorkbookRun, k: number, o: EpochOptions, names: WorkbookLayout['names']): LayoutSheet {
  const s = new SheetBuilder(`Epoch ${k}`, names);
  const { values } = run.epochs[k - 1]!;
  sections(s, plan, shape, k);
  graphCells(s, plan, shape, k, values);
  updateCells(s, plan, run, k, shape.sections.update + 1);
  if (o.numeric) numericTable(s, plan, shape, run, k);
  else {
    s.text(NUM_COL, 1, 'Numeric derivative: omitted', 'title');
    s.text(NUM_COL, 2, `${plan.net.params.length} parameters × 2 forward passes would need ${o.numericCells.toLocaleString('en-US')} cells per epoch (more than the automatic limit); ask for it explicitly with the numeric option.`, 'note');
  }
  const columns = [22, 22, 48, 40, 2, 10, 22, 22, 12, 36];
  if (o.numeric) columns.push(...plan.forward.flatMap(() => [20, 20]));
  return { name: s.name, cells: s.cells, columns, frozen: { rows: 3, cols: 1 } };
}

/** The forward pass with parameter p moved to θ ± h, laid out in one row from column `col`. */
function pass(s: SheetBuilder, plan: Plan, run: WorkbookRun, k: number, p: string, sign: 'plus' | 'minus', row: number, col: number): Float64Array {
  const { split, perturb, forward, loss } = plan;
  const { params } = run.epochs[k - 1]!;
  const colOf = new Map(forward.map((id, i) => [id, col + i]));
  const moved = print(perturb.graph, perturb[sign], { style: 'formula', ref: (n) => (n.name === 'θ' ? epochName(p, k) : STEP) });
  const ref = (n: Node) =>
    colOf.has(n.id) ? addressAt(colOf.get(n.id)!, row)
    : n.name === p ? `(${moved})`
    : n.op === 'input' ? inputName(n.name!) : epochName(n.name!, k);
  const theta = evaluate(perturb.graph, { θ: params[p]!, h: DEFAULT_STEP }, 'float64')[perturb[sign]]!;
  const values = evaluate(split.graph, { ...params, ...run.inputs, [p]: theta }, 'float64', loss + 1);
  for (const id of forward) {
    const v = values[id]!;
    const name = id === loss ? (sign === 'plus' ? plusName : minusName)(p, k) : undefined;
    s.put(colOf.get(id)!, row, {
      formula: print(split.graph, id, { style: 'formula', ref }),
      result: resultOf(v),
      ...(name ? { name } : {}),
      style: !Number.isFinite(v) ? 'error' : split.helpers.has(id) ? 'helper' : 'value',
      numFmt: VALUE_FORMAT,
    });
  }
  return values;
}

function kinkNote(plan: Plan, base: Float64Array, plus: Float64Array, minus: Float64Array): string | undefined {
  const crossed = plan.net.kinkSites.filter((z) => {
    const id = plan.split.map[plan.net.id[z]!]!;
    const s = [minus[id]!, base[id]!, plus[id]!].map((v) => v > 0);
    return s[0] !== s[1] || s[1] !== s[2];
  });
  return crossed.length ? `kink: ${crossed.join(', ')} crosses 0 within θ ± h, so this averages two different slopes` : undefined;
}

function numericTable(s: SheetBuilder, plan: Plan, shape: EpochShape, run: WorkbookRun, k: number): void {
  const { net, forward, central, split } = plan;
  const { values } = run.epochs[k - 1]!;
  s.text(NUM_COL, 1, 'Numeric derivative: (L(θ+h) − L(θ−h)) / 2h', 'title');
  s.text(NUM_COL, 2, 'Each row moves one parameter by ±h (fd_h on the Inputs sheet) and recomputes the whole forward pass; the central difference should match backprop except at a ReLU kink.', 'note');
  ['θ', 'numeric ∂L/∂θ', 'backprop ∂L/∂θ', 'difference', 'note'].forEach((h, i) => s.text(NUM_COL + i, 3, h, 'header'));
  const heading = (id: number) => shape.label.get(id)!;
  forward.forEach((id, i) => {
    s.text(PASS_COL + i, 3, `${heading(id)} at θ+h`, 'header');
    s.text(PASS_COL + forward.length + i, 3, `${heading(id)} at θ−h`, 'header');
  });
  net.params.forEach((p, i) => {
    const row = FIRST_ROW + i;
    const plus = pass(s, plan, run, k, p, 'plus', row, PASS_COL);
    const minus = pass(s, plan, run, k, p, 'minus', row, PASS_COL + forward.length);
    const lp = plus[plan.loss]!, lm = minus[plan.loss]!;
    const num = evaluate(central.graph, { 'L+': lp, 'L-': lm, h: DEFAULT_STEP }, 'float64')[central.num]!;
    const leaf = (n: Node) => (n.name === 'L+' ? plusName(p, k) : n.name === 'L-' ? minusName(p, k) : STEP);
    const backprop = values[split.map[net.grads[p]!]!]!;
    s.text(NUM_COL, row, p, 'label');
    const at = s.put(NUM_COL + 1, row, { formula: print(central.graph, central.num, { style: 'formula', ref: leaf }), result: resultOf(num), name: numericName(p, k), style: 'value', numFmt: VALUE_FORMAT });
    const bp = s.put(NUM_COL + 2, row, { formula: epochName(adjoint(p), k), result: resultOf(backprop), style: 'value', numFmt: VALUE_FORMAT });
    s.put(NUM_COL + 3, row, { formula: `${at}-${bp}`, result: resultOf(num - backprop), style: 'value', numFmt: DIFF_FORMAT });
    const note = kinkNote(plan, values, plus, minus);
    if (note) s.text(NUM_COL + 4, row, note, 'note');
  });
}
