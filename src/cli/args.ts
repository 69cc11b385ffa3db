// Command-line plumbing shared by the commands: flag parsing, the config from
// a file or a preset, and the error that becomes a one-line message and exit 2.

import { readFileSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseConfig, type Config } from '../config.ts';
import { MAX_CONFIG_BYTES, MAX_DATA_BYTES } from '../limits.ts';
import { preset } from '../presets.ts';

/** A user's mistake: printed as one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface Parsed {
  positional: string[];
  flags: Record<string, string | true>;
}

/**
 * One line of a command's `--help`, which is also what `parseArgs` accepts:
 * `--out file.xlsx` (an option with a value), `--steps` (a flag) or
 * `<config.json>` / `[config.json]` (an argument), and what it does.
 */
export type Option = readonly [syntax: string, about: string];

/**
 * Parses `--flag value`, `--flag=value`, boolean `--flag` and the arguments, as
 * `options` lists them. An option given twice, an argument beyond those listed
 * or an unknown option is a UsageError.
 */
export function parseArgs(argv: string[], options: readonly Option[], usage: string): Parsed {
  const positional: string[] = [];
  const flags: Record<string, string | true> = {};
  const takes = new Map<string, boolean>(); // option name → takes a value
  for (const [syntax] of options) {
    const m = /^--([\w-]+)( .*)?$/.exec(syntax);
    if (m) takes.set(m[1]!, m[2] !== undefined);
  }
  const slots = options.length - takes.size;
  const allowed = [...takes.keys()].map((f) => `--${f}`).join(', ') || 'none';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) {
      if (positional.length === slots) throw new UsageError(`unexpected argument ${JSON.stringify(a)} (usage: ${usage})`);
      positional.push(a);
      continue;
    }
    const [name, inline] = a.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    const value = takes.get(name);
    if (value === undefined) throw new UsageError(`${/^[\w-]*$/.test(name) ? `--${name}` : JSON.stringify(`--${name}`)}: unknown option (allowed: ${allowed})`);
    if (Object.hasOwn(flags, name)) throw new UsageError(`--${name}: given twice`);
    if (!value) {
      if (inline !== undefined) throw new UsageError(`--${name}: takes no value`);
      flags[name] = true;
      continue;
    }
    const v = inline ?? argv[++i];
    if (v === undefined || (inline === undefined && v.startsWith('--'))) throw new UsageError(`--${name}: needs a value`);
    flags[name] = v;
  }
  return { positional, flags };
}

export { MAX_CONFIG_BYTES } from '../limits.ts';

const bytes = (n: number) => `${n.toLocaleString('en-US')} bytes`;

/**
 * A file the user named, read whole after checking its size (so a huge file is
 * refused before anything is loaded). `what` names it in messages: "config file".
 */
export function readUserFile(path: string, what: string, maxBytes: number): Buffer {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new UsageError(`${path}: the ${what} is not a file`);
    size = st.size;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`${path}: ${code === 'ENOENT' ? `no such ${what}` : `cannot read the ${what} (${code ?? (e as Error).message})`}`);
  }
  if (size > maxBytes) throw new UsageError(`${path}: the ${what} is ${bytes(size)}; at most ${bytes(maxBytes)} (${maxBytes / 2 ** 20} MB) are allowed`);
  return readFileSync(path);
}

/** A config file; a CSV file it names in "data" is found relative to the config file's folder. */
export function readConfigFile(path: string): Config {
  const readData = (data: string) => readUserFile(resolve(dirname(path), data), 'data file', MAX_DATA_BYTES).toString('utf8');
  return parseConfig(readUserFile(path, 'config file', MAX_CONFIG_BYTES).toString('utf8'), { readData });
}

/** The options `configFrom` reads. */
export const configOptions: Option[] = [
  ['<config.json>', 'a config file (its fields are in the README)'],
  ['--preset NAME', 'a named config instead: article, or a recorded PyTorch run (an unknown name lists them)'],
  ['--dtype float32|float64', "the run's arithmetic (the initial draw stays as configured)"],
];

/** The run's config: `<config.json>` or `--preset NAME`, then `--dtype` if given. */
export function configFrom(p: Parsed, usage: string): Config {
  const file = p.positional[0];
  const name = p.flags.preset;
  if (file !== undefined && name !== undefined) throw new UsageError(`give a config file or --preset, not both (usage: ${usage})`);
  if (file === undefined && name === undefined) throw new UsageError(`missing config: give a config.json or --preset article (usage: ${usage})`);
  const config = name !== undefined ? preset(String(name)) : readConfigFile(file!);
  const dtype = p.flags.dtype;
  if (dtype !== undefined) {
    if (dtype !== 'float32' && dtype !== 'float64') throw new UsageError(`--dtype: must be float32 or float64, got ${JSON.stringify(dtype)}`);
    config.dtype = dtype;
  }
  return config;
}

/**
 * Progress of a long run on a terminal: `epoch 41,000 / 100,000` rewritten in
 * place on stderr about once a second; nothing when stderr is not a terminal.
 */
export function progress(): ((epoch: number, epochs: number) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  let last = Date.now();
  return (epoch, epochs) => {
    const now = Date.now();
    if (epoch === epochs) process.stderr.write('\r\x1b[K');
    else if (now - last >= 1000) {
      last = now;
      process.stderr.write(`\repoch ${epoch.toLocaleString('en-US')} / ${epochs.toLocaleString('en-US')}`);
    }
  };
}
