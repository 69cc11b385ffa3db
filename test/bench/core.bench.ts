// Core benchmark: optimizer steps per second of xlgrad's compiled training
// loop, side by side with what it is measured against, in one run.
//
// The article's 1-2-2-1 ReLU net, one sample:
//   hand-written  a plain JavaScript loop for exactly this net (the practical limit)
//   compiled      compileTrainLoop, float64 and float32
//   driver        train() stepped through (evaluate + reverse mode + update per step)
//   PyTorch       real torch 1.13 doing the same loop (test/bench/torch_sgd.py)
// then 1,000,000 compiled float64 epochs end to end (goal < 2 s, ≥ 100× PyTorch).
//
// Data sets, full batch, MSELoss (mean), plain SGD, tanh hidden units:
//   (a) 200 samples through 2-8-8-1     goals: float32 ≥ 2× PyTorch, float64 ≥ 0.5× hand-written
//   (b) 1,000 samples through 2-16-16-1 goals: float32 ≥ 1× PyTorch, float64 ≥ 0.5× hand-written
// The hand-written loop there is a plain one: arrays, nested for loops over
// layers and units, forward, backward, SGD.

import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import type { Dtype } from '../../src/algebra.ts';
import { compileTrainLoop, type TrainLoop } from '../../src/compile.ts';
import { ARTICLE, type Config } from '../../src/config.ts';
import { MT19937 } from '../../src/mt19937.ts';
import { initialParams, networkOf, train } from '../../src/train.ts';

const PYTHON = '/usr/bin/python3';
const TORCH_STEPS = 3000;
const MILLION = 1_000_000;
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), 'torch_sgd.py');

/** A run to time: `steps` optimizer steps from the same start each time. */
type Run = (steps: number) => void;

interface Rate {
  /** Steps per second of the first run that takes ≥ 0.25 s: before V8 has optimised much. */
  cold: number;
  /** The best of 3 runs after `warmup` seconds of running. */
  warm: number;
}

/**
 * Steps per second: grow the step count until a run takes ≥ 0.25 s (the cold
 * rate), keep running until `warmup` seconds have passed, so that V8's
 * optimising compiler has finished (it takes seconds on a large generated
 * loop), then the best of 3 runs. PyTorch is timed after a warm-up too.
 */
function rate(run: Run, start = 100, warmup = 0.5): Rate {
  const seconds = (steps: number) => {
    const t0 = performance.now();
    run(steps);
    return (performance.now() - t0) / 1000;
  };
  const t0 = performance.now();
  let n = start, t: number;
  while ((t = seconds(n)) < 0.25) n *= 4;
  const cold = n / t;
  while ((performance.now() - t0) / 1000 < warmup) seconds(n);
  return { cold, warm: n / Math.min(seconds(n), seconds(n), seconds(n)) };
}
const stepsPerSecond = (run: Run, start?: number) => rate(run, start).warm;

interface TorchResult { torch: string; stepsPerSecond: number; check?: number[] }

function torch(steps: number, dtype: Dtype, spec?: object): TorchResult | string {
  const args = [SCRIPT, String(steps), dtype, ...(spec ? ['dataset'] : [])];
  const r = spawnSync(PYTHON, args, { encoding: 'utf8', input: spec ? JSON.stringify(spec) : undefined, maxBuffer: 1 << 26 });
  if (r.error || r.status !== 0) return `${PYTHON} with torch not available (${r.error?.message ?? r.stderr.trim().split('\n').at(-1)})`;
  return JSON.parse(r.stdout) as TorchResult;
}
const torchRate = (t: TorchResult | string) => (typeof t === 'string' ? undefined : t.stepsPerSecond);

const fmt = (v: number) => (v >= 1e6 ? `${(v / 1e6).toFixed(2)} M` : v >= 1e3 ? `${(v / 1e3).toFixed(1)} k` : v >= 100 ? v.toFixed(0) : v.toFixed(1));
const times = (v: number | undefined) => (v === undefined ? '—' : `${v >= 100 ? v.toFixed(0) : v >= 0.1 ? v.toFixed(2) : v.toPrecision(2)}×`);
const verdict = (ratio: number | undefined, goal: number) => (ratio === undefined ? 'n/a' : ratio >= goal ? 'met' : 'MISSED');

/**
 * Whether V8 runs a function as TurboFan code (bit 6 of %GetOptimizationStatus,
 * v8/src/runtime/runtime.h). V8 does not optimise a function whose bytecode
 * exceeds --max-optimized-bytecode-size (60 kB in Node 20), and a generated
 * training loop can be far larger.
 */
