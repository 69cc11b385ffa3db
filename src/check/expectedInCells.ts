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

/** A node of the copy and whether it stands for its own negative. */
interface Signed {
  id: number;
  negative: boolean;
}

/**
 * The expression `body` of `g` copied into a new graph for a sheet that holds
 * some quantities negated (oppositeSign.ts): each shown quantity becomes a leaf
 * named by its key, negative when `negated(key)`, a quantity shown nowhere is
 * written out, and the target is negated when it is held negated itself. Signs
 * are gathered out of products, quotients, sums and negations (−a·b = −(a·b),
 * a − (−b) = a + b, w − η·(−g) = w + η·g) so the formula reads as the learner would write it
 * (`=B5 + $H$2*AB5`, not `=B5 - $H$2*(-AB5)`); any other operation takes its
 * argument's sign inside.
 */
function signedCopy(g: Graph, body: number, keyOf: (n: Node) => string, inline: (n: Node) => boolean, negated: (key: string) => boolean, targetNegated: boolean): { g: Graph; id: number } {
  const h = new Graph();
  const memo = new Map<number, Signed>();
  // −(a − b) is b − a, and −(x·(a − b)) is x·(b − a): a negation a difference can take in, found left to right; else none.
  // Memoised, so a shared sub-expression is looked into once.
  const absorbing = new Map<number, number | undefined>();
  const absorbed = (id: number): number | undefined => {
    if (absorbing.has(id)) return absorbing.get(id);
    const n = h.node(id);
    let out: number | undefined;
    if (n.op === 'neg') out = n.args[0]!;
    else if (n.op === 'sub') out = h.sub(n.args[1]!, n.args[0]!);
    else if (n.op === 'add') {
      // −(a + b) = (−a) + (−b) when both terms take it in.
      const [a, b] = n.args.map(absorbed);
      out = a !== undefined && b !== undefined ? h.add(a, b) : undefined;
    }
    else if (n.op === 'mul' || n.op === 'div') {
      const [a, b] = n.args as [number, number];
      const make = (x: number, y: number) => (n.op === 'mul' ? h.mul(x, y) : h.div(x, y));
      const left = absorbed(a);
      const right = left === undefined ? absorbed(b) : undefined;
      out = left !== undefined ? make(left, b) : right !== undefined ? make(a, right) : undefined;
    }
    absorbing.set(id, out);
    return out;
  };
  const plain = (s: Signed) => (s.negative ? absorbed(s.id) ?? h.neg(s.id) : s.id);
  const copy = (id: number): Signed => {
    const known = memo.get(id);
    if (known) return known;
    const n = g.node(id);
    let out: Signed;
    if (n.name !== undefined && !(n.op === 'let' && inline(n))) out = { id: h.input(keyOf(n)), negative: negated(keyOf(n)) };
    else if (n.name !== undefined) out = copy(n.args[0]!);
    else if (n.op === 'const') out = { id: h.const(n.value!), negative: false };
    else {
      const [a, b] = n.args.map(copy) as [Signed, Signed];
      switch (n.op) {
        case 'neg': out = { id: a.id, negative: !a.negative }; break;
        case 'mul': out = { id: h.mul(a.id, b.id), negative: a.negative !== b.negative }; break;
        case 'div': out = { id: h.div(a.id, b.id), negative: a.negative !== b.negative }; break;
        // −a + −b = −(a + b); −a + b = b − a.
        case 'add': out = a.negative === b.negative ? { id: h.add(a.id, b.id), negative: a.negative } : { id: a.negative ? h.sub(b.id, a.id) : h.sub(a.id, b.id), negative: false }; break;
        // a − (−b) = a + b; −a − b = −(a + b); −a − (−b) = b − a.
        case 'sub': out = a.negative === b.negative ? { id: a.negative ? h.sub(b.id, a.id) : h.sub(a.id, b.id), negative: false } : { id: h.add(a.id, b.id), negative: a.negative }; break;
        // c ∓ a·b: with the product's sign the operation turns (c − (−a·b) = c + a·b), with c's the whole (−c − a·b = −(c + a·b)).
        case 'addMul':
        case 'subMul': {
          const c = a, [x, y] = n.args.slice(1).map(copy) as [Signed, Signed];
          const turned = c.negative !== (x.negative !== y.negative);
          out = { id: h.apply(turned ? (n.op === 'addMul' ? 'subMul' : 'addMul') : n.op, c.id, x.id, y.id), negative: c.negative };
          break;
        }
        default: out = { id: h.apply(n.op as Parameters<Graph['apply']>[0], ...n.args.map((x) => plain(copy(x)))), negative: false };
      }
    }
    memo.set(id, out);
    return out;
  };
  const top = copy(body);
  return { g: h, id: plain({ id: top.id, negative: top.negative !== targetNegated }) };
}

/**
 * Quantity `q`, checked at cell `at`, as a formula over the cells `mapping`
 * gives; undefined for a value the run starts from, or when a quantity it rests
 * on is in no cell and cannot be written out (a parameter, an input), or when
 * it would be longer than a spreadsheet formula may be. `negated` names the
 * quantities the sheet holds with the opposite sign: their cells are read as
 * their negatives, and a negated `q` is written as its own negative.
 */
export function expectedInCells(net: Network, q: Quantity, epochs: number, mapping: Mapping, at: string, negated: (key: string) => boolean = () => false): InCells | undefined {
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
  let cellOf = (n: Node) => nearest(mapping[keyOf(n)], target);
  let inline = (n: Node) => cellOf(n) === undefined;
  let body = g.node(id).op === 'let' ? g.node(id).args[0]! : id;
  if (negated(q.key) || Object.keys(mapping).some(negated)) {
    // The copy's leaves are named by their keys and are all shown or all parameters and inputs.
    ({ g, id } = signedCopy(g, body, keyOf, inline, negated, negated(q.key)));
    body = id;
    keyOf = (n) => n.name!;
    cellOf = (n: Node) => nearest(mapping[keyOf(n)], target);
    inline = () => false;
  }
  /** A quantity as the formula writes it: its cell, seen from the target's sheet; or its key when no cell holds it. */
  const written = (n: Node) => {
    const cell = cellOf(n);
    if (cell === undefined) return keyOf(n);
    const r = parseRef(cell)!;
    // The learning rate is one cell every row reads: absolute, as learners write it ($H$2).
    const address = keyOf(n) === LR ? r.address.replace(/^([A-Z]+)(\d+)$/, '$$$1$$$2') : r.address;
    return r.sheet === target.sheet ? address : cell.replace(/![^!]+$/, `!${address}`);
  };
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
