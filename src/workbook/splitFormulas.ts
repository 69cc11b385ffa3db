// Keeping spreadsheet formulas within Excel's limits for any network size.
//
// A formula may hold at most 8,192 characters and 64 levels of nesting. Named
// quantities already print as references (z3 = w3*a1 + w4*a2 + b3), but one
// definition can still be long: z over 1,024 inputs is a 1,024-term sum, and so
// is ∂L/∂a over 1,024 consumers. This pass picks unnamed sub-expressions to
// become helper cells of their own, then replays the graph with each helper
// wrapped in a `let`, so `print` writes a helper as a reference like any name.
//
// How a helper is picked: nodes are visited in topological order and each gets
// an upper bound on the length and nesting of its printed formula (references
// counted at their longest). When a node would break the budget, its longest
// arguments become helpers until it fits. A long left-nested sum
// ((((t1+t2)+t3)+…)+tn) is thereby cut into consecutive partial sums, each
// one referencing the previous: the operation order, and so every float64
// result, is exactly the graph's.

import { expressions } from '../algebra.ts';
import { Graph, type Node } from '../graph.ts';
import { ops, type OpName } from '../ops.ts';

export interface FormulaBudget {
  /** Most characters a formula may have (Excel: 8,192). */
  maxLength: number;
  /** Most levels of parentheses and function calls (Excel: 64). */
  maxDepth: number;
  /** The longest reference a named node can print as, in any cell that uses it. */
  refLength: (node: Node) => number;
  /** The longest reference to a helper cell. */
  helperLength: number;
}

export interface Split {
  /** The graph replayed, with every helper wrapped in a let named `_h<original id>`. */
  graph: Graph;
  /** Original node id → id in `graph` (for a helper, its let). */
  map: Int32Array;
  /** Ids in `graph` of the helper lets (of the lets withLets added). */
  helpers: Set<number>;
}

interface Size {
  len: number;
  depth: number;
  prec: number;
}

const ATOM = 9;

/** Stand-ins for the printed arguments, one per argument position (the rule table's ops take up to 3). */
const SLOTS = ['\u0001', '\u0002', '\u0003'] as const;

/** Characters a formula template adds around its arguments, the nesting at each argument, and how often each is printed. */
function template(op: OpName): { extra: number; depthAt: number[]; depth: number; uses: number[] } {
  const s = ops[op].formula.fmt(...SLOTS);
  const depthAt = SLOTS.map(() => 0);
  const uses = SLOTS.map(() => 0);
  let level = 0, depth = 0;
  for (const ch of s) {
    const i = (SLOTS as readonly string[]).indexOf(ch);
    if (ch === '(') depth = Math.max(depth, ++level);
    else if (ch === ')') level--;
    else if (i >= 0) {
      depthAt[i] = Math.max(depthAt[i]!, level);
      uses[i]!++;
    }
  }
  return { extra: s.length - uses.reduce((a, b) => a + b, 0), depthAt, depth, uses };
}

const templates = new Map<OpName, ReturnType<typeof template>>();
const templateOf = (op: OpName) => templates.get(op) ?? templates.set(op, template(op)).get(op)!;

function sizeOf(n: Node, args: Size[]): Size {
  const rule = ops[n.op as OpName];
  const t = templateOf(n.op as OpName);
  let len = t.extra, depth = t.depth;
  args.forEach((a, i) => {
    const wrap = a.prec < rule.formula.argPrec[i]! ? 1 : 0;
    len += t.uses[i]! * (a.len + 2 * wrap);
    depth = Math.max(depth, t.depthAt[i]! + a.depth + wrap);
  });
  return { len, depth, prec: rule.prec };
}

/** Chooses helper nodes so that every printed definition fits `budget`, and replays the graph with them. */
export function splitFormulas(g: Graph, budget: FormulaBudget): Split {
  const size: Size[] = new Array(g.nodes.length);
  const helper = new Uint8Array(g.nodes.length);
  const fits = (s: Size) => s.len <= budget.maxLength && s.depth <= budget.maxDepth;
  for (const n of g.nodes) {
    if (n.name !== undefined) size[n.id] = { len: budget.refLength(n), depth: 0, prec: ATOM };
    else if (n.op === 'const') size[n.id] = { len: String(n.value).length, depth: 0, prec: n.value! < 0 || Object.is(n.value, -0) ? 1.5 : ATOM };
    else {
      let s = sizeOf(n, n.args.map((a) => size[a]!));
      while (!fits(s)) {
        // The longest argument that is still inline becomes a helper cell.
        const inline = n.args.filter((a) => !helper[a] && g.node(a).name === undefined && g.node(a).op !== 'const');
        if (inline.length === 0) throw new Error(`splitFormulas: node ${n.id} (${n.op}) cannot fit the budget`);
        const longest = inline.reduce((a, b) => (size[b]!.len > size[a]!.len ? b : a));
        helper[longest] = 1;
        size[longest] = { len: budget.helperLength, depth: 0, prec: ATOM };
        s = sizeOf(n, n.args.map((a) => size[a]!));
      }
      size[n.id] = s;
    }
  }
  return withLets(g, (id) => (helper[id] ? `_h${id}` : undefined));
}

/**
 * The graph replayed with the nodes `letName` names wrapped in a let of that
 * name, so every expression using them prints a reference instead of
 * expanding them. The operations, and so every result, are the graph's.
 */
export function withLets(g: Graph, letName: (id: number) => string | undefined): Split {
  const out = new Graph();
  const E = expressions(out);
  const map = new Int32Array(g.nodes.length);
  const helpers = new Set<number>();
  for (const n of g.nodes) {
    const [a, b, c] = [0, 1, 2].map((i) => map[n.args[i] ?? 0]!) as [number, number, number];
    let id: number;
    switch (n.op) {
      case 'const': id = out.const(n.value!); break;
      case 'param': id = out.param(n.name!); break;
      case 'input': id = out.input(n.name!); break;
      case 'let': id = out.let(n.name!, a); break;
      default: id = E[n.op as OpName](a, b, c);
    }
    const name = letName(n.id);
    if (name !== undefined) {
      id = out.let(name, id);
      helpers.add(id);
    }
    map[n.id] = id;
  }
  return { graph: out, map, helpers };
}
