// A training run with everything recorded: per optimizer step the parameters
// entering it, every node's value per sample, the loss, ∂L/∂θ three ways
// (backprop, symbolic, numeric), the optimizer's state after it and the kinks
// the numeric method crossed; per epoch the same for full-batch runs (the
// format of single-sample runs since the first version); and on request every
// formula as plain text.

import { ConfigError, type Config } from './config.ts';
import { MAX_TRACE_NUMBERS, MAX_TRACE_WORK } from './limits.ts';
import { finiteDifference, type Kink } from './finiteDifference.ts';
import type { Network } from './network.ts';
import { toText } from './toText.ts';
import { batchesOf, initialParams, inputsOf, networkOf, train, type Params, type Step } from './train.ts';

export { initialParams, inputsOf, networkOf, type Params };

export type Grads = { backprop: Params; symbolic: Params; numeric: Params };

export interface StepTrace {
  step: number;
  epoch: number;
  batch: number;
  /** 1-based indices of the batch's samples. */
  samples: number[];
  params: Params;
  /** One object per sample of the batch: z1…, a1…, yhat1…. */
  nodes: Params[];
  loss: number;
  grads: Grads;
  /** Optimizer state after the step: mom_w1 (SGD momentum), m_w1 and v_w1 (Adam). */
  state: Params;
  kinks: Kink[];
  diverged?: true;
}

/** An epoch of a full-batch run: its one step, with nodes named as in the batch graph (z3, or z3_n2 with several samples). */
export interface EpochTrace {
  epoch: number;
  params: Params;
  nodes: Record<string, number>;
  yhat: number[];
  loss: number;
  grads: Grads;
  kinks: Kink[];
  diverged?: true;
}

/** An epoch of a mini-batch run: the parameters entering it, the mean of its steps' losses and its first and last step. */
export interface EpochSummary {
  epoch: number;
  params: Params;
  loss: number;
  steps: [number, number];
  diverged?: true;
}

export interface Trace {
  config: Config;
  /** Only every Nth step (and the last) is recorded: how many. */
  every?: number;
  steps: StepTrace[];
  epochs: EpochTrace[] | EpochSummary[];
  final: Params;
  expressions?: Record<string, string>;
  diverged?: true;
  message?: string;
  /** What was left out and why (finite differences of a run too large for them). */
  notes?: string[];
}

export interface TraceOptions {
  /** Skip the finite differences (the slowest part) when only the training matters. */
  numeric?: boolean;
  /** Include every node's and gradient's formula as plain text (`expressions`). */
  expressions?: boolean;
  /** Record every Nth step in full (and the last); the others still train, and count in the epochs' mean losses. Default 1. */
  every?: number;
  /** Called after each epoch, for progress on long runs. */
  onEpoch?: (epoch: number, epochs: number) => void;
}

/** The epochs of a full-batch run in detail (a mini-batch run's epochs are summaries: use its steps). */
export function epochDetails(t: Trace): EpochTrace[] {
  const out = t.epochs.filter((e): e is EpochTrace => 'nodes' in e);
  if (out.length !== t.epochs.length) throw new Error('epochDetails: a mini-batch run has no per-epoch detail; read its steps');
  return out;
}

/** Every named node and every gradient as a plain-text formula over other names. */
export function expressionsOf(net: Network): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of [...net.nodes, ...net.adjoints]) out[name] = toText(net.graph, net.id[name]!);
  return out;
}

const pick = (names: string[], net: Network, v: Float64Array) => Object.fromEntries(names.map((n) => [n, v[net.id[n]!]!]));

function stepTrace(s: Step, numeric: boolean): StepTrace {
  const { net, values: v } = s;
  const fd = numeric ? finiteDifference(net, s.env) : { grads: {}, kinks: [] };
  return {
    step: s.step, epoch: s.epoch, batch: s.batch,
    samples: s.samples.map((i) => i + 1),
    params: s.params,
    nodes: net.samples.map((names) => Object.fromEntries(net.template.nodes.map((q, i) => [q, v[net.id[names.nodes[i]!]!]!]))),
    loss: s.loss,
    grads: { backprop: s.grads, symbolic: Object.fromEntries(net.params.map((p) => [p, v[net.grads[p]!]!])), numeric: fd.grads },
    state: s.state,
    kinks: fd.kinks,
  };
}

function epochOf(s: StepTrace, step: Step): EpochTrace {
  const { net, values: v } = step;
  return {
    epoch: s.epoch, params: s.params, nodes: pick(net.nodes, net, v),
    yhat: net.outputs.map((n) => v[net.id[n]!]!), loss: s.loss, grads: s.grads, kinks: s.kinks,
  };
}

/**
 * How much a trace of `config` would evaluate and hold, counted before it
 * starts: refused past the limits (limits.ts), finite differences left out when
 * they alone would pass the work limit.
 */
