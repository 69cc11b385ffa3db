// `xlgrad run`: the run as readable tables, one per epoch, like the article's printout.

import { trace, type EpochTrace } from '../trace.ts';
import { configFrom, parseArgs, progress } from './args.ts';
import type { Io } from './main.ts';

export const usage = 'xlgrad run <config.json> | --preset NAME [--dtype float32|float64]';

const num = (v: number) => (v === 0 ? '0' : Number.isFinite(v) ? v.toPrecision(8) : String(v));
const pad = (s: string, n: number) => s.padStart(n);

function epochTable(e: EpochTrace): string[] {
  const lines = [`epoch ${e.epoch}   loss ${num(e.loss)}   ŷ ${e.yhat.map(num).join(', ')}${e.diverged ? '   DIVERGED' : ''}`];
  lines.push(`  nodes: ${Object.entries(e.nodes).filter(([k]) => k !== 'L').map(([k, v]) => `${k}=${num(v)}`).join('  ')}`);
  lines.push(`  ${'param'.padEnd(6)}${pad('value', 16)}${pad('backprop', 16)}${pad('symbolic', 16)}${pad('numeric', 16)}`);
  const kinks = new Map(e.kinks.map((k) => [k.param, k]));
  for (const [p, value] of Object.entries(e.params)) {
    const g = e.grads;
    const k = kinks.get(p);
    const mark = k ? `  kink at ${k.nodes.join(',')}: left ${num(k.left)}, right ${num(k.right)}` : g.backprop[p] !== 0 ? '  ◀ non-zero' : '';
    lines.push(`  ${p.padEnd(6)}${pad(num(value), 16)}${pad(num(g.backprop[p]!), 16)}${pad(num(g.symbolic[p]!), 16)}${pad(num(g.numeric[p] ?? NaN), 16)}${mark}`);
  }
  return lines;
}

export function runCommand(argv: string[], io: Io): number {
  const config = configFrom(parseArgs(argv, { values: ['preset', 'dtype'] }), usage);
  const t = trace(config, { onEpoch: progress() });
  const c = t.config;
  const init = 'torchSeed' in c.init ? `torch.manual_seed(${c.init.torchSeed})` : 'explicit parameters';
  io.out(`xlgrad · layers ${c.layers.join('-')} · ${c.activation} · ${c.loss} · ${c.dtype} · lr ${c.lr} · ${c.epochs} epochs · ${init}`);
  io.out(`x = ${JSON.stringify(c.x)}, y = ${JSON.stringify(c.y)}\n`);
  for (const e of t.epochs) io.out(epochTable(e).join('\n') + '\n');
  io.out(`final: ${Object.entries(t.final).map(([k, v]) => `${k}=${num(v)}`).join('  ')}`);
  if (t.message) io.err(`xlgrad: ${t.message}`);
  return 0;
}
