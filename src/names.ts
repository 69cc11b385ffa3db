// The naming scheme, written once. Every quantity of a run has a name that
// reads as the article writes it, and every file that shows, stores or parses
// a quantity asks this module for it.
//
//   w1 … wN      weights, layer by layer, each nn.Linear weight row-major (out × in)
//   b1 … bM      biases, numbered consecutively over the layers that have them
//   x1 …, y1 …   one sample's inputs and targets (cross-entropy: y_j = 1 for the class, else 0)
//   z1 …         pre-activations over all layers, output layer included
//   a1 …         hidden activations; yhat1 … the outputs
//   logp1 …      cross-entropy's log-probabilities, log softmax(ŷ)
//   L            the loss of the batch
//   dL_d<q>      the adjoint ∂L/∂q of any of the above
//   <q>_n<k>     quantity q of the k-th sample of a batch (only when a batch has several samples)
//   mom_<p>      SGD's momentum buffer of parameter p; m_<p>, v_<p> Adam's moments

export const LOSS = 'L';
export const ADJOINT_PREFIX = 'dL_d';

export const weight = (i: number): string => `w${i}`;
export const bias = (i: number): string => `b${i}`;
export const input = (i: number): string => `x${i}`;
export const target = (i: number): string => `y${i}`;
export const pre = (i: number): string => `z${i}`;
export const act = (i: number): string => `a${i}`;
export const output = (i: number): string => `yhat${i}`;
/** Cross-entropy's log-softmax of output i: log p_i = (ŷ_i − m) − log Σⱼ e^(ŷⱼ − m). */
export const logProb = (i: number): string => `logp${i}`;

/** ∂L/∂q: `dL_dw8`, `dL_dz3`. */
export const adjoint = (q: string): string => `${ADJOINT_PREFIX}${q}`;
/** The quantity an adjoint name is of (`dL_dw8` → `w8`), or undefined. */
export const adjointOf = (name: string): string | undefined => (name.startsWith(ADJOINT_PREFIX) ? name.slice(ADJOINT_PREFIX.length) : undefined);

/** Quantity q of sample k (1-based) inside a batch graph: `z3_n2`. */
export const ofSample = (q: string, k: number): string => `${q}_n${k}`;
/** Splits `z3_n2` into `z3` and 2 (sample undefined for names without a sample). */
export function sampleOf(name: string): { quantity: string; sample?: number } {
  const m = /^(.+)_n(\d+)$/.exec(name);
  return m ? { quantity: m[1]!, sample: Number(m[2]) } : { quantity: name };
}

export type StateKind = 'mom' | 'm' | 'v';
/** Optimizer state of parameter p: `mom_w1` (SGD momentum), `m_w1` / `v_w1` (Adam). */
export const state = (kind: StateKind, p: string): string => `${kind}_${p}`;

/** One nn.Linear: its fan-in and parameter names in PyTorch's memory order. */
export interface Layer {
  fanIn: number;
  fanOut: number;
  weights: string[];
  /** Empty for nn.Linear(bias=False). */
  biases: string[];
}

/** The Linear layers of an architecture with their parameter names. `bias[l]` says whether layer l (0-based) has a bias. */
export function linearLayers(layers: readonly number[], bias: readonly boolean[]): Layer[] {
  let w = 0, b = 0;
  const out: Layer[] = [];
  for (let l = 1; l < layers.length; l++) {
    const fanIn = layers[l - 1]!, fanOut = layers[l]!;
    const weights = Array.from({ length: fanIn * fanOut }, () => weight(++w));
    const biases = bias[l - 1] ? Array.from({ length: fanOut }, () => bias_(++b)) : [];
    out.push({ fanIn, fanOut, weights, biases });
  }
  return out;
}
const bias_ = bias;

/** Parameter names, weights first then biases (PyTorch's order of the fixtures): w1 … wN, b1 … bM. */
export function paramNames(layers: readonly number[], bias: readonly boolean[]): string[] {
  const ls = linearLayers(layers, bias);
  return [...ls.flatMap((l) => l.weights), ...ls.flatMap((l) => l.biases)];
}

/** How many parameters an architecture has, counted without building a name. */
export function paramCount(layers: readonly number[], bias: readonly boolean[]): number {
  let n = 0;
  for (let l = 1; l < layers.length; l++) n += layers[l - 1]! * layers[l]! + (bias[l - 1] ? layers[l]! : 0);
  return n;
}
