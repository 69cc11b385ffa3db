// The symbolic derivatives as TeX: every adjoint ∂L/∂(name) as the chain-rule
// step that defines it (texEquation), then the same definition printed with
// the current value of each quantity in place of its symbol, then its value.
// Both strings are projections of the one graph (print.ts); nothing is re-derived here.

import type { Dtype } from '../../src/algebra.ts';
import { evaluate } from '../../src/evaluate.ts';
import { adjointOf } from '../../src/names.ts';
import type { Network } from '../../src/network.ts';
import { print } from '../../src/print.ts';
import { texEquation } from '../../src/toTex.ts';
import type { Params } from '../../src/trace.ts';
import { num } from './format.ts';

export interface DerivativeTex {
  name: string;
  /** `\frac{\partial L}{\partial w_{8}} = \frac{\partial L}{\partial z_{5}} \cdot a_{4}` */
  symbols: string;
  /** The right-hand side with numbers: `(-3.4030805) \cdot 0.18710934` */
  numbers: string;
  /**
   * The same line with a placeholder `\htmlClass{xlnum}{?}` per number and the
   * numbers in `slots`, in order: the page typesets the template once and then
   * only rewrites the numbers, which keeps a slider fast.
   */
  template: string;
  slots: string[];
  value: number;
  /** A parameter's gradient (the rest are intermediate adjoints). */
  param: boolean;
}

/** A number in TeX: 1.2e-7 as 1.2 × 10⁻⁷; negative numbers parenthesised, as they stand inside products. */
function texNumber(v: number): string {
  const s = num(v).replace(/e([+-]\d+)$/, (_, e: string) => ` \\times 10^{${Number(e)}}`);
  return v < 0 ? `(${s})` : s;
}

/** A function's argument needs only the function's parentheses: step((−1)) → step(−1). */
const unwrap = (tex: string) => tex.replace(/\(\(([^()]*)\)\)/g, '($1)');

const SLOT = '{\\htmlClass{xlnum}{?}}';
/** A number as the page writes it into a slot: a true minus sign, × 10ⁿ for exponents. */
const slotText = (v: number) => num(v).replace('-', '\u2212').replace(/e([+-])(\d+)$/, (_, s: string, e: string) => ` × 10${s === '-' ? '⁻' : ''}${[...e].map((c) => '⁰¹²³⁴⁵⁶⁷⁸⁹'[+c]).join('')}`);

export function derivatives(net: Network, params: Params, inputs: Params, dtype: Dtype): DerivativeTex[] {
  const v = evaluate(net.graph, { ...params, ...inputs }, dtype);
  return net.adjoints.map((name) => {
    const id = net.id[name]!;
    const slots: string[] = [];
    const template = unwrap(print(net.graph, id, {
      style: 'tex',
      ref: (n) => {
        slots.push(slotText(v[n.id]!));
        return v[n.id]! < 0 ? `(${SLOT})` : SLOT;
      },
      number: String,
    }));
    slots.push(slotText(v[id]!));
    return {
      name,
      symbols: texEquation(net.graph, id),
      numbers: unwrap(print(net.graph, id, { style: 'tex', ref: (n) => texNumber(v[n.id]!), number: String })),
      template: `= ${template} = ${SLOT}`,
      slots,
      value: v[id]!,
      param: net.params.includes(adjointOf(name) ?? ''),
    };
  });
}
