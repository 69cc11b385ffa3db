// The Comparison sheet, the article's Figure 12: for every optimizer step (an
// epoch of a full-batch run), the loss, the parameters and their gradients as
// recorded by PyTorch, beside the workbook's live value, their absolute and
// relative difference and a pass mark.
//
// Where the workbook's value is read depends on the layout: a defined name
// (L_e3) in the sheets layout, step 3's cell of the Training sheet in the rows
// layout; `valueRef` says.
//
// The reference is the recorded PyTorch run whose config matches; without one,
// the engine's own run in the config's dtype (labelled as such). A float32
// reference differs from the float64 workbook by float32 rounding, about 1e-7
// relative per operation, hence the looser tolerance.

import type { Config } from '../config.ts';
import { findFixture } from '../fixtures.ts';
import { adjoint } from '../names.ts';
import type { Network } from '../network.ts';
import { networkOf, train, type Params } from '../train.ts';
import { DIFF_FORMAT, resultOf, SheetBuilder, VALUE_FORMAT, type LayoutSheet, type WorkbookLayout } from './layout.ts';
import { stepLabel, TOL_ABS, TOL_REL } from './names.ts';
import type { Plan } from './plan.ts';
import type { WorkbookRun } from './runWorkbook.ts';

export interface Reference {
  label: string;
  tolerance: { rel: number; abs: number };
  /** Per optimizer step: the parameters entering it, their gradients and the loss. */
  steps: { params: Params; grads: Params; loss: number }[];
  final?: Params;
}

/**
 * float32 vs float64: pass when |diff| ≤ 1e-6 or |diff| ≤ 1e-5·|reference|, agreement to
 * what float32's 7 digits can hold after a few roundings. float64 vs float64: 1e-15 or 1e-12.
 */
export const TOLERANCE = { float32: { rel: 1e-5, abs: 1e-6 }, float64: { rel: 1e-12, abs: 1e-15 } } as const;

export function referenceOf(config: Config, net: Network = networkOf(config)): Reference {
  const tolerance = TOLERANCE[config.dtype];
  const T = config.epochs * Math.ceil(config.x.length / config.batchSize);
  const f = findFixture(config);
  if (f) {
    return {
      label: `PyTorch ${f.torch} recording "${f.name}" (${f.config.dtype})`,
      tolerance,
      steps: f.steps.slice(0, T).map((e) => ({ params: e.params, grads: e.grads, loss: e.loss })),
      final: f.steps[T]?.params ?? f.final,
    };
  }
  const steps: Reference['steps'] = [];
  const run = train(config, { net });
  let r = run.next();
  for (; !r.done; r = run.next()) steps.push({ params: r.value.params, grads: r.value.grads, loss: r.value.loss });
  return {
    label: `xlgrad ${config.dtype} ${config.dtype === 'float32' ? 'emulation' : 'engine'} (no PyTorch recording for this config)`,
    tolerance,
    steps,
    ...(steps.length < T ? {} : { final: r.value }),
  };
}

interface Row {
  step: string;
  quantity: string;
  reference: number | undefined;
  /** The formula reading the workbook's value, and its float64 value. */
  ref: string;
  value: number;
  gradient?: boolean;
}

/** How a formula reads quantity q of step t (t undefined: the final parameters). */
export type ValueRef = (quantity: string, step: number | undefined) => string;

function rowsOf(plan: Plan, run: WorkbookRun, ref: Reference, at: ValueRef): Row[] {
  const { net } = plan;
  const rows: Row[] = [];
  for (const { step: t, params, values, plan: bp } of run.steps) {
    const r = ref.steps[t - 1];
    const step = stepLabel(t, plan.batches);
    rows.push({ step, quantity: 'L', reference: r?.loss, ref: at('L', t), value: values[bp.loss]! });
    for (const p of net.params) rows.push({ step, quantity: p, reference: r?.params[p], ref: at(p, t), value: params[p]! });
    for (const p of net.params) {
      const dp = adjoint(p);
      rows.push({ step, quantity: dp, reference: r?.grads[p], ref: at(dp, t), value: values[bp.split.map[bp.net.grads[p]!]!]!, gradient: true });
    }
  }
  for (const p of net.params) rows.push({ step: 'final', quantity: p, reference: ref.final?.[p], ref: at(p, undefined), value: run.final[p]! });
  return rows;
}

