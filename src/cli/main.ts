// The `xlgrad` command: dispatch to a subcommand; user mistakes become one line
// on stderr and exit code 2, never a stack trace.

import { ConfigError } from '../config.ts';
import { UsageError } from './args.ts';
import { checkCommand, usage as checkUsage } from './check.ts';
import { exportCommand, usage as exportUsage } from './export.ts';
import { runCommand, usage as runUsage } from './run.ts';
import { traceCommand, usage as traceUsage } from './trace.ts';
import { verifyCommand, usage as verifyUsage } from './verify.ts';

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

type Command = (argv: string[], io: Io) => number | Promise<number>;

const commands: Record<string, { run: Command; usage: string; about: string }> = {
  run: { run: runCommand, usage: runUsage, about: 'train and print every epoch as a table' },
  trace: { run: traceCommand, usage: traceUsage, about: 'train and print the full trace as JSON' },
  export: { run: exportCommand, usage: exportUsage, about: 'write the run as an Excel workbook of live formulas' },
  verify: { run: verifyCommand, usage: verifyUsage, about: 'recalculate a workbook in LibreOffice and compare every named value with the engine' },
  check: { run: checkCommand, usage: checkUsage, about: "check a learner's own workbook and name the first wrong cell" },
};

function help(): string {
  const rows = Object.values(commands).map((c) => `  ${c.usage}\n      ${c.about}`);
  return ['usage: xlgrad <command> [options]', '', ...rows].join('\n');
}

/** Errors whose message is for the user as it is. */
export function isUserError(e: unknown): e is Error {
  return e instanceof UsageError || e instanceof ConfigError || (e instanceof Error && (e as { userFacing?: boolean }).userFacing === true);
}

/**
 * The process's stdout and stderr. A reader that closes early (`xlgrad trace … | head`)
 * makes the next write fail with EPIPE; that is the reader's choice, not an error,
 * so the program ends quietly instead of crashing with a stack trace.
 */
function stdio(): Io {
  process.stdout.once('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    process.exit(0);
  });
  return { out: (s) => process.stdout.write(s + '\n'), err: (s) => process.stderr.write(s + '\n') };
}

export async function main(argv: string[], io: Io = stdio()): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.out(help());
    return name === undefined ? 2 : 0;
  }
  const command = commands[name];
  if (!command) {
    io.err(`xlgrad: unknown command ${JSON.stringify(name)} (commands: ${Object.keys(commands).join(', ')})`);
    return 2;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (isUserError(e)) {
      io.err(`xlgrad ${name}: ${e.message}`);
      return 2;
    }
    io.err(`xlgrad ${name}: internal error: ${(e as Error)?.message ?? String(e)} (set XLGRAD_DEBUG=1 for details)`);
    if (process.env.XLGRAD_DEBUG) io.err(String((e as Error)?.stack));
    return 70;
  }
}
