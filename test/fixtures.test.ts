// Every recorded PyTorch run (fixtures/pytorch/*.json) replayed by xlgrad: the
// initial draw bit for bit; every optimizer step — parameters, per-sample
// nodes, loss, gradients, optimizer state — bit for bit in float32 (within a
// stated bound for cross-entropy, whose log-softmax backward PyTorch fuses),
// within 1e-12 relative in float64; and the three gradient methods checking
// each other.

import { describe, expect, it } from 'vitest';
import { float32 } from '../src/algebra.ts';
import { fixtures, type Fixture } from '../src/fixtures.ts';
import { adamScalars, optimizerUpdate, type ParamState } from '../src/optimizer.ts';
import { torchInit } from '../src/torchInit.ts';
import { epochDetails, trace, type Trace } from '../src/trace.ts';
import { initialParams, networkOf, train, type Step } from '../src/train.ts';
import { gradcheckClose, NOT_EXACT, relativeError, ulp32 } from './helpers.ts';
const exact = (f: Fixture) => !(f.name in NOT_EXACT);

type Kind = 'params' | 'nodes' | 'loss' | 'grads' | 'state' | 'final';
type Values = Record<string, number>;

const F64_REL = 1e-12;
const F64_ABS = 1e-15;

interface Pair { kind: Kind; step: number; name: string; ours: number; torch: number; scale: number }

/** Every quantity of a run (or of one step) paired with PyTorch's, with the largest |value| of its kind in its step. */
function pairs(kind: Kind, step: number, ours: Values, torch: Values, out: Pair[]): void {
  const scale = Math.max(...Object.values(torch).map(Math.abs));
  for (const [name, v] of Object.entries(torch)) out.push({ kind, step, name, ours: ours[name]!, torch: v, scale });
}

function stepPairs(f: Fixture, ours: { params: Values; nodes: Values[]; loss: number; grads: Values; state: Values }, i: number, out: Pair[]): void {
  const s = f.steps[i]!;
  pairs('params', s.step, ours.params, s.params, out);
  s.nodes.forEach((n, k) => pairs('nodes', s.step, ours.nodes[k]!, n, out));
  pairs('loss', s.step, { L: ours.loss }, { L: s.loss }, out);
  pairs('grads', s.step, ours.grads, s.grads, out);
  pairs('state', s.step, ours.state, s.state, out);
}

function runPairs(f: Fixture, t: Trace): Pair[] {
  const out: Pair[] = [];
  f.steps.forEach((_, i) => {
    const s = t.steps[i]!;
    stepPairs(f, { ...s, grads: s.grads.backprop }, i, out);
  });
  pairs('final', f.steps.length, t.final, f.final, out);
  return out;
}

const off = (f: Fixture, p: Pair) =>
  f.config.dtype === 'float64' ? relativeError(p.ours, p.torch, F64_ABS) : Math.abs(p.ours - p.torch) / ulp32(p.scale);
const show = (p: Pair) => `step ${p.step} ${p.kind} ${p.name}: ours ${p.ours}, PyTorch ${p.torch}`;
const f32 = fixtures.filter((f) => f.config.dtype === 'float32');
const f64 = fixtures.filter((f) => f.config.dtype === 'float64');
const seeded = fixtures.filter((f) => 'torchSeed' in f.config.init);
const seedOf = (f: Fixture) => f.config.init as { torchSeed: number; draw: 'float32' | 'float64' };

describe('torchInit(layers, seed, rounding, draw)', () => {
  it.each(seeded.map((f) => [f.name, f] as const))("%s: reproduces PyTorch's draw bit for bit", (_name, f) => {
    const { torchSeed, draw } = seedOf(f);
    const drawn = torchInit(networkOf(f.config).layers, torchSeed, 'fused', draw);
    // A float32 run stores the draw as float32 (a float64 draw converted by .float()).
    const stored = f.config.dtype === 'float32' ? Object.fromEntries(Object.entries(drawn).map(([k, v]) => [k, Math.fround(v)])) : drawn;
    expect(Object.keys(f.init).filter((p) => !Object.is(stored[p], f.init[p]))).toEqual([]);
    expect(Object.keys(drawn).sort()).toEqual(Object.keys(f.init).sort());
  });

  it.each(seeded.filter((f) => f.initPortable).map((f) => [f.name, f] as const))("%s: 'portable' reproduces PyTorch's portable-kernel draw bit for bit", (_name, f) => {
    const drawn = torchInit(networkOf(f.config).layers, seedOf(f).torchSeed, 'portable');
    expect(Object.keys(f.initPortable!).filter((p) => !Object.is(drawn[p], f.initPortable![p]))).toEqual([]);
  });

  it('the fixtures include a float64 draw, a float64 run of a float32 draw and bias-free layers', () => {
    expect(seeded.filter((f) => seedOf(f).draw === 'float64').map((f) => f.name)).toContain('bce-adam-float64');
    expect(seeded.filter((f) => f.config.dtype === 'float64' && seedOf(f).draw === 'float32').map((f) => f.name)).toContain('float64-float32draw');
    expect(fixtures.filter((f) => f.config.bias.some((b) => !b)).map((f) => f.name).sort()).toEqual(['mazur-nobias', 'mixed-bias']);
  });
});

