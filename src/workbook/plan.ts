// The graphs a workbook is printed from, built once per layout: the network's
// batch graph (one per batch size the run needs: full batches and a partial
// last one) split so every formula fits Excel's limits, the optimizer's update
// (optimizer.ts's optimizerUpdate, the rule the training driver applies, with
// its state as cells of their own), and the central difference as small graphs
// of their own, and which cells make up the forward and the backward pass.
// Every formula in a step sheet or a step row is a `print` of one of these
// graphs; only the references change from step to step.

import { expressions } from '../algebra.ts';
import type { Config, Optimizer } from '../config.ts';
import { centralDifference } from '../finiteDifference.ts';
import { Graph, type Node } from '../graph.ts';
import type { Network } from '../network.ts';
import { adjoint, ofSample, sampleOf, state as stateName, type StateKind } from '../names.ts';
import { optimizerUpdate, stateKinds, type ParamState } from '../optimizer.ts';
import { print } from '../print.ts';
import { batchesOf, networkOf } from '../train.ts';
import { dataName, stepName } from './names.ts';
import { splitFormulas, withLets, type Split } from './splitFormulas.ts';

/** Excel's limits are 8,192 characters and 64 levels; we stay well inside them. */
export const MAX_FORMULA_LENGTH = 4000;
export const MAX_FORMULA_DEPTH = 32;
/** The longest cell address: XFD1048576. */
const ADDRESS_LENGTH = 10;

/** How formulas refer to quantities: by defined name (`w3_e2`, the sheets layout) or by the address of this row's cell (`D4`, the rows layout). */
export type References = 'names' | 'addresses';

/** The graph of one batch size, split into cells. */
export interface BatchPlan {
  net: Network;
  split: Split;
  /** Split-graph ids of the forward-pass cells (named nodes and helpers), in evaluation order, ending with L. */
  forward: number[];
  /** Split-graph ids of the backward-pass cells. */
  backward: number[];
  /** Split-graph id of L. */
  loss: number;
}

/**
 * One optimizer step of one parameter as a graph. Leaves: θ (param), lr, g
 * (its gradient), the state before the step (inputs `mom_prev`, `m_prev`,
 * `v_prev`; none at the first step) and Adam's scalars (inputs `s` = lr/(1 − β₁ᵗ)
 * and `c2` = √(1 − β₂ᵗ)). The state after the step is a let of its kind's name
 * (`mom`, `m`, `v`), so the update of θ prints it as a reference to its cell.
 */
export interface UpdateGraph {
  graph: Graph;
  next: number;
  state: Partial<Record<StateKind, number>>;
}

export interface Plan extends BatchPlan {
  config: Config;
  /** Optimizer steps per epoch: 1 for full-batch runs, whose steps are named by epoch (w1_e3); else w1_e2b1. */
  batches: number;
  /** The plan of a batch of `size` samples (the full one, or the partial last batch's). */
  batch(size: number): BatchPlan;
  /** The update at the first step (no state yet) and at every later one, with the state kinds it keeps. */
  update: { first: UpdateGraph; later: UpdateGraph; kinds: StateKind[] };
  /** θ + h and θ − h, with leaves named θ, h. */
  perturb: { graph: Graph; plus: number; minus: number };
  /** (L⁺ − L⁻) / 2h, with leaves named L+, L-, h. */
  central: { graph: Graph; num: number };
}

const prevName = (k: StateKind) => `${k}_prev`;

