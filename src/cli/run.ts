// `xlgrad run`: the run as readable tables, one per epoch (per optimizer step
// with --steps), like the article's printout.

import type { Config } from '../config.ts';
import type { Kink } from '../finiteDifference.ts';
import { trace, type EpochSummary, type Grads, type StepTrace } from '../trace.ts';
import type { Params } from '../train.ts';
import { configFrom, configOptions, parseArgs, progress, type Option } from './args.ts';
import type { Io } from './main.ts';

export const usage = 'xlgrad run <config.json> | --preset NAME [--dtype float32|float64] [--steps]';

export const options: Option[] = [
  ...configOptions,
  ['--steps', 'a table per optimizer step instead of per epoch'],
];

const num = (v: number) => (v === 0 ? '0' : Number.isFinite(v) ? v.toPrecision(8) : String(v));
const pad = (s: string, n: number) => s.padStart(n);
const list = (o: Params) => Object.entries(o).map(([k, v]) => `${k}=${num(v)}`).join('  ');

/** Parameters with their three gradients; kinks and non-zero gradients marked as the article circles them. */
function paramTable(params: Params, g: Grads, kinks: Kink[], state: Params): string[] {
  const stateNames = Object.keys(state);
  const lines = [`  ${'param'.padEnd(6)}${pad('value', 16)}${pad('backprop', 16)}${pad('symbolic', 16)}${pad('numeric', 16)}${stateNames.length ? pad('state after', 16) : ''}`];
  const byParam = new Map(kinks.map((k) => [k.param, k]));
  for (const [p, value] of Object.entries(params)) {
    const k = byParam.get(p);
    const mark = k ? `  kink at ${k.nodes.join(',')}: left ${num(k.left)}, right ${num(k.right)}` : g.backprop[p] !== 0 ? '  ◀ non-zero' : '';
    const st = stateNames.filter((s) => s.endsWith(`_${p}`)).map((s) => `${s.slice(0, -p.length - 1)} ${num(state[s]!)}`).join(', ');
    lines.push(`  ${p.padEnd(6)}${pad(num(value), 16)}${pad(num(g.backprop[p]!), 16)}${pad(num(g.symbolic[p]!), 16)}${pad(num(g.numeric[p] ?? NaN), 16)}${st ? `  ${st}` : ''}${mark}`);
  }
  return lines;
}

/** A full-batch epoch: its one step, labelled by epoch as the article does. */
function epochTable(s: StepTrace, nodes: Params, yhat: number[]): string[] {
  return [
    `epoch ${s.epoch}   loss ${num(s.loss)}   ŷ ${yhat.map(num).join(', ')}${s.diverged ? '   DIVERGED' : ''}`,
    ...(s.nodes.length === 1
      ? [`  nodes: ${list(Object.fromEntries(Object.entries(nodes).filter(([k]) => k !== 'L')))}`]
      : s.nodes.map((n, i) => `  sample ${s.samples[i]}: ${list(n)}`)),
    ...paramTable(s.params, s.grads, s.kinks, s.state),
  ];
}

function stepTable(s: StepTrace): string[] {
  const samples = s.samples.length === 1 ? `sample ${s.samples[0]}` : `samples ${s.samples[0]}–${s.samples.at(-1)}`;
  return [
    `step ${s.step} (epoch ${s.epoch}, batch ${s.batch}, ${samples})   loss ${num(s.loss)}${s.diverged ? '   DIVERGED' : ''}`,
    ...s.nodes.map((n, i) => `  sample ${s.samples[i]}: ${list(n)}`),
    ...paramTable(s.params, s.grads, s.kinks, s.state),
  ];
}

function optimizerText(c: Config): string {
  const o = c.optimizer;
  if (o.name === 'adam') return `adam(betas ${o.betas.join(', ')}, eps ${o.eps}${o.weightDecay ? `, weight decay ${o.weightDecay}` : ''})`;
  const extras = [o.momentum && `momentum ${o.momentum}`, o.dampening && `dampening ${o.dampening}`, o.nesterov && 'nesterov', o.weightDecay && `weight decay ${o.weightDecay}`].filter(Boolean);
  return extras.length ? `sgd(${extras.join(', ')})` : 'sgd';
}

export function header(c: Config): string[] {
  const init = 'torchSeed' in c.init ? `torch.manual_seed(${c.init.torchSeed})${c.init.draw !== c.dtype ? ` drawn in ${c.init.draw}` : ''}` : 'explicit parameters';
  const bias = c.bias.every(Boolean) ? '' : c.bias.some(Boolean) ? ` · bias ${c.bias.map((b) => (b ? 'yes' : 'no')).join('/')}` : ' · no biases';
  const n = c.x.length;
  const batch = n === 1 ? '' : ` · ${n} samples, batches of ${c.batchSize}`;
  const data = n === 1
    ? `x = ${JSON.stringify(c.x[0])}, y = ${JSON.stringify(c.y[0])}`
    : `x = ${JSON.stringify(c.x.slice(0, 4)).slice(0, -1)}${n > 4 ? ', …]' : ']'}, y = ${JSON.stringify(c.y.slice(0, 4)).slice(0, -1)}${n > 4 ? ', …]' : ']'}`;
  return [`xlgrad · layers ${c.layers.join('-')}${bias} · ${c.activation} · ${c.loss} · ${c.dtype} · ${optimizerText(c)} · lr ${c.lr}${batch} · ${c.epochs} epochs · ${init}`, `${data}\n`];
}

export function runCommand(argv: string[], io: Io): number {
  const parsed = parseArgs(argv, options, usage);
  const config = configFrom(parsed, usage);
  const t = trace(config, { onEpoch: progress() });
  io.out(header(t.config).join('\n'));
  const perStep = parsed.flags.steps === true;
  t.epochs.forEach((e, i) => {
    if (perStep) return;
    if ('nodes' in e) io.out(epochTable(t.steps[i]!, e.nodes, e.yhat).join('\n') + '\n');
    else {
      const s = e as EpochSummary;
      io.out(`epoch ${s.epoch}   mean loss ${num(s.loss)}   steps ${s.steps[0]}–${s.steps[1]}${s.diverged ? '   DIVERGED' : ''}`);
    }
  });
  if (perStep) for (const s of t.steps) io.out(stepTable(s).join('\n') + '\n');
  else if (!('nodes' in (t.epochs[0] ?? { nodes: 0 }))) io.out('(--steps prints every step in full)\n');
  io.out(`final: ${list(t.final)}`);
  if (t.message) io.err(`xlgrad: ${t.message}`);
  return 0;
}
