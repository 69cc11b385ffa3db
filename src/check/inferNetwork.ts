// The network a workbook shows, from what is mapped. Layer sizes come from the
// indices present (x1…x2, hidden units 1…2, outputs 1…2, and as many weights
// as those layers need); biases from whether any b is mapped. Activation,
// output activation and loss are found by trying every candidate on the first
// iteration and keeping the one that reproduces its forward pass (z, a, ŷ, L),
// then the output layer's gradients (which tell ½·squared error from squared
// error when no loss is shown). A tie keeps the preferred candidate: the given
// config's, or for a network other than xlgrad's article net, the course
// template's sigmoid with ½·squared error. Each choice says why.

import { ACTIVATIONS } from '../config.ts';
import type { Network } from '../network.ts';
import { adjoint, pre, sampleOf } from '../names.ts';
import { networkOf } from '../train.ts';
import { CHECKED_LOSSES } from './checkable.ts';
import type { Book } from './book.ts';
import { check, type Report } from './check.ts';
import { checkConfig, withSamples, type CheckConfig } from './checkConfig.ts';
import { CheckError } from './checkError.ts';
import { parseQuantity, type Detected, type Mapping } from './mapping.ts';

export interface Inferred {
  config: CheckConfig;
  detected: Detected;
  /** Each inferred setting with the reason, or what was missing and the default assumed. */
  inferred: string[];
}

/** What a network that is not xlgrad's article net is assumed to be when the sheet cannot tell: the course template's. */
const COURSE = { activation: 'sigmoid', outputActivation: 'sigmoid', loss: 'half_squared_error' } as const;

type Dim = 'activation' | 'outputActivation' | 'loss';
const DIMS: Dim[] = ['activation', 'outputActivation', 'loss'];

interface Counts {
  x: number;
  y: number;
  w: number;
  b: number;
  /** Hidden units: the highest a index, or z index past the outputs. */
  hidden: number;
  /** Samples: the highest sample index (`z3_n4`, `x_1_s4`), 1 without any. */
  samples: number;
  names: Set<string>;
}

function countsOf(mapping: Mapping): Counts {
  const c: Counts = { x: 0, y: 0, w: 0, b: 0, hidden: 0, samples: 1, names: new Set() };
  let z = 0, yhat = 0;
  for (const key of Object.keys(mapping)) {
    const q = parseQuantity(key);
    if (!q || q.name === 'lr') continue;
    const { quantity, sample } = sampleOf(q.name.replace(/^dL_d/, ''));
    const base = quantity;
    c.samples = Math.max(c.samples, sample ?? 1);
    c.names.add(q.name);
    const m = /^([a-z]+)(\d+)$/.exec(base);
    if (!m) continue;
    const i = Number(m[2]);
    if (m[1] === 'x') c.x = Math.max(c.x, i);
    else if (m[1] === 'y') c.y = Math.max(c.y, i);
    else if (m[1] === 'yhat') yhat = Math.max(yhat, i);
    else if (m[1] === 'w') c.w = Math.max(c.w, i);
    else if (m[1] === 'b') c.b = Math.max(c.b, i);
    else if (m[1] === 'a') c.hidden = Math.max(c.hidden, i);
    else if (m[1] === 'z') z = Math.max(z, i);
  }
  c.y = Math.max(c.y, yhat);
  c.hidden = Math.max(c.hidden, z - c.y);
  if (c.hidden === 0 && c.w > 0 && c.x + c.y > 0 && c.w % (c.x + c.y) === 0) c.hidden = c.w / (c.x + c.y);
  return c;
}

/** Every mapped name belongs to the network, and the mapped weights and biases are all it has. */
function fits(net: Network, c: Counts): boolean {
  const weights = net.layers.reduce((n, l) => n + l.weights.length, 0);
  const biases = net.params.length - weights;
  return [...c.names].every((n) => net.id[n] !== undefined) && c.w === weights && (c.b > 0) === (biases > 0);
}

const span = (letter: string, n: number) => (n === 1 ? `${letter}1` : `${letter}1…${letter}${n}`);

/** The given config's fields as raw config keys, to complete with the inferred ones. */
function givenRaw(cc: CheckConfig): Record<string, unknown> {
  return Object.fromEntries([...cc.given].map((k) => [k, cc.config[k as keyof typeof cc.config]]));
}

