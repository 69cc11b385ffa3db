// Compilation: the graph projected to one JavaScript function that runs the
// whole SGD loop (forward pass, reverse mode from the same rule table, update)
// on local variables, so V8 can keep everything in registers.

import { algebra } from './algebra.ts';
import { reverse } from './backprop.ts';
import type { Config } from './config.ts';
import { fmaf } from './float32.ts';
import type { Network } from './network.ts';
import { ops } from './ops.ts';
import { sgdUpdate } from './sgd.ts';

/** Runs `epochs` SGD steps in place on `params` (ordered as net.params); writes each epoch's loss. */
export type TrainLoop = (params: Float64Array, x: Float64Array, y: Float64Array, epochs: number, losses: Float64Array) => void;

export function compileTrainLoop(net: Network, config: Pick<Config, 'lr' | 'dtype'> & { rounding?: 'fused' | 'portable' }): TrainLoop {
  const { graph: g, loss } = net;
  const f32 = config.dtype === 'float32';
  const round = (code: string) => (f32 ? `f(${code})` : code);
  const lines: string[] = [];
  let temp = 0;
  const emit = (code: string) => {
    const name = `t${temp++}`;
    lines.push(`const ${name} = ${round(code)};`);
    return name;
  };
  const literal = (v: number) => `(${Object.is(v, -0) ? '-0' : String(f32 ? Math.fround(v) : v)})`;
  const code = algebra<string>(literal, (op, a, b) => emit(ops[op].js(a, b ?? '')));

  // Forward pass: one local per node. Leaves are rounded like evaluate's (a
  // float32 tensor built from 1.43 holds fround(1.43)).
  const values: string[] = [];
  for (let id = 0; id <= loss; id++) {
    const n = g.nodes[id]!;
    const v = `v${id}`;
    values.push(v);
    if (n.op === 'const') lines.push(`const ${v} = ${literal(n.value!)};`);
    else if (n.op === 'param') lines.push(`const ${v} = ${round(`p[${net.params.indexOf(n.name!)}]`)};`);
    else if (n.op === 'input') {
      const [arr, i] = n.name![0] === 'x' ? ['x', net.x.indexOf(n.name!)] : ['y', net.y.indexOf(n.name!)];
      lines.push(`const ${v} = ${round(`${arr}[${i}]`)};`);
    } else if (n.op === 'let') lines.push(`const ${v} = v${n.args[0]};`);
    else lines.push(`const ${v} = ${round(ops[n.op].js(`v${n.args[0]}`, `v${n.args[1] ?? ''}`))};`);
  }
  lines.push(`losses[e] = v${loss};`);

  // Backward pass and update.
  const adj = reverse(g, values, loss, code);
  net.params.forEach((p, i) => {
    const grad = adj[net.id[p]!] ?? '0';
    // float64 uses the one SGD rule; float32 rounds it like PyTorch's kernels (sgd.ts).
    lines.push(
      !f32 ? `p[${i}] = ${sgdUpdate(code, `p[${i}]`, 'lr', grad)};`
      : config.rounding === 'portable' ? `p[${i}] = f(p[${i}] + f(alpha * ${grad}));`
      : `p[${i}] = fmaf(alpha, ${grad}, p[${i}]);`,
    );
  });

  const body = `
    return function train(p, x, y, epochs, losses) {
      for (let e = 0; e < epochs; e++) {
        ${lines.join('\n        ')}
      }
    };`;
  const lr = config.lr;
  return new Function('f', 'fmaf', 'lr', 'alpha', body)(Math.fround, fmaf, lr, Math.fround(-lr)) as TrainLoop;
}
