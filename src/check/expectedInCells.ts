// The expected formula of a quantity written over the learner's own cells: the
// graph's definition printed as a spreadsheet formula (print.ts), each quantity
// the workbook shows written as the cell that holds it, the one nearest the
// checked cell (its own row first), and each quantity it does not show written
// out as its own definition, down to quantities it does. The workbook writer
// prints the same graph with defined names; this prints it with the learner's
// addresses. ∂E/∂w3 of the course template, which has no δ columns, comes out
// as the learner would type it: =(0.5*(2*(S5 - B5))*(1 - S5)*S5*L5 + …)*(1 - Q5)*Q5*D5.

import { expressions } from '../algebra.ts';
import { Graph, type Node } from '../graph.ts';
import { MAX_EXPECTED_FORMULA_CHARS } from '../limits.ts';
import { adjoint } from '../names.ts';
import type { Network } from '../network.ts';
import { ops, type OpName } from '../ops.ts';
import { sgdUpdate } from '../optimizer.ts';
import { print } from '../print.ts';
import { epochName, LR } from '../workbook/names.ts';
import { parseAddress } from '../spreadsheet/address.ts';
import { parseRef, type CellRef } from './cellRef.ts';
import { inputKey, type Mapping, type Quantity } from './mapping.ts';

export interface InCells {
  /** `=(…)*Q5*D5`, with its `=`. */
  formula: string;
  /** Each cell the formula reads (as in the mapping, `Sheet1!Q5`) → the quantity key it stands for. */
  cells: Map<string, string>;
}

/** Of the cells holding one quantity, the one nearest `at`: same sheet, same row, then fewest rows and columns away. */
function nearest(cells: readonly string[] | undefined, at: CellRef): string | undefined {
  if (!cells?.length) return undefined;
  const here = parseAddress(at.address)!;
  const distance = (cell: string) => {
    const r = parseRef(cell)!;
    if (r.sheet !== at.sheet) return Infinity;
    const p = parseAddress(r.address)!;
    return (p.row === here.row ? 0 : 1e9) + Math.abs(p.row - here.row) + Math.abs(p.column - here.column);
  };
  return cells.reduce((best, c) => (distance(c) < distance(best) ? c : best));
}

/**
 * An upper bound on the printed length of node `id`, counted from the same
 * printers `print` uses: each operation's text with empty arguments, two
 * parentheses per argument, and its arguments' bounds. Memoised, so a
 * definition that would print exponentially long is measured in one pass over
 * the graph and refused before it is printed.
 */
function lengthBound(g: Graph, id: number, inline: (n: Node) => boolean, ref: (n: Node) => string, memo = new Map<number, number>()): number {
  const known = memo.get(id);
  if (known !== undefined) return known;
  const n = g.node(id);
  let length: number;
  if (n.name !== undefined) length = n.op === 'let' && inline(n) ? lengthBound(g, n.args[0]!, inline, ref, memo) : ref(n).length;
  else if (n.op === 'const') length = String(n.value).length + 2;
  else {
    const rule = ops[n.op as OpName];
    const args = n.args.reduce((sum, a) => sum + lengthBound(g, a, inline, ref, memo) + 2, 0);
    length = rule.transparent ? args : rule.formula.fmt('', '', '').length + args;
  }
  memo.set(id, length);
  return length;
}

/**
 * Quantity `q`, checked at cell `at`, as a formula over the cells `mapping`
 * gives; undefined for a value the run starts from, or when a quantity it rests
 * on is in no cell and cannot be written out (a parameter, an input), or when
 * it would be longer than a spreadsheet formula may be.
 */
export function expectedInCells(net: Network, q: Quantity, epochs: number, mapping: Mapping, at: string): InCells | undefined {
  const k = q.epoch === 'final' ? epochs + 1 : q.epoch;
  if (k === 0) return undefined;
  const isParam = net.params.includes(q.name);
  if (isParam && k === 1) return undefined;
  const target = parseRef(at)!;
  let g: Graph, id: number, keyOf: (n: Node) => string;
  if (isParam) {
    // The update rule, built from the same optimizer step the engine takes.
    g = new Graph();
    id = g.let(q.key, sgdUpdate(expressions(g), g.param(epochName(q.name, k - 1)), g.input(LR), g.input(epochName(adjoint(q.name), k - 1))));
    keyOf = (n) => n.name!;
  } else {
    g = net.graph;
    id = net.id[q.name]!;
    keyOf = (n) => (n.op === 'input' ? inputKey(n.name!) : epochName(n.name!, k));
  }
  const cellOf = (n: Node) => nearest(mapping[keyOf(n)], target);
  const inline = (n: Node) => cellOf(n) === undefined;
  /** A quantity as the formula writes it: its cell, seen from the target's sheet; or its key when no cell holds it. */
  const written = (n: Node) => {
    const cell = cellOf(n);
    if (cell === undefined) return keyOf(n);
    const r = parseRef(cell)!;
    // The learning rate is one cell every row reads: absolute, as learners write it ($H$2).
    const address = keyOf(n) === LR ? r.address.replace(/^([A-Z]+)(\d+)$/, '$$$1$$$2') : r.address;
    return r.sheet === target.sheet ? address : cell.replace(/![^!]+$/, `!${address}`);
  };
  const body = g.node(id).op === 'let' ? g.node(id).args[0]! : id;
  if (lengthBound(g, body, inline, written) + 1 > MAX_EXPECTED_FORMULA_CHARS) return undefined;
  let complete = true;
  const cells = new Map<string, string>();
  const ref = (n: Node) => {
    const cell = cellOf(n);
    if (cell === undefined) complete = false;
    else cells.set(cell, keyOf(n));
    return written(n);
  };
  const formula = `=${print(g, id, { style: 'formula', ref, inline })}`;
  return complete ? { formula, cells } : undefined;
}