function updateGraph(opt: Optimizer, first: boolean): UpdateGraph {
  const g = new Graph();
  const kinds = stateKinds(opt);
  const prev: ParamState<number> = first ? {} : Object.fromEntries(kinds.map((k) => [k, g.input(prevName(k))]));
  const adam = opt.name === 'adam' ? { stepSize: g.input('s'), bc2Sqrt: g.input('c2') } : undefined;
  const u = optimizerUpdate(expressions(g), opt, g.input('lr'), g.param('θ'), g.input('g'), prev, adam);
  const names = new Map<number, string>(kinds.map((k) => [u.state[k]!, k]));
  names.set(u.theta, 'next');
  const r = withLets(g, (id) => names.get(id));
  const state: UpdateGraph['state'] = {};
  for (const k of kinds) state[k] = r.graph.named(k);
  return { graph: r.graph, next: r.graph.named('next')!, state };
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

/** The longest way `node` is referenced anywhere in the workbook of `config`. */
function refLength(node: Node, config: Config, batches: number, refs: References): number {
  const name = node.name!;
  const samples = config.x.length;
  if (node.op === 'input') return refs === 'addresses' && samples > 1 ? ADDRESS_LENGTH : dataName(sampleOf(name).quantity, samples, samples).length;
  if (refs === 'addresses') return ADDRESS_LENGTH;
  const ref = stepName(name, (config.epochs + 1) * batches, batches).length;
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

function batchPlan(config: Config, net: Network, batches: number, refs: References): BatchPlan {
  const split = splitFormulas(net.graph, {
    maxLength: MAX_FORMULA_LENGTH,
    maxDepth: MAX_FORMULA_DEPTH,
    refLength: (n) => refLength(n, config, batches, refs),
    helperLength: ADDRESS_LENGTH,
  });
  const loss = split.map[net.loss]!;
  const cells = split.graph.nodes.filter((n) => n.op === 'let').map((n) => n.id);
  const gradients = new Set(net.params.map((p) => split.map[net.grads[p]!]!));
  return {
    net, split, loss,
    forward: cells.filter((id) => id <= loss),
    backward: readingOrder(split, cells.filter((id) => id > loss), gradients),
  };
}

/** The plan of `config`'s workbook. Every valid config has one; its size is checked by the layout before anything is laid out. */
export function planWorkbook(config: Config, net?: Network, refs: References = 'names'): Plan {
  net ??= networkOf(config);
  const batches = batchesOf(config.x.length, config.batchSize).length;
  const full = batchPlan(config, net, batches, refs);
  const plans = new Map<number, BatchPlan>([[net.batch, full]]);
  const batch = (size: number): BatchPlan => {
    let p = plans.get(size);
    if (!p) plans.set(size, (p = batchPlan(config, networkOf(config, size), batches, refs)));
    return p;
  };
  const opt = config.optimizer;
  return {
    ...full, config, batches, batch,
    update: { first: updateGraph(opt, true), later: updateGraph(opt, false), kinds: stateKinds(opt) },
    perturb: perturbGraph(),
    central: centralGraph(),
  };
}

/**
 * A quantity of a partial batch's graph under the name of its column in the
 * rows layout: a graph of one sample names its quantities without a sample
 * (z3), the full batch's graph names them z3_n1.
 */
export function fullBatchName(full: Network, net: Network): (name: string) => string {
  if (net.batch !== 1 || full.batch === 1) return (name) => name;
  return (name) => (full.id[name] !== undefined ? name : ofSample(name, 1));
}

/** Leaf names of an update graph, for printers: θ, lr, g, the state before (`mom_prev`) and after (`mom`), Adam's s and c2. */
export type UpdateLeaf = { theta: true } | { lr: true } | { grad: true } | { prev: StateKind } | { state: StateKind } | { adam: 's' | 'c2' };

/** What a named node of an update graph stands for. */
export function updateLeaf(n: Node): UpdateLeaf {
  const name = n.name!;
  if (name === 'θ') return { theta: true };
  if (name === 'lr') return { lr: true };
  if (name === 'g') return { grad: true };
  if (name === 's' || name === 'c2') return { adam: name };
  if (name.endsWith('_prev')) return { prev: name.slice(0, -5) as StateKind };
  return { state: name as StateKind };
}

/** An update graph's leaves as plain names of parameter p: θ → w8, g → dL_dw8, mom → mom_w8. */
function leafText(p: string) {
  return (n: Node): string => {
    const l = updateLeaf(n);
    return 'theta' in l ? p : 'lr' in l ? 'lr' : 'grad' in l ? adjoint(p) : 'prev' in l ? stateName(l.prev, p) : 'state' in l ? stateName(l.state, p) : l.adam;
  };
}

/** The update of parameter p as plain text over names: `w8 - lr * dL_dw8`, printed from the update graph. */
export function updateText(plan: Plan, p: string, first = false): string {
  const { graph, next } = first ? plan.update.first : plan.update.later;
  return print(graph, next, { style: 'text', ref: leafText(p) });
}

/** The state `kind` of parameter p after a step, as plain text: `mom_w1 = mom_w1 * 0.9 + 1 * dL_dw1`. */
export function stateText(plan: Plan, p: string, kind: StateKind, first = false): string {
  const u = first ? plan.update.first : plan.update.later;
  return print(u.graph, u.state[kind]!, { style: 'text', ref: leafText(p) });
}
