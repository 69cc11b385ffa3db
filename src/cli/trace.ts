// `xlgrad trace`: the whole run as one JSON document.

import { trace } from '../trace.ts';
import { escapeControls } from '../csv.ts';
import { MAX_EPOCHS } from '../limits.ts';
import { configFrom, configOptions, parseArgs, progress, UsageError, type Option } from './args.ts';
import type { Io } from './main.ts';

export const usage = 'xlgrad trace <config.json> | --preset NAME [--dtype float32|float64] [--every N] [--no-expressions]';

export const options: Option[] = [
  ...configOptions,
  ['--every N', 'record every Nth step in full (and the last), so a long run stays a document of bounded size'],
  ['--no-expressions', 'leave out "expressions" (every node and gradient as a formula)'],
  ['--expressions', 'include them (the default)'],
];

export function traceCommand(argv: string[], io: Io): number {
  const parsed = parseArgs(argv, options, usage);
  const config = configFrom(parsed, usage);
  const every = parsed.flags.every === undefined ? 1 : Number(parsed.flags.every);
  if (!Number.isInteger(every) || every < 1 || every > MAX_EPOCHS) throw new UsageError(`--every: must be an integer from 1 to ${MAX_EPOCHS.toLocaleString('en-US')}, got ${escapeControls(JSON.stringify(parsed.flags.every))}`);
  const t = trace(config, { onEpoch: progress(), expressions: parsed.flags['no-expressions'] !== true, every });
  if (t.message) io.err(`xlgrad: ${t.message}`);
  io.out(JSON.stringify(t, null, 2));
  return 0;
}
