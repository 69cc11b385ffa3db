// Core benchmark: SGD steps per second on the article's 1-2-2-1 ReLU net,
// measured side by side in one run:
//   hand-written  a plain JavaScript loop for exactly this net (the practical limit)
//   compiled      compileTrainLoop, float64 and float32
//   interpreter   evaluate + backprop + sgdStep per step (no finite differences)
//   PyTorch       real torch 1.13 doing the same loop (test/bench/torch_sgd.py)
// then 1,000,000 compiled float64 epochs end to end (goal < 2 s, ≥ 100× PyTorch).

import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Dtype } from '../../src/algebra.ts';
import { backprop } from '../../src/backprop.ts';
import { compileTrainLoop, type TrainLoop } from '../../src/compile.ts';
import { ARTICLE } from '../../src/config.ts';
import { evaluate } from '../../src/evaluate.ts';
import { sgdStep } from '../../src/sgd.ts';
import { initialParams, networkOf } from '../../src/trace.ts';

const PYTHON = '/usr/bin/python3';
const TORCH_STEPS = 3000;
const MILLION = 1_000_000;

const net = networkOf(ARTICLE);
const x = Float64Array.from(ARTICLE.x);
const y = Float64Array.from(ARTICLE.y);
const start = (dtype: Dtype) => Float64Array.from(net.params.map((p) => initialParams(net, { ...ARTICLE, dtype })[p]!));

/**
 * The article net by hand, float64: z = W·a + b per layer, ReLU, (ŷ − y)², then
 * the chain rule written out and θ ← θ − lr·g. Parameters in xlgrad's order w1…w8, b1…b5.
 */
const handWritten: TrainLoop = (p, xs, ys, epochs, losses) => {
  const lr = ARTICLE.lr;
  const x1 = xs[0]!, y1 = ys[0]!;
  for (let e = 0; e < epochs; e++) {
    const z1 = p[0]! * x1 + p[8]!, z2 = p[1]! * x1 + p[9]!;
    const a1 = z1 > 0 ? z1 : 0, a2 = z2 > 0 ? z2 : 0;
    const z3 = p[2]! * a1 + p[3]! * a2 + p[10]!, z4 = p[4]! * a1 + p[5]! * a2 + p[11]!;
    const a3 = z3 > 0 ? z3 : 0, a4 = z4 > 0 ? z4 : 0;
    const z5 = p[6]! * a3 + p[7]! * a4 + p[12]!;
    const d = z5 - y1;
    losses[e] = d * d;
    const g5 = 2 * d;
    const g3 = z3 > 0 ? g5 * p[6]! : 0, g4 = z4 > 0 ? g5 * p[7]! : 0;
    const ga1 = g3 * p[2]! + g4 * p[4]!, ga2 = g3 * p[3]! + g4 * p[5]!;
    const g1 = z1 > 0 ? ga1 : 0, g2 = z2 > 0 ? ga2 : 0;
    p[0] = p[0]! - lr * g1 * x1; p[1] = p[1]! - lr * g2 * x1;
    p[2] = p[2]! - lr * g3 * a1; p[3] = p[3]! - lr * g3 * a2;
    p[4] = p[4]! - lr * g4 * a1; p[5] = p[5]! - lr * g4 * a2;
    p[6] = p[6]! - lr * g5 * a3; p[7] = p[7]! - lr * g5 * a4;
    p[8] = p[8]! - lr * g1; p[9] = p[9]! - lr * g2;
    p[10] = p[10]! - lr * g3; p[11] = p[11]! - lr * g4; p[12] = p[12]! - lr * g5;
  }
};

/** The graph walked step by step: the numbers trace() computes, minus the finite differences. */
function interpreter(dtype: Dtype): TrainLoop {
  return (p, xs, ys, epochs, losses) => {
    const env: Record<string, number> = { x1: xs[0]!, y1: ys[0]! };
    for (let e = 0; e < epochs; e++) {
      net.params.forEach((name, i) => (env[name] = p[i]!));
      const v = evaluate(net.graph, env, dtype, net.loss + 1);
      const g = backprop(net.graph, v, net.loss, net.params, dtype);
      losses[e] = v[net.loss]!;
      net.params.forEach((name, i) => (p[i] = sgdStep(p[i]!, g[name]!, ARTICLE.lr, dtype)));
    }
  };
}

