// Compilation: the training driver (train.ts) projected to JavaScript. The
// sample's forward pass, reverse mode from the same rule table, the loss
// reduction and the optimizer's update are emitted through the code Algebra
// as straight-line statements, inside plain loops over epochs, batches and
// samples, so V8 keeps the values in registers.
//
// It computes exactly what train() computes: a batch graph sums each
// parameter's contributions over the samples in order, and so does the loop
// (from −0, which leaves the first contribution exact); every sample's loss term
// gets the adjoint dL/dS of the batch sum S.
//
// V8 only optimises functions of modest size (about 60 kB of bytecode in Node
// 20), so the per-sample statements are split into functions of at most
// CHUNK statements; values crossing a split travel through a scratch array.

import { algebra, expressions, numeric, type Algebra, type Dtype } from './algebra.ts';
import { reverse } from './backprop.ts';
import type { Config } from './config.ts';
import { evaluate } from './evaluate.ts';
import { fmaf } from './fma.ts';
import { Graph } from './graph.ts';
import { reduceLoss, type Network } from './network.ts';
import { ops } from './ops.ts';
import { adamScalars, optimizerUpdate, stateKinds, type ParamState } from './optimizer.ts';

/**
 * Runs `epochs` epochs in place on `params` (net.params order) and `state`
 * (per parameter its optimizer state, stateKinds order) and writes each step's
 * loss to `losses`. `x` and `y` hold the samples row by row (cross-entropy's y
 * one-hot). `t` is the number of steps already taken. Returns the steps run:
 * fewer when a loss is not finite (that step's update is not applied).
 */
export type TrainLoop = (params: Float64Array, state: Float64Array, x: Float64Array, y: Float64Array, epochs: number, losses: Float64Array, t?: number) => number;

type CompileConfig = Pick<Config, 'lr' | 'dtype' | 'optimizer' | 'loss' | 'batchSize'> & { samples: number; rounding?: 'fused' | 'portable' };

/** Statements per generated function. */
const CHUNK = 1000;

/** dL/dS, the adjoint every sample's loss term gets in a batch of `size`, as the batch graph computes it. */
function lossSeed(loss: Config['loss'], size: number, outputs: number, dtype: Dtype, A: Algebra<number>): number {
  const g = new Graph();
  const S = g.param('S');
  const L = g.let('L', reduceLoss(expressions(g), loss, S, size, outputs));
  return reverse(g, evaluate(g, { S: 1 }, dtype), L, A)[S] ?? 0;
}

/** One emitted statement: `const name = expr;` or `target = expr;`. */
interface Statement {
  name?: string;
  target?: string;
  expr: string;
}

const TEMP = /\bt\d+\b/g;

/** The statements a target depends on, in order (the reverse walk also builds adjoints nothing reads). */
function live(statements: Statement[]): Statement[] {
  const used = new Set<string>();
  const kept: Statement[] = [];
  for (let i = statements.length - 1; i >= 0; i--) {
    const s = statements[i]!;
    if (s.name && !used.has(s.name)) continue;
    for (const u of s.expr.match(TEMP) ?? []) used.add(u);
    kept.push(s);
  }
  return kept.reverse();
}

/** Statements as functions c0, c1, … of at most CHUNK statements; a value used in a later function is passed through `r`. */
function chunked(statements: Statement[]): { functions: string[]; calls: string; scratch: number } {
  const parts: Statement[][] = [];
  for (let i = 0; i < statements.length; i += CHUNK) parts.push(statements.slice(i, i + CHUNK));
  const home = new Map<string, number>();
  parts.forEach((part, c) => part.forEach((s) => s.name && home.set(s.name, c)));
  const slot = new Map<string, number>();
  const imports = parts.map((part, c) => {
    const mine = new Set<string>();
    for (const s of part) for (const u of s.expr.match(TEMP) ?? []) if (home.get(u) !== c) {
      mine.add(u);
      if (!slot.has(u)) slot.set(u, slot.size);
    }
    return mine;
  });
  const functions = parts.map((part, c) => {
    const lines = [...imports[c]!].map((u) => `const ${u} = r[${slot.get(u)}];`);
    for (const s of part) {
      lines.push(s.name ? `const ${s.name} = ${s.expr};` : `${s.target} = ${s.expr};`);
      if (s.name && slot.has(s.name)) lines.push(`r[${slot.get(s.name)}] = ${s.name};`);
    }
    return `function c${c}(n, seed, x, y) {\n  ${lines.join('\n  ')}\n}`;
  });
  return { functions, calls: parts.map((_, c) => `c${c}(n, seed, x, y);`).join(' '), scratch: slot.size };
}

