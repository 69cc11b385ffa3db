// The rule table: for every operation, in one place, how it evaluates, how it
// differentiates and how it prints as plain text, TeX and a spreadsheet formula.
// Every projection of the graph (evaluation, backprop, symbolic derivatives,
// compiled code, printers, workbook) reads this table and nothing else.
//
// `grad` is written once against an Algebra, so the same line of maths builds
// numbers (backprop), expression nodes (symbolic) or JavaScript source (compile).

import type { Algebra } from './algebra.ts';

export type OpName =
  | 'add' | 'sub' | 'mul' | 'div' | 'neg' | 'square' | 'relu' | 'step' | 'sigmoid' | 'tanh' | 'exp'
  | 'log' | 'sqrt' | 'softplus' | 'max' | 'detach' | 'addMul' | 'subMul';

/** How one printer style writes an op, given its already printed arguments. */
export interface Style {
  fmt: (a: string, b: string, c: string) => string;
  /** Arguments printed with a lower precedence than this get parentheses. */
  argPrec: readonly number[];
}

export interface Rule {
  arity: 1 | 2 | 3;
  /** Printed as its argument alone (detach). */
  transparent?: boolean;
  eval: (a: number, b: number, c: number) => number;
  /** Adjoint contributions to each argument: ∂out/∂arg · g. */
  grad: <T>(A: Algebra<T>, args: T[], out: T, g: T) => T[];
  /** Precedence of the printed result (9 = atom: a name, a number, a call). */
  prec: number;
  text: Style;
  tex: Style;
  formula: Style;
  /** JavaScript source, for compile.ts (arguments are always plain variables). */
  js: (a: string, b: string, c: string) => string;
  /**
   * Where PyTorch's float32 kernel rounds inside the operation, the float32
   * value and its source (`f` is Math.fround); otherwise float32 rounds `eval`'s result once.
   */
  f32?: { eval: (a: number) => number; js: (a: string) => string };
}

const ATOM = 9;
const call = (fn: string): Style => ({ fmt: (a) => `${fn}(${a})`, argPrec: [0] });
const same = (s: Style) => ({ text: s, tex: s, formula: s });

