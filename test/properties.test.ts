// Properties over random networks (fast-check): the gradient methods agree with
// each other on networks with and without biases, over batches of samples; the
// compiled loop is train() bit for bit for every optimizer, loss and dtype; and
// the two classic traps of reverse mode (a value used twice, ReLU exactly at 0)
// come out right.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Dtype } from '../src/algebra.ts';
import { backprop } from '../src/backprop.ts';
import { compileTrainLoop } from '../src/compile.ts';
import { ACTIVATIONS, DTYPES, LOSSES, type Config, type Optimizer } from '../src/config.ts';
import { evaluate } from '../src/evaluate.ts';
import { finiteDifference } from '../src/finiteDifference.ts';
import { Graph } from '../src/graph.ts';
import * as names from '../src/names.ts';
import { network, type Activation, type Architecture, type Loss, type Network } from '../src/network.ts';
import { ops } from '../src/ops.ts';
import { stateKinds } from '../src/optimizer.ts';
import { symbolic } from '../src/symbolic.ts';
import { toText } from '../src/toText.ts';
import { initialParams, networkOf, train, type Step } from '../src/train.ts';
import { gradcheckClose } from './helpers.ts';

const RUNS = { numRuns: 150 };

const layersArb = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 2, maxLength: 4 });
const value = fc.double({ min: -2, max: 2, noNaN: true, noDefaultInfinity: true });

/** A random architecture: one bias flag per Linear layer, each true or false. */
function archArb(activations: readonly Activation[], losses: readonly Loss[] = LOSSES): fc.Arbitrary<Architecture> {
  return fc.record({
    layers: layersArb,
    activation: fc.constantFrom(...activations),
    outputActivation: fc.constantFrom(...activations),
    loss: fc.constantFrom(...losses),
  }).chain((a) => fc.array(fc.boolean(), { minLength: a.layers.length - 1, maxLength: a.layers.length - 1 }).map((bias) => ({ ...a, bias })));
}

const networks = new Map<string, Network>();
/** The network of an architecture and batch size, built once per shape. */
function networkFor(arch: Architecture, batch: number): Network {
  const key = JSON.stringify([arch, batch]);
  let net = networks.get(key);
  if (!net) networks.set(key, (net = network(arch, batch)));
  return net;
}

/**
 * A random network for a batch of some samples (1 to 3 unless told) and a point to differentiate
 * at: every parameter, input and target drawn from [-2, 2]. (The gradient
 * identities hold for any targets, not only one-hot or [0, 1] ones.) The
 * network is built inside the property, so a counterexample prints only these.
 */
function netAndPoint(activations: readonly Activation[], batches: readonly number[] = [1, 2, 3]) {
  return fc.tuple(archArb(activations), fc.constantFrom(...batches)).chain(([arch, batch]) => {
    const net = networkFor(arch, batch);
    const leaves = [...net.params, ...net.x, ...net.y];
    return fc.array(value, { minLength: leaves.length, maxLength: leaves.length })
      .map((vs) => ({ arch, batch, env: Object.fromEntries(leaves.map((n, i) => [n, vs[i]!])) }));
  });
}

describe('backprop(graph, values, L, params) ≡ symbolic gradients', () => {
  it.each(DTYPES)('are equal in %s on random networks, bias flags, batches, activations, losses and points', (dtype: Dtype) => {
    fc.assert(fc.property(netAndPoint(ACTIVATIONS), ({ arch, batch, env }) => {
      const net = networkFor(arch, batch);
      const v = evaluate(net.graph, env, dtype);
      const bp = backprop(net.graph, v, net.loss, net.params, dtype);
      // === (not Object.is): the expression graph folds 0 − b into −b, which differs only in the sign of a zero.
      const differing = net.params.filter((p) => !(bp[p] === v[net.grads[p]!]));
      expect(differing).toEqual([]);
    }), RUNS);
  });
});

