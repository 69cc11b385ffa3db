// `xlgrad trace`: the whole run as one JSON document.

import { trace } from '../trace.ts';
import { configFrom, configOptions, parseArgs, progress, type Option } from './args.ts';
import type { Io } from './main.ts';

export const usage = 'xlgrad trace <config.json> | --preset NAME [--dtype float32|float64] [--no-expressions]';

export const options: Option[] = [
  ...configOptions,
  ['--no-expressions', 'leave out "expressions" (every node and gradient as a formula)'],
  ['--expressions', 'include them (the default)'],
];

export function traceCommand(argv: string[], io: Io): number {
  const parsed = parseArgs(argv, options, usage);
  const config = configFrom(parsed, usage);
  const t = trace(config, { onEpoch: progress(), expressions: parsed.flags['no-expressions'] !== true });
  if (t.message) io.err(`xlgrad: ${t.message}`);
  io.out(JSON.stringify(t, null, 2));
  return 0;
}
