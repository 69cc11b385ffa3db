// Printing: one walk over an expression, parameterised by a style from the rule
// table (plain text, TeX or spreadsheet formula). Named nodes (parameters,
// inputs, lets) print as a reference chosen by the caller, so a definition
// refers to other quantities by name instead of expanding them.

import type { Graph, Node } from './graph.ts';
import { ops, type OpName } from './ops.ts';

export type StyleName = 'text' | 'tex' | 'formula';

export interface PrintOptions {
  style: StyleName;
  /** How a named node is written (a name, a TeX symbol, a cell reference). */
  ref: (node: Node) => string;
  /** How a number is written. */
  number?: (v: number) => string;
  /** A named `let` to write out as its definition instead of as a reference (a quantity the reader has no cell for). */
  inline?: (node: Node) => boolean;
}

const ATOM = 9;

/** The definition of node `id`: a let prints its body, everything named inside prints as a reference. */
export function print(g: Graph, id: number, o: PrintOptions): string {
  const n = g.node(id);
  return walk(g, n.op === 'let' ? n.args[0]! : id, o).s;
}

function walk(g: Graph, id: number, o: PrintOptions): { s: string; prec: number } {
  const n = g.node(id);
  if (n.name !== undefined) {
    if (n.op === 'let' && o.inline?.(n)) return walk(g, n.args[0]!, o);
    return { s: o.ref(n), prec: ATOM };
  }
  if (n.op === 'const') {
    const v = n.value!;
    return { s: (o.number ?? String)(v), prec: v < 0 || Object.is(v, -0) ? 1.5 : ATOM };
  }
  const rule = ops[n.op as OpName];
  if (rule.transparent) return walk(g, n.args[0]!, o);
  const style = rule[o.style];
  const args = n.args.map((a, i) => {
    const p = walk(g, a, o);
    return p.prec < style.argPrec[i]! ? `(${p.s})` : p.s;
  });
  return { s: style.fmt(args[0]!, args[1] ?? '', args[2] ?? ''), prec: rule.prec };
}
