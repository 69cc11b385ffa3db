// The graphs a workbook is printed from, built once per layout: the network's
// graph split so every formula fits Excel's limits, the SGD update θ − lr·g
// (optimizer.ts's sgdUpdate, the rule the training driver applies) and
// the central difference as small graphs of their own, and which cells make
// up the forward and the backward pass. Every formula in an epoch sheet is a
// `print` of one of these graphs; only the references change from epoch to epoch.

import { expressions } from '../algebra.ts';
import type { Config } from '../config.ts';
import { centralDifference } from '../finiteDifference.ts';
import { Graph, type Node } from '../graph.ts';
import type { Network } from '../network.ts';
import { adjoint } from '../names.ts';
import { sgdUpdate } from '../optimizer.ts';
import { print } from '../print.ts';
import { networkOf } from '../train.ts';
import { epochName, inputName } from './names.ts';
import { splitFormulas, type Split } from './splitFormulas.ts';
import { supported } from './supported.ts';

/** Excel's limits are 8,192 characters and 64 levels; we stay well inside them. */
export const MAX_FORMULA_LENGTH = 4000;
export const MAX_FORMULA_DEPTH = 32;
/** The longest cell address: XFD1048576. */
const ADDRESS_LENGTH = 10;

/** How formulas refer to quantities: by defined name (`w3_e2`, the sheets layout) or by the address of this row's cell (`D4`, the rows layout). */
export type References = 'names' | 'addresses';

export interface Plan {
  config: Config;
  net: Network;
  split: Split;
  /** Split-graph ids of the forward-pass cells (named nodes and helpers), in evaluation order, ending with L. */
  forward: number[];
  /** Split-graph ids of the backward-pass cells. */
  backward: number[];
  /** Split-graph id of L. */
  loss: number;
  /** θ − lr·g, with leaves named θ, lr, g. */
  update: { graph: Graph; next: number };
  /** θ + h and θ − h, with leaves named θ, h. */
  perturb: { graph: Graph; plus: number; minus: number };
  /** (L⁺ − L⁻) / 2h, with leaves named L+, L-, h. */
  central: { graph: Graph; num: number };
}

function updateGraph(): Plan['update'] {
  const g = new Graph();
  const next = g.let('next', sgdUpdate(expressions(g), g.param('θ'), g.input('lr'), g.input('g')));
  return { graph: g, next };
}

function perturbGraph(): Plan['perturb'] {
  const g = new Graph();
  const theta = g.param('θ'), h = g.input('h');
  return { graph: g, plus: g.let('plus', g.add(theta, h)), minus: g.let('minus', g.sub(theta, h)) };
}

function centralGraph(): Plan['central'] {
  const g = new Graph();
  const num = g.let('num', centralDifference(expressions(g), g.input('L+'), g.input('L-'), g.input('h')));
  return { graph: g, num };
}

/** The longest way `node` is referenced anywhere in the workbook of a run with `epochs` epochs. */
function refLength(node: Node, epochs: number, refs: References): number {
  const name = node.name!;
  if (node.op === 'input') return inputName(name).length;
  if (refs === 'addresses') return ADDRESS_LENGTH;
  const ref = epochName(name, epochs + 1).length;
  // A parameter inside a numeric pass prints as (w1_e1 + fd_h).
  return node.op === 'param' ? ref + 9 : ref;
}

/**
 * The nodes `pick` chooses inside the definition of let `id`, without looking
 * inside them or inside any other named node: the cells a formula refers to
 * (pick lets), or the helper cells written into it directly (pick helpers).
 */
export function inside(g: Graph, id: number, pick: (n: Node) => boolean): number[] {
  const found: number[] = [];
  const stack = [g.node(id).args[0]!];
  const seen = new Set<number>();
  while (stack.length) {
    const n = g.node(stack.pop()!);
    if (seen.has(n.id)) continue;
    seen.add(n.id);
    if (pick(n)) found.push(n.id);
    else if (n.name === undefined) stack.push(...n.args);
  }
  return found;
}

/** The cells (lets) the definition of let `id` refers to. */
const reads = (split: Split, id: number): number[] => inside(split.graph, id, (n) => n.op === 'let');

/**
 * The backward cells in reading order: the adjoints in the order reverse mode
 * names them, with each parameter's gradient moved up to just after the last
 * cell it reads (dL_db5, dL_dw8 and dL_dw7 right after dL_dz5), so the sheet
 * goes down the network layer by layer, as the article's backward pass does.
 * Every cell still comes after the cells it refers to.
 */
function readingOrder(split: Split, cells: number[], gradients: Set<number>): number[] {
  const rest = cells.filter((id) => !gradients.has(id));
  const position = new Map(rest.map((id, i) => [id, i]));
  const after: number[][] = rest.map(() => []);
  const unanchored: number[] = [];
  for (const id of cells) {
    if (!gradients.has(id)) continue;
    const last = Math.max(-1, ...reads(split, id).map((r) => position.get(r) ?? -1));
    (last >= 0 ? after[last]! : unanchored).push(id);
  }
  return [...rest.flatMap((id, i) => [id, ...after[i]!]), ...unanchored];
}

/** The plan of `config`'s workbook; a config no workbook can show is refused first (supported.ts), before any graph is built. */
export function planWorkbook(config: Config, net?: Network, refs: References = 'names'): Plan {
  supported(config);
  net ??= networkOf(config);
  const split = splitFormulas(net.graph, {
    maxLength: MAX_FORMULA_LENGTH,
    maxDepth: MAX_FORMULA_DEPTH,
    refLength: (n) => refLength(n, config.epochs, refs),
    helperLength: ADDRESS_LENGTH,
  });
  const loss = split.map[net.loss]!;
  const cells = split.graph.nodes.filter((n) => n.op === 'let').map((n) => n.id);
  const gradients = new Set(net.params.map((p) => split.map[net.grads[p]!]!));
  return {
    config, net, split, loss,
    forward: cells.filter((id) => id <= loss),
    backward: readingOrder(split, cells.filter((id) => id > loss), gradients),
    update: updateGraph(),
    perturb: perturbGraph(),
    central: centralGraph(),
  };
}

/** The update of parameter p as plain text over names: `w8 - lr * dL_dw8`, printed from the update graph. */
export function updateText(plan: Plan, p: string): string {
  const { graph, next } = plan.update;
  return print(graph, next, { style: 'text', ref: (n) => (n.name === 'θ' ? p : n.name === 'lr' ? 'lr' : adjoint(p)) });
}
