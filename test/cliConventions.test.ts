// The command line's conventions: --version, help, <command> --help, and
// arguments or options too many refused with one line and exit 2.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const commands = ['run', 'trace', 'export', 'verify', 'check'];

/** `xlgrad ...args` in this process, as plain data. */
async function xlgrad(...args: string[]) {
  const out: string[] = [], err: string[] = [];
  const status = await main(args, { out: (s) => out.push(...s.split('\n')), err: (s) => err.push(...s.split('\n')) });
  return { status, out, err };
}

/** A refusal: exit 2, nothing on stdout, exactly one line on stderr; returns that line. */
async function refused(...args: string[]): Promise<string> {
  const r = await xlgrad(...args);
  expect({ status: r.status, out: r.out, lines: r.err.length }).toEqual({ status: 2, out: [], lines: 1 });
  return r.err[0]!;
}

describe('xlgrad --version', () => {
  it("xlgrad --version prints package.json's version, as a real process", () => {
    const r = spawnSync(process.execPath, [join(root, 'bin', 'xlgrad.js'), '--version'], { encoding: 'utf8' });
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: 0, stdout: `${pkg.version}\n`, stderr: '' });
  });

  it('xlgrad --version extra is refused', async () => {
    expect(await refused('--version', 'extra')).toBe('xlgrad: unexpected argument "extra" after --version');
  });
});

describe('xlgrad help', () => {
  it('xlgrad help exits 0 with a usage line and a description for every command', async () => {
    const r = await xlgrad('help');
    expect([r.status, r.err]).toEqual([0, []]);
    for (const c of commands) {
      const i = r.out.findIndex((l) => l.startsWith(`xlgrad ${c} `));
      expect(i, c).toBeGreaterThan(0);
      expect(r.out[i + 1], c).toMatch(/^ {4}\S/);
    }
    expect(r.out.at(-1)).toBe('xlgrad help [command] | xlgrad <command> --help | xlgrad --version');
  });

  it('xlgrad --help and -h print the same', async () => {
    const help = (await xlgrad('help')).out;
    expect((await xlgrad('--help')).out).toEqual(help);
    expect((await xlgrad('-h')).out).toEqual(help);
  });

  it('xlgrad with no command prints the help on stderr and exits 2', async () => {
    const r = await xlgrad();
    expect([r.status, r.out, r.err]).toEqual([2, [], (await xlgrad('help')).out]);
  });

  it("README.md's command-line synopsis is xlgrad help's text, verbatim", async () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    expect(readme).toContain('## Command line\n\n```\n' + (await xlgrad('help')).out.join('\n') + '\n```\n');
  });
});

describe('xlgrad <command> --help', () => {
  it.each(commands)('xlgrad %s --help prints its usage, what it does and every option, exit 0', async (c) => {
    const r = await xlgrad(c, '--help');
    expect([r.status, r.err]).toEqual([0, []]);
    const usage = r.out[0]!;
    expect(usage).toMatch(new RegExp(`^usage: xlgrad ${c} `));
    expect((await xlgrad('help')).out).toContain(usage.slice('usage: '.length));
    // Every option the usage line names has its own line of description.
    const options = [...usage.matchAll(/--[a-z-]+/g)].map((m) => m[0]);
    for (const o of options) expect(r.out.some((l) => new RegExp(`^ {2}${o}\\b.* {2}\\S`).test(l)), o).toBe(true);
    expect(r.out.length).toBeGreaterThan(3);
  });

  it.each(commands)('xlgrad help %s equals xlgrad %s -h', async (c) => {
    expect((await xlgrad('help', c)).out).toEqual((await xlgrad(c, '-h')).out);
  });

  it('xlgrad run --preset article --help: --help wins, nothing runs', async () => {
    const r = await xlgrad('run', '--preset', 'article', '--help');
    expect([r.status, r.out[0]]).toEqual([0, 'usage: xlgrad run <config.json> | --preset NAME [--dtype float32|float64] [--steps]']);
  });

  it('xlgrad help <unknown> and help with two topics are refused', async () => {
    expect(await refused('help', 'frobnicate')).toBe('xlgrad: unknown command "frobnicate" (commands: run, trace, export, verify, check)');
    expect(await refused('help', 'run', 'trace')).toBe('xlgrad help: unexpected argument "trace" (usage: xlgrad help [command])');
  });

  it('a command named after an Object.prototype property is just unknown', async () => {
    for (const name of ['constructor', '__proto__', 'toString']) expect(await refused(name)).toMatch(/^xlgrad: unknown command /);
  });
});

describe('arguments too many, options twice', () => {
  it('xlgrad run a.json b.json: unexpected argument, with the usage', async () => {
    expect(await refused('run', 'a.json', 'b.json')).toBe('xlgrad run: unexpected argument "b.json" (usage: xlgrad run <config.json> | --preset NAME [--dtype float32|float64] [--steps])');
  });

  it.each([
    [['trace', 'a.json', 'b.json'], 'xlgrad trace: unexpected argument "b.json"'],
    [['export', 'a.json', 'b.json'], 'xlgrad export: unexpected argument "b.json"'],
    [['verify', 'a.xlsx', 'c.json', 'd.json'], 'xlgrad verify: unexpected argument "d.json"'],
    [['check', 'a.xlsx', 'b.xlsx'], 'xlgrad check: unexpected argument "b.xlsx"'],
  ])('xlgrad %j', async (args, says) => {
    expect(await refused(...args)).toMatch(new RegExp(`^${says.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\(usage: xlgrad `));
  });

  it.each([
    [['run', '--preset', 'article', '--preset', 'xor'], 'xlgrad run: --preset: given twice'],
    [['trace', '--preset=article', '--preset=article'], 'xlgrad trace: --preset: given twice'],
    [['run', '--preset', 'article', '--dtype', 'float32', '--dtype=float64'], 'xlgrad run: --dtype: given twice'],
    [['run', '--preset', 'article', '--steps', '--steps'], 'xlgrad run: --steps: given twice'],
    [['export', '--preset', 'article', '--out', 'a.xlsx', '--out', 'b.xlsx'], 'xlgrad export: --out: given twice'],
    [['check', 'a.xlsx', '--recalc', 'none', '--recalc', 'builtin'], 'xlgrad check: --recalc: given twice'],
  ])('xlgrad %j', async (args, says) => {
    expect(await refused(...args)).toBe(says);
  });

  it('a flag given a value, an unknown option: one line each', async () => {
    expect(await refused('run', '--preset', 'article', '--steps=yes')).toBe('xlgrad run: --steps: takes no value');
    expect(await refused('verify', 'a.xlsx', '--out', 'b.xlsx')).toBe('xlgrad verify: --out: unknown option (allowed: none)');
    expect(await refused('run', '--pre\x1b[2Jset')).toMatch(/^xlgrad run: "--pre\\u001b\[2Jset": unknown option/);
  });
});
