// The training driver, written once: epochs → batches → optimizer steps, each
// step a forward pass over the batch graph, reverse mode and the optimizer's
// update, in a given Algebra of numbers (float32 as PyTorch rounds it, or
// float64). trace(), the workbook's engine values and the notebook all iterate
// this; the compiled loop (compile.ts) emits the same steps as JavaScript.

import { numeric, type Dtype } from './algebra.ts';
import { reverse } from './backprop.ts';
import type { Config } from './config.ts';
import { evaluate, type Env } from './evaluate.ts';
import { network, type Network } from './network.ts';
import { adamScalars, namedState, optimizerUpdate, type ParamState } from './optimizer.ts';
import { torchInit } from './torchInit.ts';

export type Params = Record<string, number>;

/** The samples (0-based indices) of each batch of an epoch: consecutive, the last one partial (DataLoader(shuffle=False)). */
export function batchesOf(samples: number, batchSize: number): number[][] {
  const out: number[][] = [];
  for (let start = 0; start < samples; start += batchSize) {
    out.push(Array.from({ length: Math.min(batchSize, samples - start) }, (_, i) => start + i));
  }
  return out;
}

/** The network graph of a config for batches of `batch` samples (default: the config's batch size). */
export function networkOf(config: Config, batch = Math.min(config.batchSize, config.x.length)): Network {
  return network({ layers: config.layers, bias: config.bias, activation: config.activation, outputActivation: config.outputActivation, loss: config.loss }, batch);
}

/** One graph per batch size a run needs (at most two: full batches and the last, partial one). */
export function networksOf(config: Config, first?: Network): (size: number) => Network {
  const cache = new Map<number, Network>();
  if (first) cache.set(first.batch, first);
  return (size) => {
    let net = cache.get(size);
    if (!net) cache.set(size, (net = networkOf(config, size)));
    return net;
  };
}

/** Initial parameters: PyTorch's draw for a seed, or the explicit values (stored as float32 when the run is float32). */
export function initialParams(net: Network, config: Config): Params {
  const init = config.init;
  const raw = 'torchSeed' in init ? torchInit(net.layers, init.torchSeed, init.rounding, init.draw) : init.params;
  const round = config.dtype === 'float32' ? Math.fround : (v: number) => v;
  return Object.fromEntries(net.params.map((p) => [p, round(raw[p]!)]));
}

/** A batch's inputs and targets by graph name (x1_n2, …); cross-entropy's class index becomes one-hot y1…. */
export function inputsOf(net: Network, config: Config, samples: readonly number[] = [0]): Params {
  const inputs: Params = {};
  samples.forEach((s, k) => {
    const names = net.samples[k]!;
    names.x.forEach((n, i) => (inputs[n] = config.x[s]![i]!));
    names.y.forEach((n, j) => (inputs[n] = config.loss === 'cross_entropy' ? (config.y[s]![0] === j ? 1 : 0) : config.y[s]![j]!));
  });
  return inputs;
}

export interface Step {
  /** 1-based step, epoch and batch within the epoch. */
  step: number;
  epoch: number;
  batch: number;
  /** 0-based sample indices of the batch. */
  samples: number[];
  net: Network;
  env: Env;
  /** Parameters entering the step. */
  params: Params;
  /** Every node's value: the forward pass and, with `symbolic`, the gradient expressions. */
  values: Float64Array;
  loss: number;
  /** ∂L/∂θ by reverse mode. */
  grads: Params;
  /** Parameters and optimizer state after the step. */
  next: Params;
  state: Params;
}

export interface TrainOptions {
  /** Evaluate the symbolic gradient expressions too (trace shows them). */
  symbolic?: boolean;
  /** Compute in this dtype instead of the config's (a workbook computes a float32 run in float64). */
  dtype?: Dtype;
  /** The network for full batches, if already built. */
  net?: Network;
  /** Parameters to start from instead of the config's init. */
  params?: Params;
  /** Start at this step (1-based) with these parameters and optimizer state (named as Step.state), e.g. a recorded run's. */
  resume?: { step: number; params: Params; state: Params };
}

/** Named optimizer state (mom_w1, m_w1, v_w1) back into per-parameter state. */
function unnamedState(named: Params): Record<string, ParamState<number>> {
  const out: Record<string, ParamState<number>> = {};
  for (const [name, v] of Object.entries(named)) {
    const i = name.indexOf('_');
    (out[name.slice(i + 1)] ??= {})[name.slice(0, i) as keyof ParamState<number>] = v;
  }
  return out;
}

/** Every optimizer step of the run, in order. Stops after a step whose loss or update is not finite. */
export function* train(config: Config, options: TrainOptions = {}): Generator<Step, Params> {
  const dtype = options.dtype ?? config.dtype;
  const A = numeric(dtype, 'torchSeed' in config.init ? config.init.rounding : 'fused');
  const netFor = networksOf(config, options.net);
  const batches = batchesOf(config.x.length, config.batchSize);
  let params = options.resume?.params ?? options.params ?? initialParams(netFor(batches[0]!.length), config);
  const state = options.resume ? unnamedState(options.resume.state) : {};
  const skip = (options.resume?.step ?? 1) - 1;
  let t = 0;
  for (let epoch = 1; epoch <= config.epochs; epoch++) {
    for (let b = 0; b < batches.length; b++) {
      if (t < skip) {
        t++;
        continue;
      }
      const samples = batches[b]!;
      const net = netFor(samples.length);
      const env = { ...params, ...inputsOf(net, config, samples) };
      const values = evaluate(net.graph, env, dtype, options.symbolic ? net.graph.nodes.length : net.loss + 1);
      const adj = reverse(net.graph, values, net.loss, A);
      const grads: Params = {};
      const next: Params = {};
      const named: Params = {};
      t++;
      const opt = config.optimizer;
      const sc = opt.name === 'adam' ? adamScalars(config.lr, opt.betas, t) : undefined;
      const adam = sc && { stepSize: A.const(sc.stepSize), bc2Sqrt: A.const(sc.bc2Sqrt) };
      for (const p of net.params) {
        grads[p] = adj[net.id[p]!] ?? 0;
        const u = optimizerUpdate(A, opt, A.const(config.lr), params[p]!, grads[p]!, state[p] ?? {}, adam);
        next[p] = u.theta;
        state[p] = u.state;
        namedState(config.optimizer, p, u.state, named);
      }
      const loss = values[net.loss]!;
      yield { step: t, epoch, batch: b + 1, samples, net, env, params, values, loss, grads, next, state: named };
      params = next;
      if (!Number.isFinite(loss) || net.params.some((p) => !Number.isFinite(next[p]!))) return params;
    }
  }
  return params;
}