export function compileTrainLoop(net: Network, config: CompileConfig): TrainLoop {
  if (net.batch !== 1) throw new Error('compileTrainLoop: pass the one-sample network');
  const { graph: g } = net;
  const root = net.sampleLoss[0]!;
  const f32 = config.dtype === 'float32';
  const portable = config.rounding === 'portable';
  const N = config.samples, B = Math.min(config.batchSize, N), last = N % B || B;
  const I = net.x.length, O = net.y.length, P = net.params.length;
  const kinds = stateKinds(config.optimizer), K = kinds.length;
  const round = (code: string) => (f32 ? `f(${code})` : code);
  let out: Statement[] = [];
  let temp = 0;
  const emit = (expr: string) => {
    const name = `t${temp++}`;
    out.push({ name, expr });
    return name;
  };
  const literal = (v: number) => `(${Object.is(v, -0) ? '-0' : String(f32 ? Math.fround(v) : v)})`;
  const code = algebra<string>(literal, (op, a, b, c) => emit(
    f32 && op === 'addMul' ? (portable ? `f(${a} + f(${b} * ${c}))` : `fmaf(${b}, ${c}, ${a})`)
    : f32 && op === 'subMul' ? (portable ? `f(${a} - f(${b} * ${c}))` : `fmaf(-${b}, ${c}, ${a})`)
    : f32 && ops[op].f32 ? ops[op].f32!.js(a)
    : round(ops[op].js(a, b ?? '', c ?? '')),
  ));
  const block = (build: () => void): Statement[] => {
    const saved = out;
    out = [];
    build();
    const done = out;
    out = saved;
    return done;
  };
  const text = (statements: Statement[]) => statements.map((s) => (s.name ? `const ${s.name} = ${s.expr};` : `${s.target} = ${s.expr};`)).join('\n');

  // One sample: forward pass to its loss term, then reverse mode seeded with dL/dS,
  // summing each parameter's gradient (and S) from −0. Parameters are read once
  // per batch, rounded. A small net keeps all of it in local variables; a large
  // one in arrays shared by the functions the statements are split into.
  const sampleCode = (param: (i: number) => string, grad: (i: number) => string) => live(block(() => {
    const values: string[] = [];
    for (let id = 0; id <= root; id++) {
      const n = g.nodes[id]!;
      if (n.op === 'const') values.push(literal(n.value!));
      else if (n.op === 'param') values.push(param(net.params.indexOf(n.name!)));
      else if (n.op === 'input') {
        const xi = net.x.indexOf(n.name!);
        values.push(emit(round(xi >= 0 ? `x[n * ${I} + ${xi}]` : `y[n * ${O} + ${net.y.indexOf(n.name!)}]`)));
      } else if (n.op === 'let') values.push(values[n.args[0]!]!);
      else values.push(code[n.op](values[n.args[0]!]!, values[n.args[1]!], values[n.args[2]!]));
    }
    out.push({ target: grad(P), expr: round(`${grad(P)} + ${values[root]}`) });
    const adj = reverse(g, values, root, code, { seed: 'seed' });
    net.params.forEach((p, i) => out.push({ target: grad(i), expr: round(`${grad(i)} + ${adj[net.id[p]!] ?? literal(0)}`) }));
  }));
  let sample = sampleCode((i) => `q[${i}]`, (i) => `g[${i}]`);
  const small = sample.length <= CHUNK;
  if (small) sample = sampleCode((i) => `Q${i}`, (i) => `G${i}`);
  const { functions, calls, scratch } = small ? { functions: [], calls: text(sample), scratch: 0 } : chunked(sample);
  const params = Array.from({ length: P }, (_, i) => (small ? `const Q${i} = ${round(`p[${i}]`)};` : `q[${i}] = ${round(`p[${i}]`)};`)).join(' ');
  const zero = small ? Array.from({ length: P + 1 }, (_, i) => `let G${i} = -0;`).join(' ') : 'g.fill(-0);';
  const gradients = small ? Array.from({ length: P + 1 }, (_, i) => `g[${i}] = G${i};`).join(' ') : '';

  // The update of every parameter; SGD's momentum buffer starts as d at the first step.
  const update = (first: boolean) => text(block(() => {
    const adam = config.optimizer.name === 'adam' ? { stepSize: round('sc.stepSize'), bc2Sqrt: round('sc.bc2Sqrt') } : undefined;
    net.params.forEach((_, i) => {
      const st: ParamState<string> = {};
      kinds.forEach((k, j) => (st[k] = first && k === 'mom' ? undefined : `s[${i * K + j}]`));
      const u = optimizerUpdate(code, config.optimizer, 'lr', `p[${i}]`, `g[${i}]`, st, adam);
      out.push({ target: `p[${i}]`, expr: u.theta });
      kinds.forEach((k, j) => out.push({ target: `s[${i * K + j}]`, expr: u.state[k]! }));
    });
  }));
  const reduce = (size: number) => text(block(() => out.push({ target: 'L', expr: reduceLoss(code, config.loss, `g[${P}]`, size, O) })));

  const A = numeric(config.dtype, config.rounding);
  const seeds = [lossSeed(config.loss, B, O, config.dtype, A), lossSeed(config.loss, last, O, config.dtype, A)];
  const momentum = kinds.includes('mom');
  const body = `
    const q = new Float64Array(${P});
    const g = new Float64Array(${P + 1});
    const r = new Float64Array(${Math.max(scratch, 1)});
    ${functions.join('\n')}
    return function train(p, s, x, y, epochs, losses, t = 0) {
      let k = 0;
      for (let e = 0; e < epochs; e++) {
        for (let start = 0; start < ${N}; start += ${B}) {
          const end = Math.min(start + ${B}, ${N});
          const seed = end - start === ${B} ? ${literal(seeds[0]!)} : ${literal(seeds[1]!)};
          ${params}
          ${zero}
          for (let n = start; n < end; n++) { ${calls} }
          ${gradients}
          let L = 0;
          if (end - start === ${B}) { ${reduce(B)} } else { ${reduce(last)} }
          losses[k++] = L;
          if (!Number.isFinite(L)) return k;
          t++;
          ${config.optimizer.name === 'adam' ? 'const sc = adamScalars(lrDouble, betas, t);' : ''}
          ${momentum ? `if (t === 1) {\n${update(true)}\n} else {\n${update(false)}\n}` : update(false)}
        }
      }
      return k;
    };`;
  const betas = config.optimizer.name === 'adam' ? config.optimizer.betas : [0, 0];
  // SGD multiplies by lr as the tensor's dtype; Adam's step size lr / (1 − β₁ᵗ) is a Python double.
  return new Function('f', 'fmaf', 'lr', 'lrDouble', 'betas', 'adamScalars', body)(Math.fround, fmaf, f32 ? Math.fround(config.lr) : config.lr, config.lr, betas, adamScalars) as TrainLoop;
}