describe('network(arch, batch) reduces over the batch as PyTorch\'s loss modules do', () => {
  // Sum for squared_error and half_squared_error, the mean for mse, bce_with_logits and cross_entropy.
  const MEAN: Record<Loss, boolean> = { squared_error: false, half_squared_error: false, mse: true, bce_with_logits: true, cross_entropy: true };
  it('∂L/∂θ of a batch of 1, 2 or 4 samples is the sum, or the mean, of each sample\'s ∂L/∂θ, exactly', () => {
    // Dividing by a power of two is exact, so the batch graph (seeded with 1/B) and
    // the one-sample graphs (seeded with 1, then halved) round alike: only values
    // that fall below the normal range (|v| < 2⁻¹⁰²²) may lose bits, hence the 1e-300.
    fc.assert(fc.property(netAndPoint(ACTIVATIONS, [1, 2, 4]), ({ arch, batch, env }) => {
      const net = networkFor(arch, batch);
      const one = networkFor(arch, 1);
      const grads = backprop(net.graph, evaluate(net.graph, env), net.loss, net.params);
      const each = net.samples.map((sample) => {
        const sampleEnv: Record<string, number> = Object.fromEntries(net.params.map((p) => [p, env[p]!]));
        sample.x.forEach((n, i) => (sampleEnv[one.x[i]!] = env[n]!));
        sample.y.forEach((n, j) => (sampleEnv[one.y[j]!] = env[n]!));
        return backprop(one.graph, evaluate(one.graph, sampleEnv), one.loss, one.params);
      });
      const scale = MEAN[arch.loss] ? 1 / batch : 1;
      const differing = net.params.filter((p) => {
        const expected = each.map((g) => g[p]! * scale).reduce((s, t) => s + t);
        return !(grads[p] === expected || Math.abs(grads[p]! - expected) <= 1e-300);
      });
      expect(differing).toEqual([]);
    }), RUNS);
  });
});

describe('finiteDifference(net, env) ≈ backprop', () => {
  it('within gradcheck tolerances on smooth (sigmoid, tanh, identity) networks, with bias flags and batches', () => {
    fc.assert(fc.property(netAndPoint(['sigmoid', 'tanh', 'identity']), ({ arch, batch, env }) => {
      const net = networkFor(arch, batch);
      const bp = backprop(net.graph, evaluate(net.graph, env, 'float64', net.loss + 1), net.loss, net.params);
      const fd = finiteDifference(net, env);
      const differing = net.params.filter((p) => !gradcheckClose(fd.grads[p]!, bp[p]!));
      expect({ differing, kinks: fd.kinks }).toEqual({ differing: [], kinks: [] });
    }), RUNS);
  });

  it('within gradcheck tolerances on ReLU networks, for every parameter whose ±h step crosses no kink', () => {
    fc.assert(fc.property(netAndPoint(['relu', 'identity']), ({ arch, batch, env }) => {
      const net = networkFor(arch, batch);
      const bp = backprop(net.graph, evaluate(net.graph, env, 'float64', net.loss + 1), net.loss, net.params);
      const fd = finiteDifference(net, env);
      const kinked = new Set(fd.kinks.map((k) => k.param));
      const differing = net.params.filter((p) => !kinked.has(p) && !gradcheckClose(fd.grads[p]!, bp[p]!));
      expect(differing).toEqual([]);
    }), RUNS);
  });
});

/** torch.optim.SGD with and without momentum, dampening and weight decay; Nesterov (which needs momentum > 0 and no dampening); Adam. */
const optimizerArb: fc.Arbitrary<Optimizer> = fc.oneof(
  fc.record({
    name: fc.constant('sgd' as const), momentum: fc.constantFrom(0, 0.5, 0.9), dampening: fc.constantFrom(0, 0.3),
    nesterov: fc.constant(false), weightDecay: fc.constantFrom(0, 0.01),
  }),
  fc.record({
    name: fc.constant('sgd' as const), momentum: fc.constantFrom(0.5, 0.9), dampening: fc.constant(0),
    nesterov: fc.constant(true), weightDecay: fc.constantFrom(0, 0.01),
  }),
  fc.record({
    name: fc.constant('adam' as const), betas: fc.constantFrom<[number, number]>([0.9, 0.999], [0.8, 0.99], [0, 0.5]),
    eps: fc.constantFrom(1e-8, 1e-3), weightDecay: fc.constantFrom(0, 0.01),
  }),
);