function comparisonRow(s: SheetBuilder, row: number, x: Row, tol: Reference['tolerance']): void {
  s.text(0, row, x.step, 'label');
  const nonzero = x.gradient && x.reference !== undefined && x.reference !== 0;
  s.text(1, row, x.quantity, nonzero ? 'nonzero' : 'label');
  s.put(3, row, { formula: x.ref, result: resultOf(x.value), style: Number.isFinite(x.value) ? 'value' : 'error', numFmt: VALUE_FORMAT });
  const c = x.reference;
  if (c === undefined || !Number.isFinite(c)) {
    // Text, never a NaN or Infinity number, which would corrupt the file.
    s.text(2, row, c === undefined ? 'not recorded' : String(c), 'note');
    s.text(7, row, c === undefined ? 'the reference run has no value here (it stopped when training diverged)' : 'the reference value is not a finite number', 'note');
    return;
  }
  const d = x.value, abs = Math.abs(d - c);
  const pass = abs <= tol.abs || (c !== 0 && abs / Math.abs(c) <= tol.rel);
  const [C, D, E] = [`C${row}`, `D${row}`, `E${row}`];
  s.put(2, row, { value: c, style: 'value', numFmt: VALUE_FORMAT });
  s.put(4, row, { formula: `ABS(${D}-${C})`, result: resultOf(abs), style: 'value', numFmt: DIFF_FORMAT });
  s.put(5, row, { formula: `IF(${C}=0,"—",${E}/ABS(${C}))`, result: c === 0 ? '—' : resultOf(abs / Math.abs(c)), style: 'value', numFmt: DIFF_FORMAT });
  s.put(6, row, {
    formula: `IF(${E}<=${TOL_ABS},"pass",IF(${C}=0,"FAIL",IF(${E}/ABS(${C})<=${TOL_REL},"pass","FAIL")))`,
    result: Number.isFinite(abs) ? (pass ? 'pass' : 'FAIL') : { error: '#NUM!' },
    style: pass ? 'pass' : 'fail',
  });
  if (nonzero) s.text(7, row, 'non-zero gradient (the article circled these)', 'note');
}

export function comparisonSheet(plan: Plan, run: WorkbookRun, names: WorkbookLayout['names'], at: ValueRef): LayoutSheet {
  const ref = referenceOf(plan.config, plan.net);
  const { rel, abs } = ref.tolerance;
  const s = new SheetBuilder('Comparison', names);
  s.text(0, 1, 'Comparison with PyTorch (the article\'s Figure 12)', 'title');
  s.text(0, 2, `Reference: ${ref.label}. The workbook computes in float64; a value passes when |difference| ≤ ${abs} or |difference| ≤ ${rel} × |reference|.`, 'note');
  s.text(0, 3, 'tolerance', 'label');
  s.text(1, 3, 'relative', 'label');
  s.put(2, 3, { value: rel, name: TOL_REL, style: 'param', numFmt: DIFF_FORMAT });
  s.text(3, 3, 'absolute', 'label');
  s.put(4, 3, { value: abs, name: TOL_ABS, style: 'param', numFmt: DIFF_FORMAT });
  if (plan.config.dtype === 'float32') {
    s.text(0, 4, 'Over many epochs float32 drifts from float64: an update smaller than half a float32 step of its parameter is lost, so FAILs late in a long run show float32 rounding, not a wrong formula.', 'note');
  }
  [plan.batches === 1 ? 'epoch' : 'step', 'quantity', 'reference', 'workbook', 'abs diff', 'rel diff', 'pass', 'note'].forEach((h, i) => s.text(i, 5, h, 'header'));
  rowsOf(plan, run, ref, at).forEach((x, i) => comparisonRow(s, 6 + i, x, ref.tolerance));
  return { name: s.name, cells: s.cells, columns: [8, 12, 22, 22, 12, 12, 8, 44], frozen: { rows: 5, cols: 0 } };
}
