// Every recorded PyTorch run (fixtures/pytorch/*.json) replayed by xlgrad:
// the initial draw bit for bit, the whole training run within a few float32
// ulps (float64: 1e-12 relative), and the three gradient methods checking each other.

import { describe, expect, it } from 'vitest';
import { fixtures, type Fixture } from '../src/fixtures.ts';
import { sgdStep } from '../src/sgd.ts';
import { torchInit } from '../src/torchInit.ts';
import { initialParams, networkOf, trace, type Trace } from '../src/trace.ts';
import { gradcheckClose, relativeError, sameWithin, ulpDistance32 } from './helpers.ts';

type Kind = 'params' | 'nodes' | 'loss' | 'grads' | 'final';

/**
 * Largest float32 ulp distance from PyTorch per quantity, over all fixtures
 * (measured; the article, tanh-half, kink and big-seed runs are bit-exact).
 * The distances come from wide-relu (mse over two sigmoid outputs, whose
 * vectorised kernels round in another order) and sigmoid-mse. A gradient
 * 4 ulps off moves a parameter by a few ulps of the *update*; in wide-relu
 * epoch 2, w18 = 7.7e-4 − 0.05·0.0183 nearly cancels to −1.4e-4, which turns
 * that into 13 ulps of the (much smaller) result.
 */
const ULP_BOUND: Record<Kind, number> = { params: 13, nodes: 3, loss: 3, grads: 4, final: 2 };
const F64_REL = 1e-12;
const F64_ABS = 1e-15;

interface Miss { kind: Kind; epoch: number; name: string; ours: number; torch: number; off: number }

/** Every quantity of the run paired with PyTorch's, with its distance. */
function compare(f: Fixture, t: Trace): Miss[] {
  const out: Miss[] = [];
  const f32 = f.config.dtype === 'float32';
  const add = (kind: Kind, epoch: number, name: string, ours: number, torch: number) =>
    out.push({ kind, epoch, name, ours, torch, off: f32 ? ulpDistance32(ours, torch) : relativeError(ours, torch, F64_ABS) });
  f.epochs.forEach((e, i) => {
    const mine = t.epochs[i]!;
    for (const [p, v] of Object.entries(e.params)) add('params', e.epoch, p, mine.params[p]!, v);
    for (const [n, v] of Object.entries(e.nodes)) add('nodes', e.epoch, n, mine.nodes[n]!, v);
    add('loss', e.epoch, 'L', mine.loss, e.loss);
    for (const [p, v] of Object.entries(e.grads)) add('grads', e.epoch, p, mine.grads.backprop[p]!, v);
  });
  for (const [p, v] of Object.entries(f.final)) add('final', f.epochs.length, p, t.final[p]!, v);
  return out;
}

const seeded = fixtures.filter((f) => 'torchSeed' in f.config.init);

describe('torchInit(layers, seed, rounding)', () => {
  it.each(seeded.map((f) => [f.name, f] as const))("%s: 'fused' reproduces PyTorch's AVX2 draw bit for bit", (_name, f) => {
    const seed = (f.config.init as { torchSeed: number }).torchSeed;
    const drawn = torchInit(networkOf(f.config).layers, seed, 'fused');
    const differing = Object.keys(f.init).filter((p) => !Object.is(drawn[p], f.init[p]));
    expect(differing).toEqual([]);
    expect(Object.keys(drawn).sort()).toEqual(Object.keys(f.init).sort());
  });

  it.each(seeded.filter((f) => f.initPortable).map((f) => [f.name, f] as const))("%s: 'portable' reproduces PyTorch's portable-kernel draw bit for bit", (_name, f) => {
    const seed = (f.config.init as { torchSeed: number }).torchSeed;
    const drawn = torchInit(networkOf(f.config).layers, seed, 'portable');
    const differing = Object.keys(f.initPortable!).filter((p) => !Object.is(drawn[p], f.initPortable![p]));
    expect(differing).toEqual([]);
  });

  it('fused and portable differ for the article (so each test can tell them apart)', () => {
    const article = fixtures.find((f) => f.name === 'article')!;
    const differ = Object.keys(article.init).filter((p) => article.init[p] !== article.initPortable![p]);
    expect(differ.length).toBeGreaterThan(0);
  });
});

describe('initialParams(net, config)', () => {
  it.each(fixtures.map((f) => [f.name, f] as const))("%s: equals PyTorch's initial parameters", (_name, f) => {
    expect(initialParams(networkOf(f.config), f.config)).toEqual(f.init);
  });
});

describe('trace(fixture.config) against PyTorch', () => {
  const f32 = fixtures.filter((f) => f.config.dtype === 'float32');
  const f64 = fixtures.filter((f) => f.config.dtype === 'float64');

  it.each(f32.map((f) => [f.name, f] as const))('%s (float32): every quantity within its ulp bound', (_name, f) => {
    const misses = compare(f, trace(f.config, { numeric: false })).filter((m) => m.off > ULP_BOUND[m.kind]);
    expect(misses).toEqual([]);
  });

  it('the float32 ulp bounds are the measured maxima (tighten them if this fails)', () => {
    const max: Record<Kind, number> = { params: 0, nodes: 0, loss: 0, grads: 0, final: 0 };
    for (const f of f32) for (const m of compare(f, trace(f.config, { numeric: false }))) max[m.kind] = Math.max(max[m.kind], m.off);
    expect(max).toEqual(ULP_BOUND);
  });

  it.each(f64.map((f) => [f.name, f] as const))('%s (float64): every quantity within 1e-12 relative', (_name, f) => {
    const misses = compare(f, trace(f.config, { numeric: false })).filter((m) => m.off > F64_REL);
    expect(misses).toEqual([]);
  });

  it.each(f32.map((f) => [f.name, f] as const))("%s: sgdStep on PyTorch's own params and grads gives PyTorch's next params bit for bit", (_name, f) => {
    const { lr } = f.config;
    const steps = f.epochs.map((e, i) => ({ from: e, to: f.epochs[i + 1]?.params ?? f.final }));
    const differing = steps.flatMap(({ from, to }) =>
      Object.keys(to).filter((p) => !Object.is(sgdStep(from.params[p]!, from.grads[p]!, lr, 'float32', 'fused'), to[p])).map((p) => `epoch ${from.epoch} ${p}`));
    expect(differing).toEqual([]);
  });
});