/** One sample's targets as a config holds them: a class index for cross_entropy, probabilities for bce_with_logits. */
function targetArb(loss: Loss, outputs: number): fc.Arbitrary<number[]> {
  if (loss === 'cross_entropy') return fc.integer({ min: 0, max: outputs - 1 }).map((k) => [k]);
  const one = loss === 'bce_with_logits' ? fc.double({ min: 0, max: 1, noNaN: true }) : value;
  return fc.array(one, { minLength: outputs, maxLength: outputs });
}

/** A random trainable config: 1 to 6 samples in batches that often leave a partial last one, any optimizer, seeded init. */
const configArb: fc.Arbitrary<Config> = fc.record({
  arch: archArb(ACTIVATIONS),
  samples: fc.integer({ min: 1, max: 6 }),
  dtype: fc.constantFrom(...DTYPES),
  lr: fc.constantFrom(0.001, 0.01, 0.05, 0.1),
  optimizer: optimizerArb,
  epochs: fc.integer({ min: 1, max: 4 }),
  seed: fc.integer({ min: 0, max: 2 ** 31 }),
  rounding: fc.constantFrom('fused' as const, 'portable' as const),
  draw: fc.constantFrom(...DTYPES),
}).chain(({ arch, samples, seed, rounding, draw, ...c }) => {
  // Both losses take raw logits, so their output activation is the identity (as normalizeConfig requires).
  const logits = arch.loss === 'cross_entropy' || arch.loss === 'bce_with_logits';
  return fc.record({
    batchSize: fc.integer({ min: 1, max: samples }),
    x: fc.array(fc.array(value, { minLength: arch.layers[0]!, maxLength: arch.layers[0]! }), { minLength: samples, maxLength: samples }),
    y: fc.array(targetArb(arch.loss, arch.layers.at(-1)!), { minLength: samples, maxLength: samples }),
  }).map((data) => ({ ...arch, ...(logits ? { outputActivation: 'identity' as const } : {}), ...c, ...data, init: { torchSeed: seed, rounding, draw } }));
});

/** The samples row by row as the compiled loop reads them; cross-entropy's class index as a one-hot row. */
function rowsOf(config: Config): { x: Float64Array; y: Float64Array } {
  const outputs = config.layers.at(-1)!;
  const y = config.loss === 'cross_entropy' ? config.y.map(([k]) => Array.from({ length: outputs }, (_, j) => (j === k ? 1 : 0))) : config.y;
  return { x: Float64Array.from(config.x.flat()), y: Float64Array.from(y.flat()) };
}

const bitsEqual = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));

/**
 * Adam in float32 with lr 0.1: torch.optim.Adam computes its step size lr / (1 − β₁ᵗ)
 * from the double lr, and only the result is rounded to float32; at step 3 here
 * the float32-rounded lr would give a step size one float32 apart.
 */
const ADAM_FLOAT32: Config = {
  layers: [1, 1, 1], bias: [false, true], activation: 'relu', outputActivation: 'sigmoid', loss: 'squared_error',
  x: [[0]], y: [[0.4314932376146317]], batchSize: 1, lr: 0.1, optimizer: { name: 'adam', betas: [0.8, 0.99], eps: 1e-8, weightDecay: 0 },
  epochs: 3, dtype: 'float32', init: { torchSeed: 719297678, rounding: 'portable', draw: 'float32' },
};

