// One sheet per optimizer step (an epoch of a full-batch run). Down columns
// A–D: the forward pass of every sample of the batch (z, a, ŷ), the batch's
// loss L, the backward pass (every adjoint, reading like the chain rule) and the
// optimizer's update: its state (momentum buffer, Adam's moments) and the cells
// that are the next step's parameters. From column F: the numeric derivative,
// one row per parameter holding a whole forward pass at θ + h and one at
// θ − h, and their central difference beside the backprop value.
//
// Every formula is `print` of a plan graph; what changes from step to step is
// only `ref`, which writes a named quantity as its defined name (w3_e2,
// z3_n2_e1b2), an input as the data-set cell of the batch's sample (x_1_s3), a
// helper as its address, and, inside a numeric pass, the moved parameter as
// (w3_e2 + fd_h).

import { evaluate } from '../evaluate.ts';
import { DEFAULT_STEP } from '../finiteDifference.ts';
import type { Node } from '../graph.ts';
import { adjoint, adjointOf, sampleOf, state as stateName } from '../names.ts';
import { print } from '../print.ts';
import { addressAt, DIFF_FORMAT, resultOf, SheetBuilder, VALUE_FORMAT, type LayoutCell, type LayoutSheet, type WorkbookLayout } from './layout.ts';
import { dataName, finalName, LR, minusName, numericName, plusName, STEP, stepName, stepOf } from './names.ts';
import { inside, stateText, updateLeaf, updateText, type BatchPlan, type Plan } from './plan.ts';
import type { WorkbookRun, WorkbookStep } from './runWorkbook.ts';

/** What is the same on every step sheet of one batch size: where each cell goes, its label and its formula as maths. */
export interface EpochShape {
  row: Map<number, number>;
  label: Map<number, string>;
  text: Map<number, string>;
  sections: { forward: number; backward: number; update: number };
}

/** The sheet of step t: `Epoch 3`, or `Epoch 2 batch 1` when an epoch has several batches. */
export function stepSheetName(t: number, batches: number): string {
  const [e, b] = stepOf(t, batches);
  return b === undefined ? `Epoch ${e}` : `Epoch ${e} batch ${b}`;
}

/** How a formula of step t refers to input `name` of its batch graph (x1_n2): the data-set cell of that sample (x_1_s3). */
export function dataRef(plan: Plan, samples: readonly number[]) {
  return (name: string): string => {
    const { quantity, sample } = sampleOf(name);
    return dataName(quantity, samples[(sample ?? 1) - 1]! + 1, plan.config.x.length);
  };
}

const VALUE_COL = 1;
/** The numeric table starts in column F; passes start after its five summary columns. */
const NUM_COL = 5;
const PASS_COL = NUM_COL + 5;
const FIRST_ROW = 4;

/** Helpers directly inside the definition of `id` (not inside another cell). */
const directHelpers = (plan: BatchPlan, id: number): number[] => inside(plan.split.graph, id, (n) => plan.split.helpers.has(n.id));

