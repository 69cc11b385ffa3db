// The network as one expression graph: a fully connected net with the
// article's naming (names.ts), applied to a batch of samples, its loss, and
// (appended to the same graph) the symbolic derivative of the loss with respect
// to every parameter.
//
// For [1,2,2,1]: z3 = w3·a1 + w4·a2 + b3, z4 = w5·a1 + w6·a2 + b4, z5 = w7·a3 + w8·a4 + b5.
// A batch of several samples repeats the forward pass once per sample (z3_n2 is
// z3 of the batch's second sample) over the same parameters, and the loss
// reduces over the batch exactly as PyTorch's loss modules do, so reverse mode
// sums each parameter's contributions over the samples in order.

import type { Algebra } from './algebra.ts';
import { expressions } from './algebra.ts';
import { Graph } from './graph.ts';
import * as names from './names.ts';
import { linearLayers, type Layer } from './names.ts';
import { symbolic } from './symbolic.ts';

export type Activation = 'relu' | 'sigmoid' | 'tanh' | 'identity';
export type Loss = 'squared_error' | 'mse' | 'half_squared_error' | 'cross_entropy' | 'bce_with_logits';
export type { Layer };

export interface Architecture {
  layers: number[];
  /** One flag per nn.Linear layer (layers.length − 1 of them): does it have a bias? */
  bias: boolean[];
  activation: Activation;
  outputActivation: Activation;
  loss: Loss;
}

/** One sample's named quantities inside the batch graph. */
export interface SampleNames {
  x: string[];
  y: string[];
  /** Named forward nodes in evaluation order: z1, z2, a1, a2, …, yhat1, … */
  nodes: string[];
  outputs: string[];
}

export interface Network {
  arch: Architecture;
  /** Samples per batch this graph was built for. */
  batch: number;
  graph: Graph;
  layers: Layer[];
  /** Parameter names, weights first then biases: w1 … wN, b1 … bM. */
  params: string[];
  /** Every input and target name of the graph, sample by sample. */
  x: string[];
  y: string[];
  /** Named forward nodes in evaluation order, sample by sample, ending with L. */
  nodes: string[];
  /** Output names, sample by sample. */
  outputs: string[];
  /** The names of each sample, and the same without the sample suffix (`template`). */
  samples: SampleNames[];
  template: SampleNames;
  /** Node id of each sample's loss term ℓₙ (L = reduction of ℓ₁ + ℓ₂ + …). */
  sampleLoss: number[];
  /** Pre-activations that feed a ReLU: where a derivative can jump. */
  kinkSites: string[];
  /** Node id of every name: parameters, inputs, forward nodes and gradients. */
  id: Record<string, number>;
  /** Node id of L; every forward node has a smaller id. */
  loss: number;
  /** Symbolic ∂L/∂θ per parameter, named `dL_d<θ>`. */
  grads: Record<string, number>;
  /** Every named adjoint (`dL_dz3`, `dL_da1`, …, `dL_dw1`), in the order built. */
  adjoints: string[];
}

/**
 * L from S = ℓ₁ + … + ℓ_B, as each PyTorch loss reduces: sum for
 * MSELoss(reduction='sum'), ½·sum, and the mean over the batch's elements
 * (MSELoss(), BCEWithLogitsLoss(): B × outputs) or samples (CrossEntropyLoss()).
 * Written against the Algebra so the graph and the compiled loop share it.
 */
export function reduceLoss<T>(A: Algebra<T>, loss: Loss, sum: T, batch: number, outputs: number): T {
  switch (loss) {
    case 'squared_error': return sum;
    case 'half_squared_error': return A.mul(A.const(0.5), sum);
    case 'mse':
    case 'bce_with_logits': return A.div(sum, A.const(batch * outputs));
    case 'cross_entropy': return A.div(sum, A.const(batch));
  }
}

function activate(g: Graph, act: Activation, z: number): number {
  return act === 'identity' ? z : g.unary(act, z);
}

/** Left-to-right sum of terms: ((t1 + t2) + t3) + … */
function sumOf(g: Graph, terms: number[]): number {
  return terms.reduce((s, t) => g.add(s, t));
}