describe('compileTrainLoop(net, config) ≡ train(config)', () => {
  it('gives bit-identical losses, parameters and optimizer state: SGD (momentum, dampening, Nesterov, weight decay) and Adam, every loss, float32 and float64, partial last batches', () => {
    fc.assert(fc.property(configArb, fc.double({ min: 0, max: 1, noNaN: true }), (config, cut) => {
      const steps: Step[] = [...train(config)];
      fc.pre(steps.every((s) => Number.isFinite(s.loss) && s.net.params.every((p) => Number.isFinite(s.next[p]!))));
      const last = steps.at(-1)!;
      const net = networkOf(config, 1);
      const kinds = stateKinds(config.optimizer);
      const start = initialParams(net, config);
      const params = Float64Array.from(net.params, (p) => start[p]!);
      const state = new Float64Array(net.params.length * kinds.length);
      const rounding = 'torchSeed' in config.init ? config.init.rounding : 'fused';
      const loop = compileTrainLoop(net, { ...config, samples: config.x.length, rounding });
      const { x, y } = rowsOf(config);
      // Two calls, the second told how many steps the first took, run the same steps as one.
      const first = Math.floor(cut * config.epochs);
      const perEpoch = Math.ceil(config.x.length / config.batchSize);
      const losses = new Float64Array(steps.length);
      const ran = loop(params, state, x, y, first, losses, 0) + loop(params, state, x, y, config.epochs - first, losses.subarray(first * perEpoch), first * perEpoch);
      expect(ran).toBe(steps.length);
      expect(bitsEqual(losses, steps.map((s) => s.loss))).toBe(true);
      expect(bitsEqual(params, net.params.map((p) => last.next[p]!))).toBe(true);
      const named = net.params.flatMap((p) => kinds.map((k) => last.state[names.state(k, p)]!));
      expect(bitsEqual(state, named)).toBe(true);
    }), { ...RUNS, examples: [[ADAM_FLOAT32, 0.5]] });
  });

  it('stops after a step whose loss is not finite, without applying its update, as train() does', () => {
    const config: Config = {
      layers: [1, 2, 1], bias: [true, true], activation: 'identity', outputActivation: 'identity', loss: 'squared_error',
      x: [[1], [2]], y: [[1], [0]], batchSize: 1, lr: 1e30, optimizer: { name: 'sgd', momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 },
      epochs: 5, dtype: 'float64', init: { torchSeed: 0, rounding: 'fused', draw: 'float64' },
    };
    const steps = [...train(config)];
    const net = networkOf(config, 1);
    const loop = compileTrainLoop(net, { ...config, samples: 2 });
    const start = initialParams(net, config);
    const params = Float64Array.from(net.params, (p) => start[p]!);
    const losses = new Float64Array(10);
    const { x, y } = rowsOf(config);
    const ran = loop(params, new Float64Array(0), x, y, config.epochs, losses);
    expect(Number.isFinite(steps.at(-1)!.loss)).toBe(false);
    expect(ran).toBe(steps.length);
    expect(bitsEqual(losses.subarray(0, ran), steps.map((s) => s.loss))).toBe(true);
    expect(bitsEqual(params, net.params.map((p) => steps.at(-1)!.params[p]!))).toBe(true);
  });
});

describe('a value used twice gets both contributions', () => {
  it('L = a·a: ∂L/∂a = 2a by backprop and symbolically', () => {
    const g = new Graph();
    const a = g.param('a');
    const L = g.let('L', g.mul(a, a));
    const v = evaluate(g, { a: 3 });
    const { grads } = symbolic(g, L, ['a']);
    const all = evaluate(g, { a: 3 });
    expect([v[L], backprop(g, v, L, ['a']).a, all[grads.a!]]).toEqual([9, 6, 6]);
    expect(toText(g, grads.a!)).toBe('a + a');
  });

  it('a shared sub-expression: t = a·b built twice is one node, and L = exp(t) + t·c collects both paths', () => {
    const g = new Graph();
    const [a, b, c] = [g.param('a'), g.param('b'), g.param('c')];
    const t = g.let('t', g.mul(a, b));
    expect(g.mul(a, b)).toBe(g.node(t).args[0]);
    const L = g.let('L', g.add(g.unary('exp', t), g.mul(g.let('t', g.mul(a, b)), c)));
    const env = { a: 0.5, b: -1.5, c: 2 };
    const v = evaluate(g, env);
    const bp = backprop(g, v, L, ['a', 'b', 'c']);
    // ∂L/∂a = (exp(ab) + c)·b, ∂L/∂b = (exp(ab) + c)·a, ∂L/∂c = ab
    const e = Math.exp(env.a * env.b);
    expect(bp).toEqual({ a: (e + env.c) * env.b, b: (e + env.c) * env.a, c: env.a * env.b });
    const { grads } = symbolic(g, L, ['a', 'b', 'c']);
    const s = evaluate(g, env);
    expect({ a: s[grads.a!], b: s[grads.b!], c: s[grads.c!] }).toEqual(bp);
    expect(toText(g, g.named('dL_dt')!)).toBe('exp(t) + c');
  });
});

