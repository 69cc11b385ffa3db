// A quantity's definition with the numbers plugged in, as plain text, for the
// diagram's units and edges: `z3 = w3 · a1 + w4 · a2 + b3 = 0.5 · 0.2 + … =
// 0.33`. Both sides are printed from the one graph (print.ts), the numbers
// are the graph evaluated at the epoch's parameters; nothing is re-derived.

import type { Dtype } from '../../src/algebra.ts';
import { evaluate } from '../../src/evaluate.ts';
import type { Node } from '../../src/graph.ts';
import { adjointOf } from '../../src/names.ts';
import type { Network } from '../../src/network.ts';
import { print } from '../../src/print.ts';
import type { Params } from '../../src/trace.ts';
import { num } from './format.ts';

/** `dL_dw5` → `∂L/∂w5`, `yhat1` → `ŷ1`. */
export const shown = (name: string): string => {
  const q = adjointOf(name);
  return q === undefined ? name.replace(/^yhat/, 'ŷ') : `∂L/∂${shown(q)}`;
};

const MINUS = '\u2212';
/** A number as the formulas print it: num() with a true minus sign. */
export const number = (v: number): string => num(v).replace('-', MINUS);
const tidy = (s: string) => s.replace(/ \* /g, ' · ').replace(/ - /g, ` ${MINUS} `);
/** A function's argument needs only the function's parentheses: relu((−1)) → relu(−1). */
const unwrap = (s: string) => s.replace(/\(\(([^()]*)\)\)/g, '($1)');

/** Each named quantity's value, for `lines`: the graph evaluated as the run computes it. */
export function values(net: Network, params: Params, inputs: Params, dtype: Dtype): Float64Array {
  return evaluate(net.graph, { ...params, ...inputs }, dtype);
}

/** `name = definition = definition with numbers = value`; a parameter or an input is just `name = value`. */
export function line(net: Network, v: Float64Array, name: string): string {
  const id = net.id[name];
  if (id === undefined) return name;
  const node = net.graph.node(id);
  const value = number(v[id]!);
  if (node.op !== 'let') return `${shown(name)} = ${value}`;
  const ref = (byName: (n: Node) => string) => tidy(print(net.graph, id, { style: 'text', ref: byName, number: number }));
  const symbols = ref((n) => shown(n.name!));
  const numbers = unwrap(ref((n) => (v[n.id]! < 0 ? `(${number(v[n.id]!)})` : number(v[n.id]!))));
  // A definition that is one other quantity (ŷ = z5 with an identity output) needs no middle step.
  if (numbers.replace(/^\((.*)\)$/, '$1') === value) return `${shown(name)} = ${symbols} = ${value}`;
  return `${shown(name)} = ${symbols} = ${numbers} = ${value}`;
}