/** Steps per second of a loop: grow the step count until a run takes ≥ 0.25 s, then the best of 3 runs. */
function stepsPerSecond(loop: TrainLoop, dtype: Dtype): number {
  let n = 100;
  // Long runs go in chunks so the loss buffer stays small; a call costs far less than a chunk.
  const chunk = 1 << 16, losses = new Float64Array(chunk);
  const run = (steps: number) => {
    const p = start(dtype);
    const t0 = performance.now();
    for (let done = 0; done < steps; done += chunk) loop(p, x, y, Math.min(chunk, steps - done), losses);
    return (performance.now() - t0) / 1000;
  };
  while (run(n) < 0.25) n *= 4;
  const best = Math.min(run(n), run(n), run(n));
  return n / best;
}

interface TorchResult { torch: string; stepsPerSecond: number }

function torch(dtype: Dtype): TorchResult | string {
  const script = join(dirname(fileURLToPath(import.meta.url)), 'torch_sgd.py');
  const r = spawnSync(PYTHON, [script, String(TORCH_STEPS), dtype], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return `${PYTHON} with torch not available (${r.error?.message ?? r.stderr.trim().split('\n').at(-1)})`;
  return JSON.parse(r.stdout) as TorchResult;
}

const fmt = (v: number) => (v >= 1e6 ? `${(v / 1e6).toFixed(2)} M` : v >= 1e3 ? `${(v / 1e3).toFixed(1)} k` : v.toFixed(0));
const times = (v: number | undefined) => (v === undefined ? '—' : `${v >= 100 ? v.toFixed(0) : v >= 0.1 ? v.toFixed(2) : v.toPrecision(2)}×`);

export async function bench(): Promise<void> {
  const compiled64 = compileTrainLoop(net, { lr: ARTICLE.lr, dtype: 'float64' });
  const compiled32 = compileTrainLoop(net, { lr: ARTICLE.lr, dtype: 'float32' });
  const t32 = torch('float32'), t64 = torch('float64');
  const torchRate = (t: TorchResult | string) => (typeof t === 'string' ? undefined : t.stepsPerSecond);

  const rows: [string, number | undefined][] = [
    ['hand-written JS, float64', stepsPerSecond(handWritten, 'float64')],
    ['compileTrainLoop, float64', stepsPerSecond(compiled64, 'float64')],
    ['compileTrainLoop, float32', stepsPerSecond(compiled32, 'float32')],
    ['interpreter, float64', stepsPerSecond(interpreter('float64'), 'float64')],
    ['interpreter, float32', stepsPerSecond(interpreter('float32'), 'float32')],
    [`PyTorch ${typeof t32 === 'string' ? '' : t32.torch} float32`, torchRate(t32)],
    [`PyTorch ${typeof t64 === 'string' ? '' : t64.torch} float64`, torchRate(t64)],
  ];
  const hand = rows[0]![1]!, c64 = rows[1]![1]!, c32 = rows[2]![1]!;
  const ref64 = torchRate(t64), ref32 = torchRate(t32);

  console.log(`core · article net 1-2-2-1 ReLU, one SGD step = forward + backward + update · node ${process.version}, 1 thread`);
  console.log(`  ${'method'.padEnd(30)}${'steps/s'.padStart(12)}${'÷ hand-written'.padStart(16)}${'÷ PyTorch f32'.padStart(15)}`);
  for (const [name, rate] of rows) {
    const cells = rate === undefined ? ['n/a', '—', '—'] : [fmt(rate), times(rate / hand), times(ref32 && rate / ref32)];
    console.log(`  ${name.padEnd(30)}${cells[0]!.padStart(12)}${cells[1]!.padStart(16)}${cells[2]!.padStart(15)}`);
  }
  for (const t of [t32, t64]) if (typeof t === 'string') console.log(`  PyTorch: ${t}`);
  console.log(`  compiled ÷ hand-written: float64 ${times(c64 / hand)}, float32 ${times(c32 / hand)}`);
  if (ref64 && ref32) console.log(`  compiled ÷ PyTorch (same dtype): float64 ${times(c64 / ref64)}, float32 ${times(c32 / ref32)}`);

  const t0 = performance.now();
  const loop = compileTrainLoop(net, { lr: ARTICLE.lr, dtype: 'float64' });
  const losses = new Float64Array(MILLION);
  loop(start('float64'), x, y, MILLION, losses);
  const seconds = (performance.now() - t0) / 1000;
  const ratio = ref64 && MILLION / seconds / ref64;
  console.log(`  1,000,000 float64 epochs, compile included: ${seconds.toFixed(3)} s (goal < 2 s: ${seconds < 2 ? 'met' : 'MISSED'}); final loss ${losses[MILLION - 1]!.toExponential(3)}`);
  if (ratio) console.log(`  that run ÷ PyTorch float64: ${times(ratio)} (goal ≥ 100×: ${ratio >= 100 ? 'met' : 'MISSED'})`);
}