describe('ReLU exactly at 0 has derivative 0 (step(0) = 0, as in PyTorch)', () => {
  it('ops.step.eval(0) and ops.step.eval(-0) are 0; ops.relu.eval(0) is 0', () => {
    expect([ops.step.eval(0, 0, 0), ops.step.eval(-0, 0, 0), ops.relu.eval(0, 0, 0)]).toEqual([0, 0, 0]);
  });

  it('L = relu(w): backprop and symbolic give 0 at w = 0 and 1 just above', () => {
    const g = new Graph();
    const w = g.param('w');
    const L = g.let('L', g.unary('relu', w));
    const { grads } = symbolic(g, L, ['w']);
    const at = (x: number) => {
      const v = evaluate(g, { w: x });
      return [backprop(g, v, L, ['w']).w, v[grads.w!]];
    };
    expect([at(0), at(-0), at(1e-300)]).toEqual([[0, 0], [0, 0], [1, 1]]);
  });

  it('in a network: z1 = 0 exactly blocks the whole path through a1', () => {
    const net = network({ layers: [1, 1, 1], bias: [true, true], activation: 'relu', outputActivation: 'identity', loss: 'squared_error' });
    const env = { w1: 2, b1: -2, w2: 3, b2: 0.5, x1: 1, y1: 0 };
    const v = evaluate(net.graph, env);
    const bp = backprop(net.graph, v, net.loss, net.params);
    expect([v[net.id.z1!], bp.w1! + 0, bp.b1! + 0, bp.w2, bp.b2]).toEqual([0, 0, 0, 0, 1]);
  });
});

describe('compileTrainLoop on a net too large for one function', () => {
  it.each(['float32', 'float64'] as const)('3-24-24-2 tanh, 5 samples in batches of 2, momentum, %s: bit-identical to train()', (dtype) => {
    const config: Config = {
      layers: [3, 24, 24, 2], bias: [true, false, true], activation: 'tanh', outputActivation: 'identity', loss: 'mse',
      x: [[0.1, -0.4, 0.7], [1, 0.5, -1], [0.3, 0.3, 0.3], [-0.8, 0.2, 0.05], [0, 1, -0.5]],
      y: [[0.2, -0.1], [0.5, 0.5], [-0.3, 0.9], [0, 0], [1, -1]], batchSize: 2, lr: 0.05,
      optimizer: { name: 'sgd', momentum: 0.9, dampening: 0, nesterov: true, weightDecay: 0.001 },
      epochs: 2, dtype, init: { torchSeed: 11, rounding: 'fused', draw: dtype },
    };
    const steps = [...train(config)];
    const net = networkOf(config, 1);
    const loop = compileTrainLoop(net, { ...config, samples: 5 });
    expect(loop.toString()).toContain('c1(n, seed, x, y)');
    const start = initialParams(net, config);
    const p = Float64Array.from(net.params, (n) => start[n]!);
    const s = new Float64Array(net.params.length);
    const losses = new Float64Array(6);
    expect(loop(p, s, Float64Array.from(config.x.flat()), Float64Array.from(config.y.flat()), 2, losses)).toBe(6);
    expect(Array.from(losses)).toEqual(steps.map((st) => st.loss));
    expect(Array.from(p)).toEqual(net.params.map((n) => steps.at(-1)!.next[n]));
  });
});