interface Shape {
  layers: number[];
  bias: boolean | boolean[];
  /** The article's default shape kept: ties prefer the given config's activations. */
  isDefault: boolean;
  why: string[];
}

function shapeOf(cc: CheckConfig, c: Counts): Shape {
  const given = cc.given;
  const bias = given.has('bias') ? cc.config.bias : c.b > 0;
  const biasWhy = given.has('bias') ? [] : [c.b > 0 ? `biases: ${span('b', c.b)} found` : 'no biases: no b heading or label'];
  if (given.has('layers')) return { layers: cc.config.layers, bias, isDefault: true, why: [`layers ${cc.config.layers.join('-')}: from the config`, ...biasWhy] };
  const byDefault = networkOf(withSamples(checkConfig({ ...givenRaw(cc), bias }), c.samples).config);
  if (fits(byDefault, c)) {
    return { layers: cc.config.layers, bias, isDefault: true, why: [`layers ${cc.config.layers.join('-')}: every quantity found belongs to xlgrad's ${cc.config.layers.join('-')} network`, ...biasWhy] };
  }
  const layers = [c.x, c.hidden, c.y];
  const need = c.x * c.hidden + c.hidden * c.y;
  if (c.x > 0 && c.y > 0 && c.hidden > 0 && (c.w === 0 || c.w === need)) {
    return { layers, bias, isDefault: false, why: [`layers ${layers.join('-')}: inputs ${span('x', c.x)}, hidden units 1…${c.hidden}, outputs 1…${c.y} from the indices found${c.w ? `; ${span('w', c.w)} are the ${c.x}·${c.hidden} + ${c.hidden}·${c.y} weights of one hidden layer` : ''}`, ...biasWhy] };
  }
  const missing = [c.x === 0 ? 'inputs (i1, x1)' : '', c.y === 0 ? 'outputs or targets (o1, t1, y1)' : '', c.hidden === 0 ? 'hidden units (h1, a_h1) or weights' : ''].filter(Boolean);
  const reason = missing.length ? `no ${missing.join(', no ')} found` : `${span('w', c.w)} are not the ${need} weights of ${layers.join('-')}`;
  return { layers: cc.config.layers, bias: given.has('bias') ? cc.config.bias : true, isDefault: true, why: [`layers: ${reason}; assumed xlgrad's ${cc.config.layers.join('-')} network with biases (give --config with "layers" and "bias")`] };
}

interface Candidate {
  variant: number;
  choice: Record<Dim, string>;
  /** Rank in preference order, lowest first. */
  rank: number;
  forward: number;
  outputGrads: number;
  /** Quantities of the first iteration it reproduces. */
  agree: Set<string>;
  config: CheckConfig;
}

/** The mapping's first iteration and the run's inputs (each input's first cell: the rows layout repeats them in every row). */
function firstIteration(d: Detected): Detected {
  const mapping: Mapping = {};
  for (const [k, cells] of Object.entries(d.mapping)) {
    const q = parseQuantity(k);
    if (q?.epoch === 0) mapping[k] = cells.slice(0, 1);
    else if (q?.epoch === 1) mapping[k] = cells;
  }
  return { ...d, mapping };
}

function score(book: Book, d: Detected, config: CheckConfig): { forward: number; outputGrads: number; agree: Set<string> } {
  const net = networkOf(config.config);
  const report: Report = check(book, d, { config, net });
  const forward = new Set(net.nodes);
  const last = net.layers.at(-1)!;
  const hidden = net.arch.layers.slice(1, -1).reduce((a, b) => a + b, 0);
  const outputs = new Set([...net.outputs, ...net.outputs.map((_, j) => pre(hidden + j + 1)), ...last.weights, ...last.biases].map(adjoint));
  const agree = new Set(report.rows.filter((r) => r.verdict === 'ok').map((r) => parseQuantity(r.key)!.name));
  return { forward: [...agree].filter((n) => forward.has(n)).length, outputGrads: [...agree].filter((n) => outputs.has(n)).length, agree };
}

const better = (a: Candidate, b: Candidate) => a.forward - b.forward || a.outputGrads - b.outputGrads || b.rank - a.rank;

