// `xlgrad trace`: the whole run as one JSON document.

import { trace } from '../trace.ts';
import { configFrom, parseArgs, progress } from './args.ts';
import type { Io } from './main.ts';

export const usage = 'xlgrad trace <config.json> | --preset NAME [--dtype float32|float64] [--no-expressions]';

export function traceCommand(argv: string[], io: Io): number {
  const parsed = parseArgs(argv, { values: ['preset', 'dtype'], booleans: ['expressions', 'no-expressions'] });
  const config = configFrom(parsed, usage);
  const t = trace(config, { onEpoch: progress(), expressions: parsed.flags['no-expressions'] !== true });
  if (t.message) io.err(`xlgrad: ${t.message}`);
  io.out(JSON.stringify(t, null, 2));
  return 0;
}
