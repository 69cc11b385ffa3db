// The whole SGD run for the loss curve and the parameter trajectories: the
// compiled train loop (compile.ts) stepped one epoch at a time, recording the
// parameters entering every epoch. Per-epoch detail (every node, three
// gradients, kinks) comes from trace() started at those recorded parameters.

import { compileTrainLoop, type TrainLoop } from '../../src/compile.ts';
import type { Config } from '../../src/config.ts';
import type { Network } from '../../src/network.ts';
import { initialParams, trace, type EpochTrace, type Params } from '../../src/trace.ts';

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
  const key = `${config.dtype}|${config.lr}|${rounding}`;
  let byKey = loops.get(net);
  if (!byKey) loops.set(net, (byKey = new Map()));
  let loop = byKey.get(key);
  if (!loop) byKey.set(key, (loop = compileTrainLoop(net, { lr: config.lr, dtype: config.dtype, rounding })));
  return loop;
}

export function train(net: Network, config: Config): Training {
  const P = net.params.length;
  const start = initialParams(net, config);
  const p = Float64Array.from(net.params, (n) => start[n]!);
  const x = Float64Array.from(config.x), y = Float64Array.from(config.y);
  const rows = new Float64Array((config.epochs + 1) * P);
  const losses = new Float64Array(config.epochs);
  const loss = new Float64Array(1);
  const loop = loopFor(net, config);
  for (let e = 1; e <= config.epochs; e++) {
    rows.set(p, (e - 1) * P);
    loop(p, x, y, 1, loss);
    losses[e - 1] = loss[0]!;
    const bad = Number.isFinite(loss[0]!) ? p.findIndex((v) => !Number.isFinite(v)) : -1;
    if (!Number.isFinite(loss[0]!) || bad >= 0) {
      rows.set(p, e * P);
      const what = bad >= 0 ? `${net.params[bad]} became ${p[bad]} in the update` : `the loss became ${loss[0]}`;
      return { epochs: e, losses: losses.subarray(0, e), params: rows.subarray(0, (e + 1) * P), diverged: { epoch: e, message: `diverged at epoch ${e}: ${what} (try a smaller learning rate)` } };
    }
  }
  rows.set(p, config.epochs * P);
  return { epochs: config.epochs, losses, params: rows };
}

/** Parameters entering epoch `epoch` (epoch = training.epochs + 1 gives the result of the last update). */
export function paramsAt(training: Training, net: Network, epoch: number): Params {
  const P = net.params.length;
  return Object.fromEntries(net.params.map((n, i) => [n, training.params[(epoch - 1) * P + i]!]));
}

/** One epoch in full detail, as trace() records it, starting from recorded parameters. */
export function epochDetail(net: Network, config: Config, params: Params, numeric = true): EpochTrace {
  return trace({ ...config, epochs: 1, init: { params } }, { numeric }, net).epochs[0]!;
}