describe('initialParams(net, config)', () => {
  it.each(fixtures.map((f) => [f.name, f] as const))("%s: equals PyTorch's initial parameters", (_name, f) => {
    expect(initialParams(networkOf(f.config), f.config)).toEqual(f.init);
  });
});

describe('trace(fixture.config) against PyTorch, every step', () => {
  const runs = new Map(fixtures.map((f) => [f.name, trace(f.config, { numeric: false })]));

  it.each(f32.filter(exact).map((f) => [f.name, f] as const))('%s (float32): bit for bit', (_name, f) => {
    const t = runs.get(f.name)!;
    expect(t.steps.length).toBe(f.steps.length);
    expect(runPairs(f, t).filter((p) => !Object.is(p.ours, p.torch) && p.ours !== p.torch).map(show)).toEqual([]);
  });

  it.each(f32.filter((f) => !exact(f)).map((f) => [f.name, f] as const))("%s (float32): within its stated ulps of each quantity's scale", (_name, f) => {
    const t = runs.get(f.name)!;
    expect(t.steps.length).toBe(f.steps.length);
    expect(runPairs(f, t).filter((p) => off(f, p) > NOT_EXACT[f.name]!.run).map(show)).toEqual([]);
  });

  it.each(f64.map((f) => [f.name, f] as const))('%s (float64): every quantity within 1e-12 relative', (_name, f) => {
    const t = runs.get(f.name)!;
    expect(t.steps.length).toBe(f.steps.length);
    expect(runPairs(f, t).filter((p) => off(f, p) > F64_REL).map(show)).toEqual([]);
  });

  it.each(fixtures.filter((f) => f.epochs.length).map((f) => [f.name, f] as const))('%s: the one-sample epochs carry the same numbers as the recorded epochs', (_name, f) => {
    const e = epochDetails(runs.get(f.name)!);
    const ours = e.map((x) => ({ params: x.params, loss: x.loss, yhat: x.yhat }));
    const theirs = f.epochs.map((x) => ({ params: x.params, loss: x.loss, yhat: x.yhat }));
    if (f.config.dtype === 'float32') expect(ours).toEqual(theirs);
    else expect(ours.flatMap((o, i) => [o.loss - theirs[i]!.loss]).every((d) => Math.abs(d) <= 1e-12)).toBe(true);
  });
});

describe("one step from PyTorch's own parameters and optimizer state", () => {
  /** Step i of the fixture, resumed from the recorded parameters and state. */
  const resumed = (f: Fixture, i: number): Step => {
    const s = f.steps[i]!;
    return train(f.config, { resume: { step: s.step, params: s.params, state: f.steps[i - 1]?.state ?? {} } }).next().value as Step;
  };
  const nextParams = (f: Fixture, i: number) => f.steps[i + 1]?.params ?? f.final;

  it.each(f32.filter(exact).map((f) => [f.name, f] as const))('%s: every step bit for bit', (_name, f) => {
    const out: Pair[] = [];
    f.steps.forEach((_, i) => {
      const s = resumed(f, i);
      const nodes = s.net.samples.map((names) => Object.fromEntries(s.net.template.nodes.map((q, k) => [q, s.values[s.net.id[names.nodes[k]!]!]!])));
      stepPairs(f, { params: s.params, nodes, loss: s.loss, grads: s.grads, state: s.state }, i, out);
      pairs('final', f.steps[i]!.step, s.next, nextParams(f, i), out);
    });
    expect(out.filter((p) => p.ours !== p.torch).map(show)).toEqual([]);
  });

  it.each(f32.filter((f) => !exact(f)).map((f) => [f.name, f] as const))("%s: every step within its stated ulps of each quantity's scale", (_name, f) => {
    const out: Pair[] = [];
    f.steps.forEach((_, i) => {
      const s = resumed(f, i);
      pairs('loss', s.step, { L: s.loss }, { L: f.steps[i]!.loss }, out);
      pairs('grads', s.step, s.grads, f.steps[i]!.grads, out);
      pairs('final', s.step, s.next, nextParams(f, i), out);
    });
    expect(out.filter((p) => off(f, p) > NOT_EXACT[f.name]!.step).map(show)).toEqual([]);
  });

  it.each(f32.map((f) => [f.name, f] as const))("%s: optimizerUpdate on PyTorch's gradients gives PyTorch's next parameters and state bit for bit", (_name, f) => {
    const { optimizer: opt, lr } = f.config;
    const differing: string[] = [];
    f.steps.forEach((s, i) => {
      const prev = f.steps[i - 1]?.state ?? {};
      const sc = opt.name === 'adam' ? adamScalars(lr, opt.betas, s.step) : undefined;
      for (const p of Object.keys(s.params)) {
        const st: ParamState<number> = { mom: prev[`mom_${p}`], m: prev[`m_${p}`], v: prev[`v_${p}`] };
        const u = optimizerUpdate(float32, opt, Math.fround(lr), s.params[p]!, s.grads[p]!, st, sc && { stepSize: Math.fround(sc.stepSize), bc2Sqrt: Math.fround(sc.bc2Sqrt) });
        if (u.theta !== nextParams(f, i)[p]) differing.push(`step ${s.step} ${p}`);
        for (const [k, v] of Object.entries(u.state)) if (v !== s.state[`${k}_${p}`]) differing.push(`step ${s.step} ${k}_${p}`);
      }
    });
    expect(differing).toEqual([]);
  });
});

