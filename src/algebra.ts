// An Algebra is what the rule table's derivative rules are written against:
// the same rule builds numbers in float64, numbers rounded like PyTorch's
// float32, expression nodes in a Graph, or lines of generated JavaScript.

import type { Graph } from './graph.ts';
import { fmaf } from './fma.ts';
import { ops, opNames, type OpName } from './ops.ts';

export type Dtype = 'float32' | 'float64';

export type Algebra<T> = { const(v: number): T } & {
  [K in OpName]: (a: T, b?: T, c?: T) => T;
};

/** Builds an algebra from one function that applies any op. */
export function algebra<T>(constant: (v: number) => T, apply: (op: OpName, a: T, b?: T, c?: T) => T): Algebra<T> {
  const A = { const: constant } as Algebra<T>;
  for (const op of opNames) A[op] = (a: T, b?: T, c?: T) => apply(op, a, b, c);
  return A;
}

/** Plain double arithmetic: what a spreadsheet computes (c − a·b rounds twice). */
export const float64: Algebra<number> = algebra(
  (v) => v,
  (op, a, b, c) => ops[op].eval(a, b!, c!),
);

/**
 * PyTorch's default dtype: every operation is rounded to float32. Rounding the
 * exact double result of one +, -, *, / of float32 operands is correctly
 * rounded, because double has more than 2·24+2 significand bits. addMul and
 * subMul round once, as the fused multiply-add of PyTorch's AVX2 kernels does.
 */
export const float32: Algebra<number> = algebra(
  Math.fround,
  (op, a, b, c) =>
    op === 'addMul' ? fmaf(b!, c!, a)
    : op === 'subMul' ? fmaf(-b!, c!, a)
    : ops[op].f32 ? ops[op].f32!.eval(a)
    : Math.fround(ops[op].eval(a, b!, c!)),
);

/** float32 as PyTorch's portable (non-vectorised) kernels compute it: c − a·b rounds the product first. */
export const float32Portable: Algebra<number> = algebra(
  Math.fround,
  (op, a, b, c) =>
    op === 'addMul' ? Math.fround(a + Math.fround(b! * c!))
    : op === 'subMul' ? Math.fround(a - Math.fround(b! * c!))
    : ops[op].f32 ? ops[op].f32!.eval(a)
    : Math.fround(ops[op].eval(a, b!, c!)),
);

export function numeric(dtype: Dtype, rounding: 'fused' | 'portable' = 'fused'): Algebra<number> {
  return dtype === 'float64' ? float64 : rounding === 'fused' ? float32 : float32Portable;
}

/** Builds expression nodes, folding the identities of the graph's constructors. */
export function expressions(g: Graph): Algebra<number> {
  return algebra(
    (v) => g.const(v),
    (op, a, b, c) => {
      switch (op) {
        case 'add': return g.add(a, b!);
        case 'sub': return g.sub(a, b!);
        case 'mul': return g.mul(a, b!);
        case 'div': return g.div(a, b!);
        case 'neg': return g.neg(a);
        default: return g.apply(op, ...[a, b, c].slice(0, ops[op].arity) as number[]);
      }
    },
  );
}