/** Each forward and backward cell's label: its name, or for a helper `part of z1`. */
export function cellLabels(plan: BatchPlan): Map<number, string> {
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

export function epochShape(plan: BatchPlan): EpochShape {
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

export function numericCellsPerEpoch(plan: BatchPlan): number {
  return plan.net.params.length * 2 * plan.forward.length;
}

/** Rows of a step sheet's update section: Adam's two scalars, then per parameter its state cells and its next value. */
export function updateRows(plan: Plan): number {
  return (plan.config.optimizer.name === 'adam' ? 2 : 0) + plan.net.params.length * (plan.update.kinds.length + 1);
}

/** How a cell is marked: a dead ReLU, a non-zero parameter gradient. */
function mark(plan: BatchPlan, id: number, values: Float64Array): Pick<LayoutCell, 'style'> & { note?: string } {
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

function graphCells(s: SheetBuilder, top: Plan, plan: BatchPlan, shape: EpochShape, step: WorkbookStep): void {
  const g = plan.split.graph;
  const { values } = step;
  const data = dataRef(top, step.samples);
  const ref = (n: Node) =>
    plan.split.helpers.has(n.id) ? `B${shape.row.get(n.id)}` : n.op === 'input' ? data(n.name!) : stepName(n.name!, step.step, top.batches);
  for (const id of [...plan.forward, ...plan.backward]) {
    const r = shape.row.get(id)!;
    const helper = plan.split.helpers.has(id);
    const v = values[id]!;
    const { style, note } = helper ? { style: 'helper' as const, note: undefined } : mark(plan, id, values);
    s.text(0, r, shape.label.get(id)!, helper ? 'helper' : 'label');
    s.put(VALUE_COL, r, {
      formula: print(g, id, { style: 'formula', ref }),
      result: resultOf(v),
      ...(helper ? {} : { name: stepName(g.node(id).name!, step.step, top.batches) }),
      style: Number.isFinite(v) ? style ?? 'value' : 'error',
      numFmt: VALUE_FORMAT,
    });
    s.text(2, r, shape.text.get(id)!, 'text');
    const notes = [note, Number.isFinite(v) ? undefined : `the engine computes ${v} here: the training diverged`].filter(Boolean);
    if (notes.length) s.text(3, r, notes.join('; '), 'note');
  }
}

/** The update section: Adam's scalars of the step, then per parameter its new state and its next value, each printed from the update graph. */
function updateCells(s: SheetBuilder, plan: Plan, run: WorkbookRun, t: number, row: number): void {
  const { net, config, batches } = plan;
  const steps = run.steps;
  const step = steps[t - 1]!;
  const first = t === 1;
  const u = first ? plan.update.first : plan.update.later;
  const next = steps[t]?.params ?? run.final;
  const last = t === steps.length;
  const value = (v: number) => ({ result: resultOf(v), style: Number.isFinite(v) ? ('value' as const) : ('error' as const), numFmt: VALUE_FORMAT });
  const adamAt: Record<'s' | 'c2', string> = { s: '', c2: '' };
  const opt = config.optimizer;
  if (step.adam && opt.name === 'adam') {
    adamAt.s = s.put(1, row, { value: step.adam.s, style: 'value', numFmt: VALUE_FORMAT });
    s.text(0, row, 's', 'label');
    s.text(2, row++, `lr / (1 − ${opt.betas[0]}^${t}): Adam's step size at step ${t}, computed in double as torch.optim.Adam does`, 'note');
    adamAt.c2 = s.put(1, row, { value: step.adam.c2, style: 'value', numFmt: VALUE_FORMAT });
    s.text(0, row, 'c2', 'label');
    s.text(2, row++, `√(1 − ${opt.betas[1]}^${t}): Adam's second bias correction at step ${t}`, 'note');
  }
  for (const p of net.params) {
    const leaf = (n: Node): string => {
      const l = updateLeaf(n);
      return 'theta' in l ? stepName(p, t, batches)
        : 'lr' in l ? LR
        : 'grad' in l ? stepName(adjoint(p), t, batches)
        : 'prev' in l ? stepName(stateName(l.prev, p), t - 1, batches)
        : 'state' in l ? stepName(stateName(l.state, p), t, batches)
        : adamAt[l.adam];
    };
    for (const k of plan.update.kinds) {
      const name = stateName(k, p);
      s.text(0, row, name, 'label');
      s.put(1, row, { formula: print(u.graph, u.state[k]!, { style: 'formula', ref: leaf }), name: stepName(name, t, batches), ...value(step.state[name]!) });
      s.text(2, row++, `${name} = ${stateText(plan, p, k, first)}`, 'text');
    }
    s.text(0, row, last ? `${p} (final)` : `${p} → ${batches === 1 ? 'epoch' : 'step'} ${t + 1}`, 'label');
    s.put(1, row, { formula: print(u.graph, u.next, { style: 'formula', ref: leaf }), name: last ? finalName(p) : stepName(p, t + 1, batches), ...value(next[p]!) });
    s.text(2, row++, updateText(plan, p, first), 'text');
  }
}

/** What a pre-activation sums, as the bias flags of the Linear layers make it. */
function sumOf(bias: readonly boolean[]): string {
  if (bias.every(Boolean)) return 'z = Σ w·a + b';
  if (!bias.some(Boolean)) return 'z = Σ w·a (no biases)';
  return `z = Σ w·a, plus b in Linear layer${bias.filter(Boolean).length === 1 ? '' : 's'} ${bias.flatMap((b, l) => (b ? [l + 1] : [])).join(', ')}`;
}

/** The optimizer in words, as the update section's heading and note say it. */
function optimizerWords(plan: Plan): { title: string; rule: string } {
  const opt = plan.config.optimizer;
  if (opt.name === 'adam') return { title: 'Adam update', rule: 'm = β₁·m + (1 − β₁)·g, v = β₂·v + (1 − β₂)·g², θ − s·m / (√v / c2 + ε)' };
  if (opt.momentum === 0 && opt.weightDecay === 0) return { title: 'SGD update', rule: 'θ − lr · ∂L/∂θ' };
  const parts = [opt.weightDecay !== 0 ? `weight decay ${opt.weightDecay}` : '', opt.momentum !== 0 ? `momentum ${opt.momentum}` : '', opt.dampening !== 0 ? `dampening ${opt.dampening}` : '', opt.nesterov ? 'nesterov' : ''].filter(Boolean);
  return { title: 'SGD update', rule: `SGD with ${parts.join(', ')} (torch.optim.SGD)` };
}

function sections(s: SheetBuilder, plan: Plan, shape: EpochShape, t: number, steps: number): void {
  const { forward, backward, update } = shape.sections;
  const { batches } = plan;
  const words = optimizerWords(plan);
  const what = batches === 1 ? 'epoch' : 'step';
  const suffix = stepName('', t, batches);
  s.text(0, 1, `${stepSheetName(t, batches)}: forward pass, backward pass and ${words.title}`, 'title');
  s.text(0, 2, `Every value is a live formula printed from xlgrad's expression graph; column C shows it as maths. Names such as w1${stepName('', 1, batches)} are defined names: this ${what}'s values end in ${suffix}.`, 'note');
  ['quantity', 'value', 'formula', 'note'].forEach((h, i) => s.text(i, 3, h, 'header'));
  s.text(0, forward, 'Forward pass', 'section');
  const batch = plan.config.x.length === 1 ? '' : ` of each sample of the batch (z3_n2 is sample 2's z3)`;
  s.text(2, forward, `${sumOf(plan.config.bias)}, a = ${plan.config.activation}(z)${batch}, the loss L; reads this ${what}'s parameters and the Inputs sheet`, 'note');
  s.text(0, backward, 'Backward pass (chain rule)', 'section');
  s.text(2, backward, 'each dL_dq adds up, over every quantity that uses q, that quantity\'s dL_d… times its local derivative; dL_dw = dL_dz × the input the weight multiplies', 'note');
  s.text(0, update, words.title, 'section');
  s.text(2, update, t < steps ? `${words.rule}: these cells are the parameters of ${what} ${t + 1}` : `${words.rule}: the final parameters`, 'note');
}

export interface EpochOptions {
  numeric: boolean;
  numericCells: number;
}

/** The sheet of step t (1-based). */
export function epochSheet(plan: Plan, shape: EpochShape, run: WorkbookRun, t: number, o: EpochOptions, names: WorkbookLayout['names']): LayoutSheet {
  const s = new SheetBuilder(stepSheetName(t, plan.batches), names);
  const step = run.steps[t - 1]!;
  sections(s, plan, shape, t, run.steps.length);
  graphCells(s, plan, step.plan, shape, step);
  updateCells(s, plan, run, t, shape.sections.update + 1);
  if (o.numeric) numericTable(s, plan, shape, step);
  else {
    s.text(NUM_COL, 1, 'Numeric derivative: omitted', 'title');
    s.text(NUM_COL, 2, `${plan.net.params.length} parameters × 2 forward passes would need ${o.numericCells.toLocaleString('en-US')} cells per ${plan.batches === 1 ? 'epoch' : 'step'} (more than the automatic limit); ask for it explicitly with the numeric option.`, 'note');
  }
  const columns = [22, 22, 48, 40, 2, 10, 22, 22, 12, 36];
  if (o.numeric) columns.push(...step.plan.forward.flatMap(() => [20, 20]));
  return { name: s.name, cells: s.cells, columns, frozen: { rows: 3, cols: 1 } };
}

/** The forward pass with parameter p moved to θ ± h, laid out in one row from column `col`. */
function pass(s: SheetBuilder, top: Plan, step: WorkbookStep, p: string, sign: 'plus' | 'minus', row: number, col: number): Float64Array {
  const { perturb, batches } = top;
  const { split, forward, loss } = step.plan;
  const t = step.step;
  const at = stepOf(t, batches);
  const data = dataRef(top, step.samples);
  const colOf = new Map(forward.map((id, i) => [id, col + i]));
  const moved = print(perturb.graph, perturb[sign], { style: 'formula', ref: (n) => (n.name === 'θ' ? stepName(p, t, batches) : STEP) });
  const ref = (n: Node) =>
    colOf.has(n.id) ? addressAt(colOf.get(n.id)!, row)
    : n.name === p ? `(${moved})`
    : n.op === 'input' ? data(n.name!) : stepName(n.name!, t, batches);
  const theta = evaluate(perturb.graph, { θ: step.params[p]!, h: DEFAULT_STEP }, 'float64')[perturb[sign]]!;
  const values = evaluate(split.graph, { ...step.params, ...step.inputs, [p]: theta }, 'float64', loss + 1);
  for (const id of forward) {
    const v = values[id]!;
    const name = id === loss ? (sign === 'plus' ? plusName : minusName)(p, ...at) : undefined;
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

function kinkNote(plan: BatchPlan, base: Float64Array, plus: Float64Array, minus: Float64Array): string | undefined {
  const crossed = plan.net.kinkSites.filter((z) => {
    const id = plan.split.map[plan.net.id[z]!]!;
    const s = [minus[id]!, base[id]!, plus[id]!].map((v) => v > 0);
    return s[0] !== s[1] || s[1] !== s[2];
  });
  return crossed.length ? `kink: ${crossed.join(', ')} crosses 0 within θ ± h, so this averages two different slopes` : undefined;
}

function numericTable(s: SheetBuilder, top: Plan, shape: EpochShape, step: WorkbookStep): void {
  const { central, batches } = top;
  const plan = step.plan;
  const { net, forward, split } = plan;
  const { values } = step;
  const t = step.step;
  const at = stepOf(t, batches);
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
    const plus = pass(s, top, step, p, 'plus', row, PASS_COL);
    const minus = pass(s, top, step, p, 'minus', row, PASS_COL + forward.length);
    const lp = plus[plan.loss]!, lm = minus[plan.loss]!;
    const num = evaluate(central.graph, { 'L+': lp, 'L-': lm, h: DEFAULT_STEP }, 'float64')[central.num]!;
    const leaf = (n: Node) => (n.name === 'L+' ? plusName(p, ...at) : n.name === 'L-' ? minusName(p, ...at) : STEP);
    const backprop = values[split.map[net.grads[p]!]!]!;
    s.text(NUM_COL, row, p, 'label');
    const cell = s.put(NUM_COL + 1, row, { formula: print(central.graph, central.num, { style: 'formula', ref: leaf }), result: resultOf(num), name: numericName(p, ...at), style: 'value', numFmt: VALUE_FORMAT });
    const bp = s.put(NUM_COL + 2, row, { formula: stepName(adjoint(p), t, batches), result: resultOf(backprop), style: 'value', numFmt: VALUE_FORMAT });
    s.put(NUM_COL + 3, row, { formula: `${cell}-${bp}`, result: resultOf(num - backprop), style: 'value', numFmt: DIFF_FORMAT });
    const note = kinkNote(plan, values, plus, minus);
    if (note) s.text(NUM_COL + 4, row, note, 'note');
  });
}