function turbofanned(f: unknown): boolean | undefined {
  try {
    setFlagsFromString('--allow-natives-syntax');
    return ((new Function('f', 'return %GetOptimizationStatus(f)')(f) as number) & (1 << 6)) !== 0;
  } catch {
    return undefined;
  }
}

// ── The article net ─────────────────────────────────────────────────────────

const article = networkOf(ARTICLE, 1);
const articleX = Float64Array.from(ARTICLE.x.flat());
const articleY = Float64Array.from(ARTICLE.y.flat());
const articleStart = (dtype: Dtype) => {
  const p = initialParams(article, { ...ARTICLE, dtype });
  return Float64Array.from(article.params, (n) => p[n]!);
};

/**
 * The article net by hand, float64: z = W·a + b per layer, ReLU, (ŷ − y)², then
 * the chain rule written out and θ ← θ − lr·g. Parameters in xlgrad's order w1…w8, b1…b5.
 */
function articleByHand(p: Float64Array, epochs: number, losses: Float64Array): void {
  const lr = ARTICLE.lr;
  const x1 = articleX[0]!, y1 = articleY[0]!;
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
}

/** Long runs go in chunks so the loss buffer stays small; a call costs far less than a chunk. */
const CHUNK = 1 << 16;
const chunkLosses = new Float64Array(CHUNK);

function articleCompiled(dtype: Dtype): Run {
  const loop = compileTrainLoop(article, { ...ARTICLE, dtype, samples: 1 });
  return (steps) => {
    const p = articleStart(dtype);
    for (let done = 0; done < steps; done += CHUNK) loop(p, new Float64Array(0), articleX, articleY, Math.min(CHUNK, steps - done), chunkLosses, done);
  };
}

/** train(), the one training driver, stepped through: the numbers trace() computes, minus the finite differences. */
const articleDriver = (dtype: Dtype): Run => (steps) => {
  const run = train({ ...ARTICLE, dtype, epochs: steps }, { net: article });
  while (!run.next().done);
};