describe('backprop ≡ symbolic', () => {
  const runs = fixtures.flatMap((f) => [
    [f.name, f.config.dtype, f] as const,
    ...(f.config.dtype === 'float64' ? [] : [[f.name, 'float64', f] as const]),
  ]);
  it.each(runs)('%s in %s: exactly equal on every step', (_name, dtype, f) => {
    const t = trace({ ...f.config, dtype }, { numeric: false });
    const differing = t.steps.flatMap((s) => Object.keys(s.grads.backprop).filter((p) => s.grads.backprop[p] !== s.grads.symbolic[p]).map((p) => `step ${s.step} ${p}`));
    expect(t.steps.length).toBe(f.steps.length);
    expect(differing).toEqual([]);
  });
});

describe('finiteDifference ≈ backprop (gradcheck: atol 1e-5, rtol 1e-3)', () => {
  const runs = new Map(fixtures.map((f) => [f.name, trace({ ...f.config, epochs: Math.min(f.config.epochs, 5) })]));
  it.each(fixtures.map((f) => [f.name, f] as const))('%s: every parameter not flagged as a kink, first 5 epochs', (_name, f) => {
    const differing = runs.get(f.name)!.steps.flatMap((s) => {
      const kinked = new Set(s.kinks.map((k) => k.param));
      return Object.keys(s.grads.backprop)
        .filter((p) => !kinked.has(p) && !gradcheckClose(s.grads.numeric[p]!, s.grads.backprop[p]!))
        .map((p) => `step ${s.step} ${p}: numeric ${s.grads.numeric[p]} backprop ${s.grads.backprop[p]}`);
    });
    expect(differing).toEqual([]);
  });

  it('only the kink fixture crosses a kink', () => {
    const crossing = fixtures.filter((f) => runs.get(f.name)!.steps.some((s) => s.kinks.length > 0)).map((f) => f.name);
    expect(crossing).toEqual(['kink']);
  });
});

describe('the kink fixture (z1 = z3 = 0 exactly in epoch 1)', () => {
  const f = fixtures.find((x) => x.name === 'kink')!;
  const e1 = epochDetails(trace(f.config))[0]!;

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
  const e = epochDetails(trace(article.config));

  it("epoch 1 has exactly three non-zero gradients, w8, b4 and b5, bit-exact to PyTorch's", () => {
    const nonzero = Object.fromEntries(Object.entries(e[0]!.grads.backprop).filter(([, v]) => v !== 0));
    expect(nonzero).toEqual({ w8: -0.6367481350898743, b4: 0.4730033874511719, b5: -3.403080463409424 });
  });

  it('epoch 1: ŷ = -0.7015402317047119, L = 2.8952391147613525', () => {
    expect([e[0]!.yhat, e[0]!.loss]).toEqual([[-0.7015402317047119], 2.8952391147613525]);
  });

  it('epoch 2 loss is 2.7745254039764404', () => {
    expect(e[1]!.loss).toBe(2.7745254039764404);
  });
});

describe('XOR (the README config: 2-2-1 sigmoid, mse, 4 samples, momentum 0.9, 100 epochs)', () => {
  const f = fixtures.find((x) => x.name === 'xor')!;
  const t = trace(f.config, { numeric: false });
  it('has one full-batch step per epoch over samples 1–4', () => {
    expect(t.steps.map((s) => [s.epoch, s.batch, s.samples])).toEqual(f.steps.map((s) => [s.epoch, s.batch, s.samples]));
    expect(t.steps[0]!.samples).toEqual([1, 2, 3, 4]);
  });
  it("the last step's loss and momentum buffers are PyTorch's", () => {
    expect([t.steps.at(-1)!.loss, t.steps.at(-1)!.state]).toEqual([f.steps.at(-1)!.loss, f.steps.at(-1)!.state]);
  });
});
