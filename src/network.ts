// The network as one expression graph: a fully connected net with the
// article's naming, its loss, and (appended to the same graph) the symbolic
// derivative of the loss with respect to every parameter.
//
// Naming follows the article and PyTorch's parameter order: weights w1, w2, …
// layer by layer, each layer's weight matrix row-major (out × in); biases b1, …
// numbered the same way; pre-activations z1, … across all layers including the
// output layer; hidden activations a1, …; outputs yhat1, …; the loss L.
// For [1,2,2,1]: z3 = w3·a1 + w4·a2 + b3, z4 = w5·a1 + w6·a2 + b4, z5 = w7·a3 + w8·a4 + b5.

import { Graph } from './graph.ts';
import { symbolic } from './symbolic.ts';

export type Activation = 'relu' | 'sigmoid' | 'tanh' | 'identity';
export type Loss = 'squared_error' | 'mse' | 'half_squared_error';

export interface Architecture {
  layers: number[];
  activation: Activation;
  outputActivation: Activation;
  loss: Loss;
}

/** One nn.Linear: its fan-in and parameter names in PyTorch's memory order. */
export interface Layer {
  fanIn: number;
  fanOut: number;
  weights: string[];
  biases: string[];
}

export interface Network {
  arch: Architecture;
  graph: Graph;
  layers: Layer[];
  /** Parameter names, weights first then biases: w1 … wN, b1 … bM. */
  params: string[];
  x: string[];
  y: string[];
  /** Named forward nodes in evaluation order: z1, z2, a1, a2, …, yhat1, …, L. */
  nodes: string[];
  outputs: string[];
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

function activate(g: Graph, act: Activation, z: number): number {
  return act === 'identity' ? z : g.unary(act, z);
}

export function network(arch: Architecture): Network {
  const g = new Graph();
  const { layers } = arch;
  const x = Array.from({ length: layers[0]! }, (_, i) => `x${i + 1}`);
  const y = Array.from({ length: layers.at(-1)! }, (_, i) => `y${i + 1}`);
  const nodes: string[] = [];
  const kinkSites: string[] = [];
  const shapes: Layer[] = [];
  let w = 0, b = 0, z = 0, a = 0;

  let incoming = x.map((name) => g.input(name));
  for (let l = 1; l < layers.length; l++) {
    const fanIn = layers[l - 1]!, fanOut = layers[l]!;
    const last = l === layers.length - 1;
    const act = last ? arch.outputActivation : arch.activation;
    const layer: Layer = { fanIn, fanOut, weights: [], biases: [] };
    const zs: number[] = [];
    for (let j = 0; j < fanOut; j++) {
      // PyTorch's addmm sums the products in order, then adds the bias.
      let sum = -1;
      for (let i = 0; i < fanIn; i++) {
        const wName = `w${++w}`;
        layer.weights.push(wName);
        const term = g.mul(g.param(wName), incoming[i]!);
        sum = sum < 0 ? term : g.add(sum, term);
      }
      const bName = `b${++b}`;
      layer.biases.push(bName);
      const zName = `z${++z}`;
      zs.push(g.let(zName, g.add(sum, g.param(bName))));
      nodes.push(zName);
      if (act === 'relu') kinkSites.push(zName);
    }
    incoming = zs.map((zi, j) => {
      const name = last ? `yhat${j + 1}` : `a${++a}`;
      nodes.push(name);
      return g.let(name, activate(g, act, zi));
    });
    shapes.push(layer);
  }

  // Sum of squared errors, in output order; mse divides by the count, half_ halves it.
  let sse = -1;
  incoming.forEach((yhat, i) => {
    const term = g.unary('square', g.sub(yhat, g.input(y[i]!)));
    sse = sse < 0 ? term : g.add(sse, term);
  });
  const reduced =
    arch.loss === 'mse' ? g.div(sse, g.const(y.length))
    : arch.loss === 'half_squared_error' ? g.mul(g.const(0.5), sse)
    : sse;
  const loss = g.let('L', reduced);
  nodes.push('L');

  const params = [...shapes.flatMap((s) => s.weights), ...shapes.flatMap((s) => s.biases)];
  const { grads, adjoints } = symbolic(g, loss, params);
  const id: Record<string, number> = {};
  for (const n of g.nodes) if (n.name !== undefined) id[n.name] = n.id;
  return { arch, graph: g, layers: shapes, params, x, y, nodes, outputs: y.map((_, i) => `yhat${i + 1}`), kinkSites, id, loss, grads, adjoints };
}