/**
 * One sample's loss term ℓ from its outputs ŷ (logits for the last two) and targets y:
 *   squared errors     Σⱼ (ŷⱼ − yⱼ)²
 *   bce_with_logits    Σⱼ softplus(ŷⱼ) − yⱼ·ŷⱼ
 *   cross_entropy      −Σⱼ yⱼ·log softmax(ŷ)ⱼ with y one-hot, where
 *                      log softmax(ŷ)ⱼ = (ŷⱼ − m) − log Σᵢ e^(ŷᵢ − m), m = max ŷ (as PyTorch computes it)
 */
function sampleLossOf(g: Graph, loss: Loss, yhat: number[], y: number[], let_: (q: string, id: number) => number): number {
  if (loss === 'bce_with_logits') {
    return sumOf(g, yhat.map((z, j) => g.sub(g.unary('softplus', z), g.mul(y[j]!, z))));
  }
  if (loss === 'cross_entropy') {
    const m = g.unary('detach', yhat.reduce((a, b) => g.apply('max', a, b)));
    const shifted = yhat.map((z) => g.sub(z, m));
    const lse = g.unary('log', sumOf(g, shifted.map((s) => g.unary('exp', s))));
    return g.neg(sumOf(g, shifted.map((s, j) => g.mul(y[j]!, let_(names.logProb(j + 1), g.sub(s, lse))))));
  }
  return sumOf(g, yhat.map((o, j) => g.unary('square', g.sub(o, y[j]!))));
}

export function network(arch: Architecture, batch = 1): Network {
  const g = new Graph();
  const { layers } = arch;
  const shapes = linearLayers(layers, arch.bias);
  const params = [...shapes.flatMap((s) => s.weights), ...shapes.flatMap((s) => s.biases)];
  const kinkSites: string[] = [];
  const samples: SampleNames[] = [];
  const sampleLoss: number[] = [];
  let template: SampleNames | undefined;

  for (let n = 1; n <= batch; n++) {
    const named = (q: string) => (batch === 1 ? q : names.ofSample(q, n));
    const plain: SampleNames = { x: [], y: [], nodes: [], outputs: [] };
    const let_ = (q: string, id: number) => {
      plain.nodes.push(q);
      return g.let(named(q), id);
    };
    plain.x = Array.from({ length: layers[0]! }, (_, i) => names.input(i + 1));
    plain.y = Array.from({ length: layers.at(-1)! }, (_, i) => names.target(i + 1));
    let incoming = plain.x.map((q) => g.input(named(q)));
    let z = 0, a = 0;
    shapes.forEach((layer, l) => {
      const last = l === shapes.length - 1;
      const act = last ? arch.outputActivation : arch.activation;
      const zs: number[] = [];
      for (let j = 0; j < layer.fanOut; j++) {
        // PyTorch's addmm sums the products in order, then adds the bias.
        // Parameters enter the graph where first used, so the backward pass lists them in the order it reaches them.
        const terms = incoming.map((inp, i) => g.mul(g.param(layer.weights[j * layer.fanIn + i]!), inp));
        let sum = sumOf(g, terms);
        if (layer.biases.length) sum = g.add(sum, g.param(layer.biases[j]!));
        const q = names.pre(++z);
        zs.push(let_(q, sum));
        if (act === 'relu') kinkSites.push(named(q));
      }
      incoming = zs.map((zi, j) => {
        const q = last ? names.output(j + 1) : names.act(++a);
        if (last) plain.outputs.push(q);
        return let_(q, activate(g, act, zi));
      });
    });
    sampleLoss.push(sampleLossOf(g, arch.loss, incoming, plain.y.map((q) => g.input(named(q))), let_));
    template ??= plain;
    samples.push({ x: plain.x.map(named), y: plain.y.map(named), nodes: plain.nodes.map(named), outputs: plain.outputs.map(named) });
  }

  const loss = g.let(names.LOSS, reduceLoss(expressions(g), arch.loss, sumOf(g, sampleLoss), batch, layers.at(-1)!));
  const { grads, adjoints } = symbolic(g, loss, params);
  const id: Record<string, number> = {};
  for (const n of g.nodes) if (n.name !== undefined) id[n.name] = n.id;
  return {
    arch, batch, graph: g, layers: shapes, params,
    x: samples.flatMap((s) => s.x), y: samples.flatMap((s) => s.y),
    nodes: [...samples.flatMap((s) => s.nodes), names.LOSS],
    outputs: samples.flatMap((s) => s.outputs),
    samples, template: template!, sampleLoss, kinkSites, id, loss, grads, adjoints,
  };
}
