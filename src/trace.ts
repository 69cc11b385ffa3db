// A training run with everything recorded: per epoch the parameters, every
// node's value, the loss, ∂L/∂θ three ways (backprop, symbolic, numeric) and
// the kinks the numeric method crossed; plus every formula as plain text.

import { backprop } from './backprop.ts';
import type { Config } from './config.ts';
import { evaluate } from './evaluate.ts';
import { finiteDifference, type Kink } from './finiteDifference.ts';
import { network, type Network } from './network.ts';
import { sgdStep } from './sgd.ts';
import { toText } from './toText.ts';
import { torchInit } from './torchInit.ts';

export type Params = Record<string, number>;

export interface EpochTrace {
  epoch: number;
  params: Params;
  nodes: Record<string, number>;
  yhat: number[];
  loss: number;
  grads: { backprop: Params; symbolic: Params; numeric: Params };
  kinks: Kink[];
  diverged?: true;
}

export interface Trace {
  config: Config;
  epochs: EpochTrace[];
  final: Params;
  expressions: Record<string, string>;
  diverged?: true;
  message?: string;
}

export interface TraceOptions {
  /** Skip the finite differences (the slowest part) when only the training matters. */
  numeric?: boolean;
  /** Called after each epoch, for progress on long runs. */
  onEpoch?: (epoch: number, epochs: number) => void;
}

/** The architecture part of a config as a network graph. */
export function networkOf(config: Config): Network {
  return network({ layers: config.layers, activation: config.activation, outputActivation: config.outputActivation, loss: config.loss });
}

/** Initial parameters: PyTorch's draw for a seed, or the explicit values (stored as float32 when the run is float32). */
export function initialParams(net: Network, config: Config): Params {
  const init = config.init;
  const raw = 'torchSeed' in init ? torchInit(net.layers, init.torchSeed, init.rounding) : init.params;
  const round = config.dtype === 'float32' ? Math.fround : (v: number) => v;
  return Object.fromEntries(net.params.map((p) => [p, round(raw[p]!)]));
}

/** The data point by graph name: x1…, y1…. */
export function inputsOf(net: Network, config: Config): Params {
  const inputs: Params = {};
  net.x.forEach((n, i) => (inputs[n] = config.x[i]!));
  net.y.forEach((n, i) => (inputs[n] = config.y[i]!));
  return inputs;
}

/** Every named node and every gradient as a plain-text formula over other names. */
export function expressionsOf(net: Network): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of [...net.nodes, ...net.adjoints]) out[name] = toText(net.graph, net.id[name]!);
  return out;
}

const pick = (names: string[], net: Network, v: Float64Array) => Object.fromEntries(names.map((n) => [n, v[net.id[n]!]!]));

export function trace(config: Config, options: TraceOptions = {}, net: Network = networkOf(config)): Trace {
  const { dtype } = config;
  const rounding = 'torchSeed' in config.init ? config.init.rounding : 'fused';
  const inputs = inputsOf(net, config);
  let params = initialParams(net, config);
  const epochs: EpochTrace[] = [];
  const result: Trace = { config, epochs, final: params, expressions: expressionsOf(net) };

  for (let epoch = 1; epoch <= config.epochs; epoch++) {
    const env = { ...params, ...inputs };
    // One pass evaluates the forward nodes and the symbolic gradient expressions.
    const v = evaluate(net.graph, env, dtype);
    const loss = v[net.loss]!;
    const symbolic = Object.fromEntries(net.params.map((p) => [p, v[net.grads[p]!]!]));
    const fd = options.numeric === false ? { grads: {}, kinks: [] } : finiteDifference(net, env);
    const record: EpochTrace = {
      epoch,
      params,
      nodes: pick(net.nodes, net, v),
      yhat: net.outputs.map((n) => v[net.id[n]!]!),
      loss,
      grads: { backprop: backprop(net.graph, v, net.loss, net.params, dtype), symbolic, numeric: fd.grads },
      kinks: fd.kinks,
    };
    epochs.push(record);
    if (!Number.isFinite(loss)) {
      record.diverged = true;
      result.diverged = true;
      result.message = `training diverged: the loss became ${loss} at epoch ${epoch} (try a smaller lr)`;
      break;
    }
    const grads = record.grads.backprop;
    params = Object.fromEntries(net.params.map((p) => [p, sgdStep(params[p]!, grads[p]!, config.lr, dtype, rounding)]));
    result.final = params;
    options.onEpoch?.(epoch, config.epochs);
    const bad = net.params.find((p) => !Number.isFinite(params[p]!));
    if (bad) {
      record.diverged = true;
      result.diverged = true;
      result.message = `training diverged: ${bad} became ${params[bad]} in the update of epoch ${epoch} (try a smaller lr)`;
      break;
    }
  }
  return result;
}
