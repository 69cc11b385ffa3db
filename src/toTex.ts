// TeX projection: names become symbols (yhat1 → \hat{y}_{1}, dL_dw8 → ∂L/∂w₈).

import type { Graph } from './graph.ts';
import { adjointOf, sampleOf } from './names.ts';
import { print } from './print.ts';

/** TeX symbol for an xlgrad name; sample k of a batch is a superscript (k). */
export function texName(name: string): string {
  const of = adjointOf(name);
  if (of !== undefined) return `\\frac{\\partial L}{\\partial ${texName(of)}}`;
  const { quantity, sample } = sampleOf(name);
  const m = /^(yhat|logp|[a-zA-Z]+?)(\d+)$/.exec(quantity);
  const base = !m ? quantity : m[1] === 'yhat' ? '\\hat{y}' : m[1] === 'logp' ? '\\log p' : m[1]!;
  const sub = m ? `_{${m[2]}}` : '';
  return sample === undefined ? `${base}${sub}` : `${base}${sub}^{(${sample})}`;
}

export function toTex(g: Graph, id: number): string {
  return print(g, id, { style: 'tex', ref: (n) => texName(n.name!) });
}

/** `name = definition` as a TeX equation. */
export function texEquation(g: Graph, id: number): string {
  return `${texName(g.node(id).name!)} = ${toTex(g, id)}`;
}
