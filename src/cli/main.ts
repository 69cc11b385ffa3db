// The `xlgrad` command: dispatch to a subcommand; user mistakes become one line
// on stderr and exit code 2, never a stack trace.

import { escapeControls } from '../csv.ts';
import pkg from '../../package.json' with { type: 'json' };
import { ConfigError } from '../config.ts';
import { UsageError, type Option } from './args.ts';
import { checkCommand, options as checkOptions, usage as checkUsage } from './check.ts';
import { exportCommand, options as exportOptions, usage as exportUsage } from './export.ts';
import { runCommand, options as runOptions, usage as runUsage } from './run.ts';
import { traceCommand, options as traceOptions, usage as traceUsage } from './trace.ts';
import { verifyCommand, options as verifyOptions, usage as verifyUsage } from './verify.ts';

export interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

type Command = (argv: string[], io: Io) => number | Promise<number>;

// A Map, so a command named `constructor` or `__proto__` is just unknown.
const commands = new Map<string, { run: Command; usage: string; about: string; options: Option[] }>([
  ['run', { run: runCommand, usage: runUsage, options: runOptions, about: 'train and print every epoch (or every step) as a table' }],
  ['trace', { run: traceCommand, usage: traceUsage, options: traceOptions, about: 'train and print the whole run as one JSON document' }],
  ['export', { run: exportCommand, usage: exportUsage, options: exportOptions, about: 'write the run as a workbook of live formulas (.xlsx, or .ods through LibreOffice) or as a PyTorch script' }],
  ['verify', { run: verifyCommand, usage: verifyUsage, options: verifyOptions, about: 'recalculate an exported workbook in LibreOffice and compare every named value with the engine' }],
  ['check', { run: checkCommand, usage: checkUsage, options: checkOptions, about: "check a hand-built workbook and name every root cause" }],
]);

/** `xlgrad help`: every command's usage line and what it does. The README's synopsis is this text (test/cliConventions.test.ts). */
export function help(): string {
  const rows = [...commands.values()].map((c) => `${c.usage}\n    ${c.about}`);
  return ['usage: xlgrad <command> [options]', '', ...rows, 'xlgrad help [command] | xlgrad <command> --help | xlgrad --version'].join('\n');
}

/** `xlgrad <command> --help`: its usage line, what it does and each argument and option. */
export function commandHelp(name: string): string {
  const c = commands.get(name)!;
  const width = Math.max(...c.options.map(([o]) => o.length));
  return [`usage: ${c.usage}`, c.about, '', ...c.options.map(([o, about]) => `  ${o.padEnd(width)}  ${about}`)].join('\n');
}

const unknownCommand = (name: string) => `xlgrad: unknown command ${JSON.stringify(name)} (commands: ${[...commands.keys()].join(', ')})`;

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

/** A mistake on the command line itself: one line, exit 2. */
function refuse(io: Io, line: string): number {
  io.err(escapeControls(line));
  return 2;
}

export async function main(argv: string[], io: Io = stdio()): Promise<number> {
  const [name, ...rest] = argv;
  const extra = rest[0];
  if (name === '--version') {
    if (extra !== undefined) return refuse(io, `xlgrad: unexpected argument ${JSON.stringify(extra)} after --version`);
    io.out(pkg.version);
    return 0;
  }
  if (name === undefined) {
    io.err(help());
    return 2;
  }
  if (name === '--help' || name === '-h' || (name === 'help' && extra === undefined)) {
    io.out(help());
    return 0;
  }
  if (name === 'help') {
    if (!commands.has(extra!)) return refuse(io, unknownCommand(extra!));
    if (rest.length > 1) return refuse(io, `xlgrad help: unexpected argument ${JSON.stringify(rest[1])} (usage: xlgrad help [command])`);
    io.out(commandHelp(extra!));
    return 0;
  }
  const command = commands.get(name);
  if (!command) return refuse(io, unknownCommand(name));
  // --help anywhere on the line: the user is asking, whatever else it holds.
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(commandHelp(name));
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (e) {
    if (isUserError(e)) {
      io.err(escapeControls(`xlgrad ${name}: ${e.message}`));
      return 2;
    }
    io.err(escapeControls(`xlgrad ${name}: internal error: ${(e as Error)?.message ?? String(e)} (set XLGRAD_DEBUG=1 for details)`));
    if (process.env.XLGRAD_DEBUG) io.err(String((e as Error)?.stack));
    return 70;
  }
}