describe('backprop ≡ symbolic', () => {
  const runs = fixtures.flatMap((f) => [
    [f.name, f.config.dtype, f] as const,
    ...(f.config.dtype === 'float64' ? [] : [[f.name, 'float64', f] as const]),
  ]);
  it.each(runs)('%s in %s: within 1e-12 relative on every epoch', (_name, dtype, f) => {
    const t = trace({ ...f.config, dtype }, { numeric: false });
    const differing = t.epochs.flatMap((e) =>
      Object.keys(e.grads.backprop).filter((p) => !sameWithin(e.grads.backprop[p]!, e.grads.symbolic[p]!)).map((p) => `epoch ${e.epoch} ${p}`));
    expect(t.epochs.length).toBe(f.config.epochs);
    expect(differing).toEqual([]);
  });
});

describe('finiteDifference ≈ backprop (gradcheck: atol 1e-5, rtol 1e-3)', () => {
  it.each(fixtures.map((f) => [f.name, f] as const))('%s: every parameter not flagged as a kink', (_name, f) => {
    const t = trace(f.config);
    const differing = t.epochs.flatMap((e) => {
      const kinked = new Set(e.kinks.map((k) => k.param));
      return Object.keys(e.grads.backprop)
        .filter((p) => !kinked.has(p) && !gradcheckClose(e.grads.numeric[p]!, e.grads.backprop[p]!))
        .map((p) => `epoch ${e.epoch} ${p}: numeric ${e.grads.numeric[p]} backprop ${e.grads.backprop[p]}`);
    });
    expect(differing).toEqual([]);
  });

  it('only the kink fixture crosses a kink', () => {
    const crossing = fixtures.filter((f) => trace(f.config).epochs.some((e) => e.kinks.length > 0)).map((f) => f.name);
    expect(crossing).toEqual(['kink']);
  });
});

describe('the kink fixture (z1 = z3 = 0 exactly in epoch 1)', () => {
  const f = fixtures.find((x) => x.name === 'kink')!;
  const t = trace(f.config);
  const e1 = t.epochs[0]!;

  it('puts z1 and z3 exactly on the kink', () => {
    expect([e1.nodes.z1, e1.nodes.z3]).toEqual([0, 0]);
  });

  it('flags the parameters whose perturbation moves z1 or z3 across 0, with left ≠ right slopes', () => {
    expect(e1.kinks.map((k) => k.param)).toEqual(['w1', 'w2', 'w4', 'b1', 'b2', 'b3']);
    expect(e1.kinks.filter((k) => k.left === k.right)).toEqual([]);
    const sites = Object.fromEntries(e1.kinks.map((k) => [k.param, k.nodes]));
    expect(sites).toEqual({ w1: ['z1'], b1: ['z1'], w2: ['z3'], b2: ['z3'], w4: ['z3'], b3: ['z3'] });
  });

  // PyTorch's ReLU backward selects +0 where z ≤ 0; the rule table multiplies
  // the adjoint by step(z), which gives -0 for a negative adjoint. Equal as numbers.
  const unsigned = (v: number) => v + 0;

  it("backprop gives PyTorch's gradient at the kink: 0 where the only path runs through it", () => {
    const torch = f.epochs[0]!.grads;
    const kinked = e1.kinks.map((k) => k.param);
    expect(Object.fromEntries(kinked.map((p) => [p, unsigned(e1.grads.backprop[p]!)]))).toEqual(Object.fromEntries(kinked.map((p) => [p, torch[p]])));
    expect(['w1', 'b1', 'w4', 'b3'].map((p) => unsigned(e1.grads.backprop[p]!))).toEqual([0, 0, 0, 0]);
  });
});

describe('the article (seed 0, 1-2-2-1 ReLU, float32)', () => {
  const article = fixtures.find((f) => f.name === 'article')!;
  const t = trace(article.config);

  it("epoch 1 has exactly three non-zero gradients, w8, b4 and b5, bit-exact to PyTorch's", () => {
    const g = t.epochs[0]!.grads.backprop;
    const nonzero = Object.fromEntries(Object.entries(g).filter(([, v]) => v !== 0));
    expect(nonzero).toEqual({ w8: -0.6367481350898743, b4: 0.4730033874511719, b5: -3.403080463409424 });
  });

  it('epoch 1: ŷ = -0.7015402317047119, L = 2.8952391147613525', () => {
    expect([t.epochs[0]!.yhat, t.epochs[0]!.loss]).toEqual([[-0.7015402317047119], 2.8952391147613525]);
  });

  it('epoch 2 loss is 2.7745254039764404', () => {
    expect(t.epochs[1]!.loss).toBe(2.7745254039764404);
  });
});
