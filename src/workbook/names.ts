// The workbook's naming scheme: every quantity xlgrad writes is a workbook-level
// defined name, so a formula reads as maths (`=w3_e1*a1_e1+w4_e1*a2_e1+b3_e1`)
// and anything that reads a workbook (verify, a learner's-workbook checker)
// finds a quantity by name instead of by cell address. The quantities
// themselves (w1, b3, z3, a4, yhat1, L, dL_dw8) are named by ../names.ts; this
// module adds the epoch (or the column) and the workbook's own cells.
//
// The sheets layout (one sheet per epoch):
//   <quantity>_e<k>      value in epoch k: w1_e1 (parameters entering epoch k),
//                        z3_e1, a4_e1, yhat1_e1, L_e1, dL_dz5_e1, dL_dw8_e1
// The rows layout (one row per optimizer step on the Training sheet):
//   <quantity>_col       the quantity's column, its rows in step order: w1_col,
//                        z3_col, L_col, dL_dw1_col (row k of it is step k)
//   <param>_init         the initial parameters (on the Inputs sheet)
// Both:
//   <param>_final        parameters after the last update
//   x_<i>, y_<i>, lr     the data point and the learning rate (x1 would be a cell address)
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

/** A graph quantity in epoch k: `w1_e1`, `dL_dz5_e2`. */
export const epochName = (quantity: string, epoch: number): string => `${quantity}_e${epoch}`;

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

export const plusName = (param: string, epoch: number): string => `Lplus_${param}_e${epoch}`;
export const minusName = (param: string, epoch: number): string => `Lminus_${param}_e${epoch}`;
export const numericName = (param: string, epoch: number): string => `num_${adjoint(param)}_e${epoch}`;

const NUMERIC = new RegExp(`^num_${ADJOINT_PREFIX}(\\w+?)_e(\\d+)$`);

/** Parses a name of the scheme back into its parts (undefined for names xlgrad does not write). */
export function parseName(name: string): { quantity: string; epoch?: number; final?: true; kind: 'epoch' | 'final' | 'plus' | 'minus' | 'numeric' | 'input' | 'setting' | 'column' | 'init' } | undefined {
  let m: RegExpMatchArray | null;
  if ([LR, STEP, CONFIG, TOL_ABS, TOL_REL].includes(name)) return { quantity: name, kind: 'setting' };
  if ((m = name.match(/^([xy])_(\d+)$/))) return { quantity: `${m[1]}${m[2]}`, kind: 'input' };
  if ((m = name.match(/^Lplus_(\w+?)_e(\d+)$/))) return { quantity: m[1]!, epoch: +m[2]!, kind: 'plus' };
  if ((m = name.match(/^Lminus_(\w+?)_e(\d+)$/))) return { quantity: m[1]!, epoch: +m[2]!, kind: 'minus' };
  if ((m = name.match(NUMERIC))) return { quantity: m[1]!, epoch: +m[2]!, kind: 'numeric' };
  if ((m = name.match(/^(\w+?)_final$/))) return { quantity: m[1]!, final: true, kind: 'final' };
  if ((m = name.match(/^(\w+?)_col$/))) return { quantity: m[1]!, kind: 'column' };
  if ((m = name.match(/^(\w+?)_init$/))) return { quantity: m[1]!, kind: 'init' };
  if ((m = name.match(/^(\w+?)_e(\d+)$/))) return { quantity: m[1]!, epoch: +m[2]!, kind: 'epoch' };
  return undefined;
}