/** The network of one run and the mapping reading that fits it, each choice explained. */
export function inferNetwork(book: Book, variants: { detected: Detected; reading: string }[], cc: CheckConfig): Inferred {
  const counts = variants.map((v) => countsOf(v.detected.mapping));
  const shapes = variants.map((v, vi) => shapeOf(cc, counts[vi]!));
  const first = variants.map((v) => firstIteration(v.detected));
  const candidates: Candidate[] = [];
  let firstError: unknown;
  variants.forEach((v, vi) => {
    const shape = shapes[vi]!;
    const preferred: Record<Dim, string> = shape.isDefault ? { activation: cc.config.activation, outputActivation: cc.config.outputActivation, loss: cc.config.loss } : { ...COURSE };
    const options = (d: Dim): string[] => {
      if (cc.given.has(d)) return [cc.config[d]];
      const all: readonly string[] = d === 'loss' ? CHECKED_LOSSES : ACTIVATIONS;
      return [preferred[d], ...all.filter((x) => x !== preferred[d])];
    };
    let rank = vi * 1000;
    for (const activation of options('activation')) for (const outputActivation of options('outputActivation')) for (const loss of options('loss')) {
      const choice = { activation, outputActivation, loss };
      const config = withSamples(checkConfig({ ...givenRaw(cc), layers: shape.layers, bias: shape.bias, ...choice }), counts[vi]!.samples);
      try {
        candidates.push({ variant: vi, choice, rank: rank++, config, ...score(book, first[vi]!, config) });
      } catch (e) {
        if (!(e instanceof CheckError)) throw e;
        firstError ??= e;
      }
    }
  });
  if (candidates.length === 0) throw firstError;
  const best = candidates.reduce((a, b) => (better(b, a) > 0 ? b : a));
  const inferred = [...shapes[best.variant]!.why];
  const samples = counts[best.variant]!.samples;
  if (samples > 1) inferred.push(`samples: ${samples}, from the sample numbers found (x_1_s1 … x_1_s${samples}); every iteration trains on all of them in one batch`);
  if (variants.length > 1) {
    const rival = candidates.filter((c) => c.variant !== best.variant).reduce<Candidate | undefined>((a, b) => (!a || better(b, a) > 0 ? b : a), undefined);
    const beaten = !rival || rival.forward < best.forward || (rival.forward === best.forward && rival.outputGrads < best.outputGrads);
    inferred.push(`${variants[best.variant]!.reading}: ${beaten ? 'the other reading does not reproduce the first iteration' : 'assumed; the first iteration reads the same either way'}`);
  }
  for (const d of DIMS) inferred.push(explain(d, best, candidates, cc));
  return { config: best.config, detected: variants[best.variant]!.detected, inferred };
}

const WHAT: Record<Dim, string> = { activation: 'activation', outputActivation: 'output activation', loss: 'loss' };

/** Why `best` has its value of one dimension: what it reproduces that the others do not, or that nothing tells them apart. */
function explain(d: Dim, best: Candidate, all: Candidate[], cc: CheckConfig): string {
  const value = best.choice[d];
  if (cc.given.has(d)) return `${WHAT[d]} ${value}: from the config`;
  const others = all.filter((c) => c.variant === best.variant && c.choice[d] !== value && DIMS.every((e) => e === d || c.choice[e] === best.choice[e]));
  const ties = others.filter((c) => c.forward === best.forward && c.outputGrads === best.outputGrads).map((c) => c.choice[d]);
  const beaten = others.filter((c) => !ties.includes(c.choice[d]));
  const evidence = new Set<string>();
  for (const c of beaten) for (const n of best.agree) if (!c.agree.has(n)) evidence.add(n);
  if (best.forward === 0 && best.outputGrads === 0) return `${WHAT[d]} ${value}: assumed (the default); no candidate reproduces the first iteration's forward pass or output gradients (give --config with "${d}" if it is another)`;
  if (beaten.length === 0) return `${WHAT[d]} ${value}: assumed (the default); nothing in the first iteration tells it from ${ties.join(', ')} (give --config with "${d}" if it is another)`;
  const shown = [...evidence].slice(0, 6).join(', ') + (evidence.size > 6 ? ', …' : '');
  const tie = ties.length ? `; ${ties.join(', ')} would read the same (${value} preferred)` : '';
  return `${WHAT[d]} ${value}: reproduces ${shown} of the first iteration, which ${beaten.map((c) => c.choice[d]).join(', ')} do${beaten.length === 1 ? 'es' : ''} not${tie}`;
}
