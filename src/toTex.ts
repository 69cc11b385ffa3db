// TeX projection: names become symbols (yhat1 → \hat{y}_{1}, dL_dw8 → ∂L/∂w₈).

import type { Graph } from './graph.ts';
import { print } from './print.ts';

/** TeX symbol for an xlgrad name. */
export function texName(name: string): string {
  const grad = /^dL_d(.+)$/.exec(name);
  if (grad) return `\\frac{\\partial L}{\\partial ${texName(grad[1]!)}}`;
  const m = /^(yhat|[a-zA-Z]+?)(\d+)$/.exec(name);
  if (!m) return name;
  const base = m[1] === 'yhat' ? '\\hat{y}' : m[1]!;
  return `${base}_{${m[2]}}`;
}

export function toTex(g: Graph, id: number): string {
  return print(g, id, { style: 'tex', ref: (n) => texName(n.name!) });
}

/** `name = definition` as a TeX equation. */
export function texEquation(g: Graph, id: number): string {
  return `${texName(g.node(id).name!)} = ${toTex(g, id)}`;
}