async function articleBench(): Promise<void> {
  const t32 = torch(TORCH_STEPS, 'float32'), t64 = torch(TORCH_STEPS, 'float64');
  const rows: [string, number | undefined][] = [
    ['hand-written JS, float64', stepsPerSecond((n) => { const p = articleStart('float64'); for (let d = 0; d < n; d += CHUNK) articleByHand(p, Math.min(CHUNK, n - d), chunkLosses); })],
    ['compileTrainLoop, float64', stepsPerSecond(articleCompiled('float64'))],
    ['compileTrainLoop, float32', stepsPerSecond(articleCompiled('float32'))],
    ['train() driver, float64', stepsPerSecond(articleDriver('float64'), 10)],
    ['train() driver, float32', stepsPerSecond(articleDriver('float32'), 10)],
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
  const loop = compileTrainLoop(article, { ...ARTICLE, dtype: 'float64', samples: 1 });
  const losses = new Float64Array(MILLION);
  loop(articleStart('float64'), new Float64Array(0), articleX, articleY, MILLION, losses);
  const seconds = (performance.now() - t0) / 1000;
  const ratio = ref64 && MILLION / seconds / ref64;
  console.log(`  1,000,000 float64 epochs, compile included: ${seconds.toFixed(3)} s (goal < 2 s: ${seconds < 2 ? 'met' : 'MISSED'}); final loss ${losses[MILLION - 1]!.toExponential(3)}`);
  if (ratio) console.log(`  that run ÷ PyTorch float64: ${times(ratio)} (goal ≥ 100×: ${verdict(ratio, 100)})`);
}

// ── Data sets ───────────────────────────────────────────────────────────────

/**
 * `samples` points drawn uniformly from [−1, 1]² (MT19937, seed 1), with the
 * target y = sin(2·x₁)·cos(x₂) + x₁·x₂ / 2: smooth, so tanh nets learn it.
 */
function dataset(layers: number[], samples: number, dtype: Dtype): Config {
  const rng = new MT19937(1);
  const u = () => (rng.next() / 2 ** 32) * 2 - 1;
  const x = Array.from({ length: samples }, () => [u(), u()]);
  const y = x.map(([a, b]) => [Math.sin(2 * a!) * Math.cos(b!) + (a! * b!) / 2]);
  return {
    layers, bias: layers.slice(1).map(() => true), activation: 'tanh', outputActivation: 'identity', loss: 'mse',
    x, y, batchSize: samples, lr: 0.05, optimizer: { name: 'sgd', momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 },
    epochs: 1, dtype, init: { torchSeed: 0, rounding: 'fused', draw: 'float32' },
  };
}

/** The parameters in the layout of nn.Linear (weights row-major out × in, biases) for torch_sgd.py. */
function torchSpec(config: Config, params: Float64Array, names: string[], check: number) {
  const net = networkOf(config, 1);
  const at = (n: string) => params[names.indexOf(n)]!;
  return {
    layers: config.layers, lr: config.lr, x: config.x, y: config.y, check,
    weights: net.layers.map((l) => l.weights.map(at)), biases: net.layers.map((l) => l.biases.map(at)),
  };
}

/**
 * The same training by hand, float64, written plainly: weights row-major per
 * layer (xlgrad's order: every layer's weights, then every layer's biases),
 * a forward pass per sample, tanh' = 1 − tanh², gradients summed over the
 * samples, MSELoss's mean, then θ ← θ − lr·g.
 */
function handWritten(layers: number[], lr: number) {
  const L = layers.length - 1;
  const wOff: number[] = [], bOff: number[] = [];
  let P = 0;
  for (let l = 0; l < L; l++) { wOff.push(P); P += layers[l]! * layers[l + 1]!; }
  for (let l = 0; l < L; l++) { bOff.push(P); P += layers[l + 1]!; }
  const act = layers.map((n) => new Float64Array(n));
  const delta = layers.map((n) => new Float64Array(n));
  const grad = new Float64Array(P);
  return (p: Float64Array, x: Float64Array, y: Float64Array, samples: number, epochs: number, losses: Float64Array): void => {
    const I = layers[0]!, O = layers[L]!;
    for (let e = 0; e < epochs; e++) {
      grad.fill(0);
      let sum = 0;
      for (let s = 0; s < samples; s++) {
        for (let i = 0; i < I; i++) act[0]![i] = x[s * I + i]!;
        for (let l = 0; l < L; l++) {
          const fanIn = layers[l]!, fanOut = layers[l + 1]!, a = act[l]!, out = act[l + 1]!;
          for (let j = 0; j < fanOut; j++) {
            let z = 0;
            for (let i = 0; i < fanIn; i++) z += p[wOff[l]! + j * fanIn + i]! * a[i]!;
            z += p[bOff[l]! + j]!;
            out[j] = l < L - 1 ? Math.tanh(z) : z;
          }
        }
        for (let j = 0; j < O; j++) {
          const d = act[L]![j]! - y[s * O + j]!;
          sum += d * d;
          delta[L]![j] = (2 * d) / (samples * O);
        }
        for (let l = L - 1; l >= 0; l--) {
          const fanIn = layers[l]!, fanOut = layers[l + 1]!, a = act[l]!, dz = delta[l + 1]!, da = delta[l]!;
          da.fill(0);
          for (let j = 0; j < fanOut; j++) {
            const g = dz[j]!;
            grad[bOff[l]! + j]! += g;
            for (let i = 0; i < fanIn; i++) {
              grad[wOff[l]! + j * fanIn + i]! += g * a[i]!;
              if (l > 0) da[i]! += g * p[wOff[l]! + j * fanIn + i]!;
            }
          }
          if (l > 0) for (let i = 0; i < fanIn; i++) da[i]! *= 1 - a[i]! * a[i]!;
        }
      }
      losses[e] = sum / (samples * O);
      for (let k = 0; k < P; k++) p[k]! -= lr * grad[k]!;
    }
  };
}

const CHECK_STEPS = 10;

async function datasetBench(label: string, layers: number[], samples: number, goal32: number, torchSteps: number): Promise<void> {
  const c32 = dataset(layers, samples, 'float32'), c64 = { ...c32, dtype: 'float64' as const };
  const net = networkOf(c32, 1);
  const P = net.params.length;
  const x = Float64Array.from(c32.x.flat()), y = Float64Array.from(c32.y.flat());
  const start = (c: Config) => {
    const p = initialParams(net, c);
    return Float64Array.from(net.params, (n) => p[n]!);
  };
  const t0 = performance.now();
  const loop32 = compileTrainLoop(net, { ...c32, samples, rounding: 'fused' });
  const compileMs = performance.now() - t0;
  const loop64 = compileTrainLoop(net, { ...c64, samples, rounding: 'fused' });
  const hand = handWritten(layers, c32.lr);
  const none = new Float64Array(0);
  const buffer = new Float64Array(1 << 16);
  const compiled = (loop: TrainLoop, c: Config): Run => (steps) => {
    const p = start(c);
    for (let done = 0; done < steps; done += buffer.length) loop(p, none, x, y, Math.min(buffer.length, steps - done), buffer, done);
  };
  const byHand: Run = (steps) => {
    const p = start(c64);
    for (let done = 0; done < steps; done += buffer.length) hand(p, x, y, samples, Math.min(buffer.length, steps - done), buffer);
  };

  // The same first steps three ways, to show that each side trains the same net.
  const first = (run: (p: Float64Array, losses: Float64Array) => void, c: Config) => {
    const losses = new Float64Array(CHECK_STEPS);
    run(start(c), losses);
    return losses;
  };
  const l32 = first((p, l) => loop32(p, none, x, y, CHECK_STEPS, l), c32);
  const l64 = first((p, l) => loop64(p, none, x, y, CHECK_STEPS, l), c64);
  const lHand = first((p, l) => hand(p, x, y, samples, CHECK_STEPS, l), c64);

  const WARMUP = 6;
  const r32 = rate(compiled(loop32, c32), 10, WARMUP);
  const fan32 = turbofanned(loop32);
  const r64 = rate(compiled(loop64, c64), 10, WARMUP);
  const fan64 = turbofanned(loop64);
  const rHand = rate(byHand, 10, WARMUP);
  const t32 = torch(torchSteps, 'float32', torchSpec(c32, start(c32), net.params, CHECK_STEPS));
  const ref32 = torchRate(t32);
  const size = (loop: TrainLoop) => `${(loop.toString().length / 1024).toFixed(0)} kB`;
  const fan = (v: boolean | undefined) => (v === undefined ? 'unknown' : v ? 'yes' : 'no');

  console.log(`\ncore · data set ${label}: ${samples.toLocaleString('en-US')} samples through ${layers.join('-')} tanh, full batch, MSELoss (mean), plain SGD lr ${c32.lr} · ${P} parameters`);
  console.log(`  ${'method'.padEnd(34)}${'steps/s'.padStart(9)}${'samples/s'.padStart(11)}${'cold'.padStart(9)}   ratio   (cold: steps/s of the first 0.25 s, before V8 has optimised)`);
  const line = (name: string, r: Rate | number | undefined, ratio: string) => {
    const warm = typeof r === 'object' ? r.warm : r;
    const cells = [warm === undefined ? 'n/a' : fmt(warm), warm === undefined ? '—' : fmt(warm * samples), typeof r === 'object' ? fmt(r.cold) : ''];
    console.log(`  ${name.padEnd(34)}${cells[0]!.padStart(9)}${cells[1]!.padStart(11)}${cells[2]!.padStart(9)}   ${ratio}`);
  };
  line('compileTrainLoop, float32', r32, `${times(ref32 && r32.warm / ref32)} PyTorch f32 (goal ≥ ${goal32}×: ${verdict(ref32 && r32.warm / ref32, goal32)})`);
  line(`PyTorch ${typeof t32 === 'string' ? '' : t32.torch} float32, 1 thread`, ref32, '');
  line('compileTrainLoop, float64', r64, `${times(r64.warm / rHand.warm)} hand-written (goal ≥ 0.5×: ${verdict(r64.warm / rHand.warm, 0.5)})`);
  line('hand-written JS, float64', rHand, '');
  if (typeof t32 === 'string') console.log(`  PyTorch: ${t32}`);
  const rel = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (v, i) => Math.abs(v - b[i]!) / Math.abs(b[i]!)));
  const torchCheck = typeof t32 === 'string' ? undefined : t32.check;
  console.log(`  same training: losses of the first ${CHECK_STEPS} steps, largest relative difference: compiled f64 vs hand-written ${rel(l64, lHand).toExponential(1)}, compiled f32 vs compiled f64 ${rel(l32, l64).toExponential(1)}${torchCheck ? `, compiled f32 vs PyTorch f32 ${rel(l32, torchCheck).toExponential(1)}` : ''}`);
  console.log(`  generated loops: float32 ${size(loop32)} of source (built in ${compileMs.toFixed(0)} ms), TurboFan code after ${WARMUP} s: ${fan(fan32)}; float64 ${size(loop64)}, TurboFan code: ${fan(fan64)}`);
}

export async function bench(): Promise<void> {
  await articleBench();
  await datasetBench('(a)', [2, 8, 8, 1], 200, 2, 2000);
  await datasetBench('(b)', [2, 16, 16, 1], 1000, 1, 600);
}