export const ops: Record<OpName, Rule> = {
  // d(a+b)/da = 1, d(a+b)/db = 1
  add: {
    arity: 2, prec: 1,
    js: (a, b) => `${a} + ${b}`,
    eval: (a, b) => a + b,
    grad: (_A, _args, _out, g) => [g, g],
    ...same({ fmt: (a, b) => `${a} + ${b}`, argPrec: [1, 2] }),
  },
  // d(a-b)/da = 1, d(a-b)/db = -1
  sub: {
    arity: 2, prec: 1,
    js: (a, b) => `${a} - ${b}`,
    eval: (a, b) => a - b,
    grad: (A, _args, _out, g) => [g, A.neg(g)],
    ...same({ fmt: (a, b) => `${a} - ${b}`, argPrec: [1, 2] }),
  },
  // d(ab)/da = b, d(ab)/db = a
  mul: {
    arity: 2, prec: 2,
    js: (a, b) => `${a} * ${b}`,
    eval: (a, b) => a * b,
    grad: (A, [a, b], _out, g) => [A.mul(g, b!), A.mul(g, a!)],
    text: { fmt: (a, b) => `${a} * ${b}`, argPrec: [2, 3] },
    tex: { fmt: (a, b) => `${a} \\cdot ${b}`, argPrec: [2, 3] },
    formula: { fmt: (a, b) => `${a}*${b}`, argPrec: [2, 3] },
  },
  // d(a/b)/da = 1/b, d(a/b)/db = -a/b²
  div: {
    arity: 2, prec: 2,
    js: (a, b) => `${a} / ${b}`,
    eval: (a, b) => a / b,
    grad: (A, [a, b], _out, g) => [A.div(g, b!), A.neg(A.div(A.mul(g, a!), A.square(b!)))],
    text: { fmt: (a, b) => `${a} / ${b}`, argPrec: [2, 3] },
    tex: { fmt: (a, b) => `\\frac{${a}}{${b}}`, argPrec: [0, 0] },
    formula: { fmt: (a, b) => `${a}/${b}`, argPrec: [2, 3] },
  },
  // d(-a)/da = -1. The argument of a minus sign is parenthesised unless atomic:
  // spreadsheets read -a^2 as (-a)^2.
  neg: {
    arity: 1, prec: 1.5,
    js: (a) => `-${a}`,
    eval: (a) => -a,
    grad: (A, _args, _out, g) => [A.neg(g)],
    ...same({ fmt: (a) => `-${a}`, argPrec: [5] }),
  },
  // d(a²)/da = 2a
  square: {
    arity: 1, prec: 4,
    js: (a) => `${a} * ${a}`,
    eval: (a) => a * a,
    grad: (A, [a], _out, g) => [A.mul(g, A.mul(A.const(2), a!))],
    text: { fmt: (a) => `${a}^2`, argPrec: [ATOM] },
    tex: { fmt: (a) => `${a}^{2}`, argPrec: [ATOM] },
    formula: { fmt: (a) => `${a}^2`, argPrec: [ATOM] },
  },
  // d relu(a)/da = step(a), which is 0 at a = 0 exactly (PyTorch's convention).
  relu: {
    arity: 1, prec: ATOM,
    js: (a) => `(${a} > 0 ? ${a} : 0)`,
    eval: (a) => (a > 0 ? a : 0),
    grad: (A, [a], _out, g) => [A.mul(g, A.step(a!))],
    text: call('relu'),
    tex: call('\\operatorname{ReLU}'),
    formula: { fmt: (a) => `MAX(0,${a})`, argPrec: [0] },
  },
  // step(a) = 1 if a > 0 else 0; its derivative is 0 everywhere it exists.
  step: {
    arity: 1, prec: ATOM,
    js: (a) => `(${a} > 0 ? 1 : 0)`,
    eval: (a) => (a > 0 ? 1 : 0),
    grad: (A) => [A.const(0)],
    text: call('step'),
    tex: call('\\operatorname{step}'),
    formula: { fmt: (a) => `IF(${a}>0,1,0)`, argPrec: [0] },
  },
  // σ'(a) = σ(a)(1 - σ(a)), written with the output; multiplied in PyTorch's
  // order, g·(1 − σ)·σ, so float32 rounds the same way
  sigmoid: {
    arity: 1, prec: ATOM,
    js: (a) => `1 / (1 + Math.exp(-${a}))`,
    eval: (a) => 1 / (1 + Math.exp(-a)),
    // PyTorch's float32 kernel rounds e^-a, then 1 + e^-a, then the quotient.
    f32: {
      eval: (a) => Math.fround(1 / Math.fround(1 + Math.fround(Math.exp(-a)))),
      js: (a) => `f(1 / f(1 + f(Math.exp(-${a}))))`,
    },
    grad: (A, _args, out, g) => [A.mul(A.mul(g, A.sub(A.const(1), out)), out)],
    text: call('sigmoid'),
    tex: call('\\sigma'),
    formula: { fmt: (a) => `(1/(1+EXP(-${a})))`, argPrec: [5] },
  },
  // tanh'(a) = 1 - tanh(a)²
  tanh: {
    arity: 1, prec: ATOM,
    js: (a) => `Math.tanh(${a})`,
    eval: Math.tanh,
    grad: (A, _args, out, g) => [A.mul(g, A.sub(A.const(1), A.square(out)))],
    text: call('tanh'),
    tex: call('\\tanh'),
    formula: call('TANH'),
  },
  // exp'(a) = exp(a)
  exp: {
    arity: 1, prec: ATOM,
    js: (a) => `Math.exp(${a})`,
    eval: Math.exp,
    grad: (A, _args, out, g) => [A.mul(g, out)],
    text: call('exp'),
    tex: { fmt: (a) => `e^{${a}}`, argPrec: [0] },
    formula: call('EXP'),
  },
  // log'(a) = 1/a
  log: {
    arity: 1, prec: ATOM,
    js: (a) => `Math.log(${a})`,
    eval: Math.log,
    grad: (A, [a], _out, g) => [A.div(g, a!)],
    text: call('log'),
    tex: call('\\log'),
    formula: call('LN'),
  },
  // sqrt'(a) = 1 / (2·sqrt(a))
  sqrt: {
    arity: 1, prec: ATOM,
    js: (a) => `Math.sqrt(${a})`,
    eval: Math.sqrt,
    grad: (A, _args, out, g) => [A.div(g, A.mul(A.const(2), out))],
    text: call('sqrt'),
    tex: { fmt: (a) => `\\sqrt{${a}}`, argPrec: [0] },
    formula: call('SQRT'),
  },
  // softplus(a) = log(1 + e^a), computed as max(a, 0) + log(1 + e^-|a|) so it
  // never overflows; softplus'(a) = σ(a). Binary cross-entropy on a logit z
  // with target y is softplus(z) − y·z.
  softplus: {
    arity: 1, prec: ATOM,
    js: (a) => `(Math.max(${a}, 0) + Math.log1p(Math.exp(-Math.abs(${a}))))`,
    eval: (a) => Math.max(a, 0) + Math.log1p(Math.exp(-Math.abs(a))),
    grad: (A, [a], _out, g) => [A.mul(g, A.sigmoid(a!))],
    text: call('softplus'),
    tex: call('\\operatorname{softplus}'),
    formula: { fmt: (a) => `(MAX(${a},0)+LN(1+EXP(-ABS(${a}))))`, argPrec: [0] },
  },
  // max(a, b): ∂/∂a = step(a − b), ∂/∂b = 1 − step(a − b)
  max: {
    arity: 2, prec: ATOM,
    js: (a, b) => `Math.max(${a}, ${b})`,
    eval: (a, b) => Math.max(a, b),
    grad: (A, [a, b], _out, g) => {
      const s = A.step(A.sub(a!, b!));
      return [A.mul(g, s), A.mul(g, A.sub(A.const(1), s))];
    },
    text: { fmt: (a, b) => `max(${a}, ${b})`, argPrec: [0, 0] },
    tex: { fmt: (a, b) => `\\max(${a}, ${b})`, argPrec: [0, 0] },
    formula: { fmt: (a, b) => `MAX(${a},${b})`, argPrec: [0, 0] },
  },
  // detach(a) = a, through which no derivative flows (PyTorch's .detach()). The
  // softmax shift m = max(z) is one: log-softmax does not depend on it, so its
  // exact derivative is 0 and treating it as a constant is the maths, not a trick.
  detach: {
    arity: 1, prec: 0, transparent: true,
    js: (a) => a,
    eval: (a) => a,
    grad: (A) => [A.const(0)],
    ...same({ fmt: (a) => a, argPrec: [0] }),
  },
  // addMul(c, a, b) = c + a·b rounded once, as PyTorch's fused
  // `c.add_(b, alpha=a)` does in float32. ∂/∂c = 1, ∂/∂a = b, ∂/∂b = a.
  addMul: {
    arity: 3, prec: 1,
    js: (c, a, b) => `${c} + ${a} * ${b}`,
    eval: (c, a, b) => c + a * b,
    grad: (A, [c, a, b], _out, g) => { void c; return [g, A.mul(g, b!), A.mul(g, a!)]; },
    text: { fmt: (c, a, b) => `${c} + ${a} * ${b}`, argPrec: [1, 2, 3] },
    tex: { fmt: (c, a, b) => `${c} + ${a} \\cdot ${b}`, argPrec: [1, 2, 3] },
    formula: { fmt: (c, a, b) => `${c} + ${a}*${b}`, argPrec: [1, 2, 3] },
  },
  // subMul(c, a, b) = c − a·b rounded once (the SGD step θ − lr·g).
  // ∂/∂c = 1, ∂/∂a = −b, ∂/∂b = −a.
  subMul: {
    arity: 3, prec: 1,
    js: (c, a, b) => `${c} - ${a} * ${b}`,
    eval: (c, a, b) => c - a * b,
    grad: (A, [c, a, b], _out, g) => { void c; return [g, A.neg(A.mul(g, b!)), A.neg(A.mul(g, a!))]; },
    text: { fmt: (c, a, b) => `${c} - ${a} * ${b}`, argPrec: [1, 2, 3] },
    tex: { fmt: (c, a, b) => `${c} - ${a} \\cdot ${b}`, argPrec: [1, 2, 3] },
    formula: { fmt: (c, a, b) => `${c} - ${a}*${b}`, argPrec: [1, 2, 3] },
  },
};

export const opNames = Object.keys(ops) as OpName[];