function budget(config: Config, net: Network, numeric: boolean, every: number): { numeric: boolean; note?: string } {
  const all = config.epochs * batchesOf(config.x.length, config.batchSize).length;
  // Steps recorded in full: every `every`-th and the last.
  const steps = Math.min(all, Math.floor(all / every) + 1);
  const P = net.params.length;
  const count = (n: number) => n.toLocaleString('en-US');
  const perStep = net.params.length * 4 + net.nodes.length + net.outputs.length + 8;
  if (steps * perStep > MAX_TRACE_NUMBERS) {
    throw new ConfigError(`epochs: a trace recording ${count(steps)} steps would hold about ${count(steps * perStep)} numbers; at most ${count(MAX_TRACE_NUMBERS)} are allowed (trace fewer epochs, or record every Nth step with --every N)`);
  }
  const base = all * net.graph.nodes.length;
  if (base > MAX_TRACE_WORK) {
    throw new ConfigError(`epochs: a trace of ${count(all)} steps would evaluate ${count(base)} graph nodes; at most ${count(MAX_TRACE_WORK)} are allowed (trace fewer epochs or smaller batches)`);
  }
  const fd = steps * 2 * P * (net.loss + 1);
  if (numeric && base + fd > MAX_TRACE_WORK) {
    return { numeric: false, note: `finite differences left out: ${count(steps)} steps × 2 × ${count(P)} parameters of forward passes would evaluate ${count(fd)} graph nodes; at most ${count(MAX_TRACE_WORK)} are allowed` };
  }
  return { numeric };
}

export function trace(config: Config, options: TraceOptions = {}, net: Network = networkOf(config)): Trace {
  const batches = batchesOf(config.x.length, config.batchSize).length;
  const fullBatch = batches === 1;
  const every = options.every ?? 1;
  const total = config.epochs * batches;
  const plan = budget(config, net, options.numeric !== false, every);
  const steps: StepTrace[] = [];
  const epochs: (EpochTrace | EpochSummary)[] = [];
  const result: Trace = { config, ...(every > 1 ? { every } : {}), steps, epochs: epochs as EpochTrace[], final: initialParams(net, config) };
  if (options.expressions) result.expressions = expressionsOf(net);
  if (plan.note) result.notes = [plan.note];
  const run = train(config, { symbolic: true, net });
  // A mini-batch epoch's summary, kept as running sums so unrecorded steps still count.
  let open: { epoch: number; params: Params; first: number; last: number; sum: number; count: number; diverged: boolean } | undefined;
  let lastEpoch = 0;
  const closeEpoch = () => {
    if (!open) return;
    lastEpoch = open.epoch;
    if (!fullBatch && (open.epoch % every === 0 || open.epoch === config.epochs || open.diverged)) {
      epochs.push({ epoch: open.epoch, params: open.params, loss: open.sum / open.count, steps: [open.first, open.last], ...(open.diverged ? { diverged: true as const } : {}) });
    }
    open = undefined;
  };
  for (let r = run.next(); !r.done; r = run.next()) {
    const s = r.value;
    if (open && open.epoch !== s.epoch) {
      closeEpoch();
      options.onEpoch?.(s.epoch - 1, config.epochs);
    }
    open ??= { epoch: s.epoch, params: s.params, first: s.step, last: s.step, sum: 0, count: 0, diverged: false };
    open.last = s.step;
    open.sum += s.loss;
    open.count++;
    const where = fullBatch ? `epoch ${s.epoch}` : `step ${s.step} (epoch ${s.epoch}, batch ${s.batch})`;
    const bad = Number.isFinite(s.loss) ? s.net.params.find((p) => !Number.isFinite(s.next[p]!)) : undefined;
    const diverged = !Number.isFinite(s.loss) || bad !== undefined;
    // Every `every`-th step is recorded in full, and the last one and the one that diverged.
    if (s.step % every === 0 || s.step === total || diverged) {
      const rec = stepTrace(s, plan.numeric);
      steps.push(rec);
      const epoch = fullBatch ? epochOf(rec, s) : undefined;
      if (epoch) epochs.push(epoch);
      if (diverged) {
        rec.diverged = true;
        if (epoch) epoch.diverged = true;
      }
    }
    if (diverged) {
      open.diverged = true;
      result.diverged = true;
      result.message = bad === undefined
        ? `training diverged: the loss became ${s.loss} at ${where} (try a smaller lr)`
        : `training diverged: ${bad} became ${s.next[bad]} in the update of ${where} (try a smaller lr)`;
      if (bad !== undefined) result.final = s.next;
      break;
    }
    result.final = s.next;
  }
  closeEpoch();
  if (lastEpoch) options.onEpoch?.(lastEpoch, config.epochs);
  return result;
}
