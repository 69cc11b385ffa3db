// The expression graph: every number xlgrad shows is a node of one of these.
//
// Nodes are stored in creation order, and a node's arguments are always created
// before it, so the array index order is a topological order: evaluation walks
// it forwards and reverse mode walks it backwards, with no sort needed.
// Structurally equal nodes are shared (hash-consing), so a sub-expression used
// twice is one node and its gradient contributions accumulate.

import type { OpName } from './ops.ts';

export type Leaf = 'const' | 'param' | 'input';

export interface Node {
  readonly id: number;
  readonly op: OpName | Leaf | 'let';
  readonly args: readonly number[];
  /** Parameter, input or `let` name (`w1`, `x1`, `z3`, `dL_dw8`). */
  readonly name?: string;
  /** Value of a `const` node. */
  readonly value?: number;
}

export class Graph {
  readonly nodes: Node[] = [];
  private readonly shared = new Map<Node['op'], Map<number | string, number>>();
  private readonly names = new Map<string, number>();

  private make(op: Node['op'], args: number[], name?: string, value?: number): number {
    const key = this.key(op, args, name, value);
    const table = this.shared.get(op) ?? this.shared.set(op, new Map()).get(op)!;
    const found = table.get(key);
    if (found !== undefined) return found;
    const id = this.nodes.length;
    // Every node has the same shape, which keeps property access fast.
    this.nodes.push({ id, op, args, name, value });
    table.set(key, id);
    if (name !== undefined) {
      if (this.names.has(name)) throw new Error(`graph: name ${name} is defined twice`);
      this.names.set(name, id);
    }
    return id;
  }

  /**
   * What makes two nodes of one op the same. Operations are keyed by their
   * argument ids packed into one number (ids stay below 2^26), which a Map
   * hashes far faster than a string: a network of 600,000 nodes builds in about
   * a second. Named nodes are keyed by name; constants by value, with -0 apart from 0.
   */
  private key(op: Node['op'], args: number[], name?: string, value?: number): number | string {
    if (name !== undefined) return name;
    if (op === 'const') return Object.is(value, -0) ? '-0' : value!;
    if (args.length === 3) return args.join(',');
    return args.length === 1 ? args[0]! : args[0]! * 2 ** 26 + args[1]!;
  }

  node(id: number): Node {
    return this.nodes[id]!;
  }

  /** The node carrying a name (parameter, input or let), or undefined. */
  named(name: string): number | undefined {
    return this.names.get(name);
  }

  isConst(id: number, v?: number): boolean {
    const n = this.nodes[id]!;
    return n.op === 'const' && (v === undefined || Object.is(n.value, v));
  }

  const(value: number): number {
    return this.make('const', [], undefined, value);
  }
  param(name: string): number {
    return this.make('param', [], name);
  }
  input(name: string): number {
    return this.make('input', [], name);
  }
  /** Gives a sub-expression a name: it prints as that name inside other expressions. */
  let(name: string, a: number): number {
    return this.make('let', [a], name);
  }

  // Arithmetic constructors fold the identities that reverse mode produces
  // (adjoint 1, local derivative 1, contribution 0) so derivative expressions
  // read like the chain rule a person would write.
  add(a: number, b: number): number {
    if (this.isConst(a, 0)) return b;
    if (this.isConst(b, 0)) return a;
    return this.make('add', [a, b]);
  }
  sub(a: number, b: number): number {
    if (this.isConst(b, 0)) return a;
    if (this.isConst(a, 0)) return this.neg(b);
    return this.make('sub', [a, b]);
  }
  mul(a: number, b: number): number {
    if (this.isConst(a, 0) || this.isConst(b, 0)) return this.const(0);
    if (this.isConst(a, 1)) return b;
    if (this.isConst(b, 1)) return a;
    return this.make('mul', [a, b]);
  }
  div(a: number, b: number): number {
    if (this.isConst(b, 1)) return a;
    return this.make('div', [a, b]);
  }
  neg(a: number): number {
    const n = this.nodes[a]!;
    if (n.op === 'const') return this.const(-n.value!);
    if (n.op === 'neg') return n.args[0]!;
    return this.make('neg', [a]);
  }
  /** Any other operation of the rule table, unfolded. */
  apply(op: Exclude<OpName, 'add' | 'sub' | 'mul' | 'div' | 'neg'>, ...args: number[]): number {
    return this.make(op, args);
  }
  unary(op: 'square' | 'relu' | 'step' | 'sigmoid' | 'tanh' | 'exp' | 'log' | 'sqrt' | 'softplus' | 'detach', a: number): number {
    return this.make(op, [a]);
  }
}
