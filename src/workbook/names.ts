// The workbook's naming scheme: every quantity xlgrad writes is a workbook-level
// defined name, so a formula reads as maths (`=w3_e1*a1_e1+w4_e1*a2_e1+b3_e1`)
// and anything that reads a workbook (verify, a learner's-workbook checker)
// finds a quantity by name instead of by cell address. The quantities
// themselves (w1, b3, z3, a4, yhat1, L, dL_dw8) are named by ../names.ts; this
// module adds the epoch (or the column) and the workbook's own cells.
//
// The sheets layout (one sheet per optimizer step):
//   <quantity>_e<k>      value in epoch k of a full-batch run: w1_e1 (parameters
//                        entering epoch k), z3_e1, a4_e1, yhat1_e1, L_e1, dL_dz5_e1,
//                        dL_dw8_e1, mom_w1_e1 (optimizer state after the step)
//   <quantity>_e<k>b<j>  the same in batch j of epoch k, when an epoch has several
//                        batches: w1_e2b1, z3_n2_e1b2 (sample 2 of the batch)
// The rows layout (one row per optimizer step on the Training sheet):
//   <quantity>_col       the quantity's column, its rows in step order: w1_col,
//                        z3_col, L_col, dL_dw1_col (row k of it is step k)
//   <param>_init         the initial parameters (on the Inputs sheet)
// Both:
//   <param>_final        parameters after the last update
//   x_<i>, y_<i>, lr     the data point and the learning rate (x1 would be a cell address)
//   x_<i>_s<n>, y_<i>_s<n>  sample n of the data set, when there are several
//   fd_h                 the finite-difference step h
//   Lplus_<p>_e<k>       L with parameter p at θ + h (Lminus_… at θ − h)
//   num_dL_d<p>_e<k>     the central difference (Lplus − Lminus) / 2h
//   tol_abs, tol_rel     the Comparison sheet's tolerances
//   config_json          the run's configuration (first cell of a column of JSON text)
//
// Every name contains an underscore, so none can be read as a cell address
// (both Excel and LibreOffice reject such names).

import { adjoint, ADJOINT_PREFIX } from '../names.ts';

export const LR = 'lr';
export const STEP = 'fd_h';
export const CONFIG = 'config_json';
export const TOL_ABS = 'tol_abs';
export const TOL_REL = 'tol_rel';

/** A graph quantity in epoch k (and batch j of it): `w1_e1`, `dL_dz5_e2`, `z3_n2_e1b2`. */
export const epochName = (quantity: string, epoch: number, batch?: number): string => `${quantity}_e${epoch}${batch === undefined ? '' : `b${batch}`}`;

/**
 * A graph quantity in optimizer step t (1-based) of a run with `batches`
 * batches per epoch: `w1_e3` when every epoch is one step, else `w1_e2b1`.
 */
export const stepName = (quantity: string, step: number, batches: number): string => epochName(quantity, ...stepOf(step, batches));

/** Step t's epoch, and its batch when an epoch has several. */
export const stepOf = (step: number, batches: number): [number, number?] =>
  batches === 1 ? [step] : [Math.ceil(step / batches), ((step - 1) % batches) + 1];

/** How a step is shown: `3` (epoch 3) or `e2b1` (epoch 2, batch 1). */
export function stepLabel(step: number, batches: number): string {
  const [e, b] = stepOf(step, batches);
  return b === undefined ? String(e) : `e${e}b${b}`;
}

/** The rows layout's column of a quantity, one row per step: `L_col`, `dL_dw1_col`. */
export const columnRangeName = (quantity: string): string => `${quantity}_col`;

/** Step k's row of a column, as verify reports it: `L_col[3]` (what INDEX(L_col, 3) holds). */
export const columnRowName = (quantity: string, step: number): string => `${quantity}_col[${step}]`;

/** A parameter's initial value in the rows layout: `w1_init`. */
export const initName = (param: string): string => `${param}_init`;

/** A parameter after the last update: `w1_final`. */
export const finalName = (param: string): string => `${param}_final`;

/** An input or target (`x1`, `y2` in the graph): `x_1`, `y_2`. */
export const inputName = (input: string): string => input.replace(/^([a-z]+)(\d+)$/, '$1_$2');

/**
 * Input or target i of data-set sample n (1-based) of a data set of `samples`
 * samples: `x_1` when there is one sample, else `x_1_s3`. `input` is the
 * graph's name without a sample (`x1`).
 */
export const dataName = (input: string, sample: number, samples: number): string => (samples === 1 ? inputName(input) : `${inputName(input)}_s${sample}`);

export const plusName = (param: string, epoch: number, batch?: number): string => epochName(`Lplus_${param}`, epoch, batch);
export const minusName = (param: string, epoch: number, batch?: number): string => epochName(`Lminus_${param}`, epoch, batch);
export const numericName = (param: string, epoch: number, batch?: number): string => epochName(`num_${adjoint(param)}`, epoch, batch);

/** `_e3` or `_e2b1` at the end of a name: epoch and batch. */
const STEP_SUFFIX = '_e(\\d+)(?:b(\\d+))?$';
const NUMERIC = new RegExp(`^num_${ADJOINT_PREFIX}(\\w+?)${STEP_SUFFIX}`);
const PLUS = new RegExp(`^Lplus_(\\w+?)${STEP_SUFFIX}`);
const MINUS = new RegExp(`^Lminus_(\\w+?)${STEP_SUFFIX}`);
const EPOCH = new RegExp(`^(\\w+?)${STEP_SUFFIX}`);
const step = (m: RegExpMatchArray) => ({ epoch: +m[2]!, ...(m[3] === undefined ? {} : { batch: +m[3] }) });

/** Parses a name of the scheme back into its parts (undefined for names xlgrad does not write). */
export function parseName(name: string): { quantity: string; epoch?: number; batch?: number; sample?: number; final?: true; kind: 'epoch' | 'final' | 'plus' | 'minus' | 'numeric' | 'input' | 'setting' | 'column' | 'init' } | undefined {
  let m: RegExpMatchArray | null;
  if ([LR, STEP, CONFIG, TOL_ABS, TOL_REL].includes(name)) return { quantity: name, kind: 'setting' };
  if ((m = name.match(/^([xy])_(\d+)(?:_s(\d+))?$/))) return { quantity: `${m[1]}${m[2]}`, ...(m[3] === undefined ? {} : { sample: +m[3] }), kind: 'input' };
  if ((m = name.match(PLUS))) return { quantity: m[1]!, ...step(m), kind: 'plus' };
  if ((m = name.match(MINUS))) return { quantity: m[1]!, ...step(m), kind: 'minus' };
  if ((m = name.match(NUMERIC))) return { quantity: m[1]!, ...step(m), kind: 'numeric' };
  if ((m = name.match(/^(\w+?)_final$/))) return { quantity: m[1]!, final: true, kind: 'final' };
  if ((m = name.match(/^(\w+?)_col$/))) return { quantity: m[1]!, kind: 'column' };
  if ((m = name.match(/^(\w+?)_init$/))) return { quantity: m[1]!, kind: 'init' };
  if ((m = name.match(EPOCH))) return { quantity: m[1]!, ...step(m), kind: 'epoch' };
  return undefined;
}
