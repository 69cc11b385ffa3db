// Compilation: the training driver (train.ts) projected to one JavaScript
// function. The sample's forward pass, reverse mode from the same rule table,
// the loss reduction and the optimizer's update are emitted through the code
// Algebra as straight-line code over local variables, inside plain loops over
// epochs, batches and samples, so V8 keeps everything in registers.
//
// It computes exactly what train() computes: a batch graph sums each
// parameter's contributions over the samples in order, and so does the loop;
// every sample's loss term gets the adjoint dL/dS of the batch sum S.

import { algebra, expressions, numeric, type Algebra, type Dtype } from './algebra.ts';
import { evaluate } from './evaluate.ts';
import { reverse } from './backprop.ts';
import type { Config } from './config.ts';
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

/** dL/dS, the adjoint every sample's loss term gets in a batch of `size`, as the batch graph computes it. */
function lossSeed(loss: Config['loss'], size: number, outputs: number, dtype: Dtype, A: Algebra<number>): number {
  const g = new Graph();
  const S = g.param('S');
  const L = g.let('L', reduceLoss(expressions(g), loss, S, size, outputs));
  return reverse(g, evaluate(g, { S: 1 }, dtype), L, A)[S] ?? 0;
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
  let lines: string[] = [];
  let temp = 0;
  const emit = (code: string) => {
    const name = `t${temp++}`;
    lines.push(`const ${name} = ${code};`);
    return name;
  };
  const literal = (v: number) => `(${Object.is(v, -0) ? '-0' : String(f32 ? Math.fround(v) : v)})`;
  const code = algebra<string>(literal, (op, a, b, c) => emit(
    f32 && op === 'addMul' ? (portable ? `f(${a} + f(${b} * ${c}))` : `fmaf(${b}, ${c}, ${a})`)
    : f32 && op === 'subMul' ? (portable ? `f(${a} - f(${b} * ${c}))` : `fmaf(-${b}, ${c}, ${a})`)
    : f32 && ops[op].f32 ? ops[op].f32!.js(a)
    : round(ops[op].js(a, b ?? '', c ?? '')),
  ));
  const block = (build: () => void): string[] => {
    const saved = lines;
    lines = [];
    build();
    const out = lines;
    lines = saved;
    return out;
  };

  // One sample: forward pass to its loss term, then reverse mode seeded with dL/dS.
  const sample = block(() => {
    const values: string[] = [];
    for (let id = 0; id <= root; id++) {
      const n = g.nodes[id]!;
      const v = `v${id}`;
      values.push(v);
      if (n.op === 'const') lines.push(`const ${v} = ${literal(n.value!)};`);
      else if (n.op === 'param') lines.push(`const ${v} = ${round(`p[${net.params.indexOf(n.name!)}]`)};`);
      else if (n.op === 'input') {
        const xi = net.x.indexOf(n.name!);
        lines.push(`const ${v} = ${round(xi >= 0 ? `x[n * ${I} + ${xi}]` : `y[n * ${O} + ${net.y.indexOf(n.name!)}]`)};`);
      } else if (n.op === 'let') lines.push(`const ${v} = v${n.args[0]};`);
      else lines.push(`const ${v} = ${code[n.op](`v${n.args[0]}`, `v${n.args[1] ?? ''}`, `v${n.args[2] ?? ''}`)};`);
    }
    lines.push(`S = n === start ? v${root} : ${round(`S + v${root}`)};`);
    const adj = reverse(g, values, root, code, { seed: 'seed' });
    net.params.forEach((p, i) => {
      const d = adj[net.id[p]!] ?? literal(0);
      lines.push(`G${i} = n === start ? ${d} : ${round(`G${i} + ${d}`)};`);
    });
  });

  // The update of every parameter; SGD's momentum buffer starts as d at the first step.
  const update = (first: boolean) => block(() => {
    const adam = config.optimizer.name === 'adam' ? { stepSize: round('sc.stepSize'), bc2Sqrt: round('sc.bc2Sqrt') } : undefined;
    net.params.forEach((_, i) => {
      const st: ParamState<string> = {};
      kinds.forEach((k, j) => (st[k] = first && k === 'mom' ? undefined : `s[${i * K + j}]`));
      const u = optimizerUpdate(code, config.optimizer, 'lr', `p[${i}]`, `G${i}`, st, adam);
      lines.push(`p[${i}] = ${u.theta};`);
      kinds.forEach((k, j) => lines.push(`s[${i * K + j}] = ${u.state[k]};`));
    });
  });
  const reduce = (size: number) => block(() => lines.push(`L = ${reduceLoss(code, config.loss, 'S', size, O)};`));

  const A = numeric(config.dtype, config.rounding);
  const seeds = [lossSeed(config.loss, B, O, config.dtype, A), lossSeed(config.loss, last, O, config.dtype, A)];
  const body = `
    return function train(p, s, x, y, epochs, losses, t = 0) {
      let k = 0;
      ${Array.from({ length: P }, (_, i) => `let G${i} = 0;`).join(' ')}
      for (let e = 0; e < epochs; e++) {
        for (let start = 0; start < ${N}; start += ${B}) {
          const end = Math.min(start + ${B}, ${N});
          const seed = end - start === ${B} ? ${literal(seeds[0]!)} : ${literal(seeds[1]!)};
          let S = 0, L = 0;
          for (let n = start; n < end; n++) {
            ${sample.join('\n            ')}
          }
          if (end - start === ${B}) { ${reduce(B).join(' ')} } else { ${reduce(last).join(' ')} }
          losses[k++] = L;
          if (!Number.isFinite(L)) return k;
          t++;
          ${config.optimizer.name === 'adam' ? 'const sc = adamScalars(lrDouble, betas, t);' : ''}
          if (t === 1) {
            ${update(true).join('\n            ')}
          } else {
            ${update(false).join('\n            ')}
          }
        }
      }
      return k;
    };`;
  const betas = config.optimizer.name === 'adam' ? config.optimizer.betas : [0, 0];
  // SGD multiplies by lr as the tensor's dtype; Adam's step size lr / (1 − β₁ᵗ) is a Python double.
  return new Function('f', 'fmaf', 'lr', 'lrDouble', 'betas', 'adamScalars', body)(Math.fround, fmaf, f32 ? Math.fround(config.lr) : config.lr, config.lr, betas, adamScalars) as TrainLoop;
}
