// The whole run for the loss curve and the parameter trajectories: the
// compiled training loop (compile.ts) run one epoch at a time, recording the
// parameters entering every epoch. One epoch's detail (every node, three
// gradients, kinks) is trace() of that one step, started at the recorded
// parameters. The article trains on one sample, so an epoch is one optimizer
// step; the own-data section trains on a whole data set in one batch.

import { compileTrainLoop, type TrainLoop } from '../../src/compile.ts';
import type { Config } from '../../src/config.ts';
import type { Network } from '../../src/network.ts';
import { stateKinds } from '../../src/optimizer.ts';
import { epochDetails, initialParams, inputsOf, trace, type EpochTrace, type Params } from '../../src/trace.ts';
import { batchesOf } from '../../src/train.ts';

export interface Training {
  /** Epochs actually run (fewer than asked when training diverged). */
  epochs: number;
  /** Loss of epoch e at index e − 1. */
  losses: Float64Array;
  /** Parameters entering epoch e at row e − 1 (row `epochs` holds the result), net.params order. */
  params: Float64Array;
  diverged?: { epoch: number; message: string };
}

const loops = new WeakMap<Network, Map<string, TrainLoop>>();

function loopFor(net: Network, config: Config): TrainLoop {
  const rounding = 'torchSeed' in config.init ? config.init.rounding : 'fused';
  const settings = { lr: config.lr, dtype: config.dtype, optimizer: config.optimizer, loss: config.loss, batchSize: config.batchSize, samples: config.x.length, rounding };
  const key = JSON.stringify(settings);
  let byKey = loops.get(net);
  if (!byKey) loops.set(net, (byKey = new Map()));
  let loop = byKey.get(key);
  if (!loop) byKey.set(key, (loop = compileTrainLoop(net, settings)));
  return loop;
}

/** The samples row by row, in the graph's order of inputs and targets (cross-entropy's class as one-hot, by inputsOf). */
function rows(net: Network, config: Config): { x: Float64Array; y: Float64Array } {
  const data = config.x.map((_, s) => inputsOf(net, config, [s]));
  return { x: Float64Array.from(data.flatMap((d) => net.x.map((n) => d[n]!))), y: Float64Array.from(data.flatMap((d) => net.y.map((n) => d[n]!))) };
}

/**
 * `net` is the one-sample network of the config (the page's, and the one the
 * compiled loop takes). An epoch's loss is its one step's loss, or with
 * several batches the mean of its steps' losses (as trace() sums them up).
 */
export function train(net: Network, config: Config): Training {
  const P = net.params.length;
  const start = initialParams(net, config);
  const p = Float64Array.from(net.params, (n) => start[n]!);
  const state = new Float64Array(P * stateKinds(config.optimizer).length);
  const { x, y } = rows(net, config);
  const table = new Float64Array((config.epochs + 1) * P);
  const losses = new Float64Array(config.epochs);
  const steps = batchesOf(config.x.length, config.batchSize).length;
  const loss = new Float64Array(steps);
  const loop = loopFor(net, config);
  for (let e = 1; e <= config.epochs; e++) {
    table.set(p, (e - 1) * P);
    const run = loss.subarray(0, loop(p, state, x, y, 1, loss, (e - 1) * steps));
    losses[e - 1] = run.reduce((a, b) => a + b, 0) / run.length;
    // A non-finite loss stops the loop before its update, so p still holds the parameters entering that step.
    const badLoss = run.findIndex((v) => !Number.isFinite(v));
    const bad = badLoss >= 0 ? -1 : p.findIndex((v) => !Number.isFinite(v));
    if (badLoss >= 0 || bad >= 0) {
      table.set(p, e * P);
      const what = bad >= 0 ? `${net.params[bad]} became ${p[bad]} in the update` : `the loss became ${run[badLoss]}`;
      return { epochs: e, losses: losses.subarray(0, e), params: table.subarray(0, (e + 1) * P), diverged: { epoch: e, message: `diverged at epoch ${e}: ${what} (try a smaller learning rate)` } };
    }
  }
  table.set(p, config.epochs * P);
  return { epochs: config.epochs, losses, params: table };
}

/** Parameters entering epoch `epoch` (epoch = training.epochs + 1 gives the result of the last update). */
export function paramsAt(training: Training, net: Network, epoch: number): Params {
  const P = net.params.length;
  return Object.fromEntries(net.params.map((n, i) => [n, training.params[(epoch - 1) * P + i]!]));
}

/** One epoch in full detail, as trace() records it: its one step, started at recorded parameters. */
export function epochDetail(net: Network, config: Config, params: Params, numeric = true): EpochTrace {
  return epochDetails(trace({ ...config, epochs: 1, init: { params } }, { numeric }, net))[0]!;
}
