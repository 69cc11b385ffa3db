// Properties over random networks (fast-check): the gradient methods agree with
// each other, the compiled loop is the trace bit for bit, and the two classic
// traps of reverse mode (a value used twice, ReLU exactly at 0) come out right.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backprop } from '../src/backprop.ts';
import { compileTrainLoop } from '../src/compile.ts';
import { ACTIVATIONS, DTYPES, LOSSES, paramNames, type Config } from '../src/config.ts';
import { evaluate } from '../src/evaluate.ts';
import { finiteDifference } from '../src/finiteDifference.ts';
import { Graph } from '../src/graph.ts';
import { network, type Activation } from '../src/network.ts';
import { ops } from '../src/ops.ts';
import { symbolic } from '../src/symbolic.ts';
import { toText } from '../src/toText.ts';
import { initialParams, trace } from '../src/trace.ts';
import { gradcheckClose, sameWithin } from './helpers.ts';

const RUNS = { numRuns: 150 };

const layersArb = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 2, maxLength: 4 });
const value = fc.double({ min: -2, max: 2, noNaN: true, noDefaultInfinity: true });

/** A random network and a point to differentiate at: every parameter and input drawn from [-2, 2]. */
function netAndPoint(activations: readonly Activation[]) {
  return fc.record({
    layers: layersArb,
    activation: fc.constantFrom(...activations),
    outputActivation: fc.constantFrom(...activations),
    loss: fc.constantFrom(...LOSSES),
  }).chain((arch) => {
    const numbered = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i + 1}`);
    const names = [...paramNames(arch.layers), ...numbered('x', arch.layers[0]!), ...numbered('y', arch.layers.at(-1)!)];
    return fc.tuple(fc.constant(arch), fc.array(value, { minLength: names.length, maxLength: names.length }))
      .map(([a, vs]) => ({ arch: a, env: Object.fromEntries(names.map((n, i) => [n, vs[i]!])) }));
  });
}

describe('backprop(graph, values, L, params) ≡ symbolic gradients', () => {
  it('agree within 1e-12 relative on random networks, activations, losses and points', () => {
    fc.assert(fc.property(netAndPoint(ACTIVATIONS), ({ arch, env }) => {
      const net = network(arch);
      const v = evaluate(net.graph, env, 'float64');
      const bp = backprop(net.graph, v, net.loss, net.params);
      const differing = net.params.filter((p) => !sameWithin(bp[p]!, v[net.grads[p]!]!));
      expect(differing).toEqual([]);
    }), RUNS);
  });
});

describe('finiteDifference(net, env) ≈ backprop', () => {
  it('within gradcheck tolerances on smooth (sigmoid, tanh, identity) networks', () => {
    fc.assert(fc.property(netAndPoint(['sigmoid', 'tanh', 'identity']), ({ arch, env }) => {
      const net = network(arch);
      const bp = backprop(net.graph, evaluate(net.graph, env, 'float64', net.loss + 1), net.loss, net.params);
      const fd = finiteDifference(net, env);
      const differing = net.params.filter((p) => !gradcheckClose(fd.grads[p]!, bp[p]!));
      expect({ differing, kinks: fd.kinks }).toEqual({ differing: [], kinks: [] });
    }), RUNS);
  });
});

/** A random trainable config with explicit parameters or a torch seed. */
const configArb: fc.Arbitrary<Config> = fc.record({
  layers: layersArb,
  activation: fc.constantFrom(...ACTIVATIONS),
  outputActivation: fc.constantFrom(...ACTIVATIONS),
  loss: fc.constantFrom(...LOSSES),
  dtype: fc.constantFrom(...DTYPES),
  lr: fc.constantFrom(0.001, 0.01, 0.05, 0.1),
  epochs: fc.integer({ min: 1, max: 6 }),
  seed: fc.integer({ min: 0, max: 2 ** 31 }),
  rounding: fc.constantFrom('fused' as const, 'portable' as const),
  xy: fc.array(value, { minLength: 8, maxLength: 8 }),
}).map(({ seed, rounding, xy, ...c }) => ({
  ...c,
  x: xy.slice(0, c.layers[0]!),
  y: xy.slice(4, 4 + c.layers.at(-1)!),
  init: { torchSeed: seed, rounding },
}));

describe('compileTrainLoop(net, config) ≡ trace(config)', () => {
  it('gives bit-identical losses and final parameters in float32 and float64, fused and portable SGD rounding', () => {
    fc.assert(fc.property(configArb, (config) => {
      const t = trace(config, { numeric: false });
      fc.pre(!t.diverged);
      const net = network(config);
      const params = Float64Array.from(net.params.map((p) => initialParams(net, config)[p]!));
      const losses = new Float64Array(config.epochs);
      const rounding = 'torchSeed' in config.init ? config.init.rounding : 'fused';
      compileTrainLoop(net, { ...config, rounding })(params, Float64Array.from(config.x), Float64Array.from(config.y), config.epochs, losses);
      const same = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
      expect(same([...losses], t.epochs.map((e) => e.loss))).toBe(true);
      expect(same([...params], net.params.map((p) => t.final[p]!))).toBe(true);
    }), RUNS);
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
    expect([ops.step.eval(0, 0), ops.step.eval(-0, 0), ops.relu.eval(0, 0)]).toEqual([0, 0, 0]);
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
    const net = network({ layers: [1, 1, 1], activation: 'relu', outputActivation: 'identity', loss: 'squared_error' });
    const env = { w1: 2, b1: -2, w2: 3, b2: 0.5, x1: 1, y1: 0 };
    const v = evaluate(net.graph, env);
    const bp = backprop(net.graph, v, net.loss, net.params);
    expect([v[net.id.z1!], bp.w1! + 0, bp.b1! + 0, bp.w2, bp.b2]).toEqual([0, 0, 0, 0, 1]);
  });
});
