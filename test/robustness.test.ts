// One regression test for each hostile input of issue 12 (items 4–6): bounded
// work (zip bombs, a workbook's stored config, LibreOffice's lifecycle),
// nothing lost (--out never replaces an input, writes are atomic), and every
// refusal one line with exit code 2 (lookups by user-given names, deep JSON, a
// defined name that is a formula, terminal escapes, a byte-order mark, a
// number too large for a double).

import ExcelJS from 'exceljs';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { xlgradInProcess } from './helpers.ts';
import { writeOutput } from '../src/cli/writeOutput.ts';
import { ARTICLE } from '../src/config.ts';
import { MAX_JSON_DEPTH, parseJson } from '../src/parseJson.ts';
import { buildWorkbook } from '../src/workbook/buildWorkbook.ts';
import { MAX_INFLATED_BYTES, MAX_PART_BYTES, MAX_PARTS, zipPartsProblem } from '../src/workbook/zipLimits.ts';
import { paddedPart, partText, readParts, textPart, writeZip, type Part } from './zipFiles.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'xlgrad-robust-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SKIP_LIBREOFFICE = process.env.XLGRAD_SKIP_LIBREOFFICE === '1';
/** C0 and C1 controls and the Unicode line separators: what a terminal may act on. A newline ends a line. */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

let saved = 0;
function save(bytes: Uint8Array | string, name = `file${++saved}`): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

const xlgrad = xlgradInProcess;

/** The one line of a refusal: exit 2, nothing on stdout, one line on stderr without control characters. */
async function refused(...argv: string[]): Promise<string> {
  const r = await xlgrad(...argv);
  expect({ code: r.code, out: r.out, lines: r.err.length }).toEqual({ code: 2, out: [], lines: 1 });
  expect(r.err[0]).not.toMatch(CONTROL);
  expect(r.err[0]).not.toContain('\n');
  return r.err[0]!;
}

/** Peak resident memory of this process, in bytes, so far. */
const peakRss = () => process.resourceUsage().maxRSS * 1024;

let article: Uint8Array;
beforeAll(async () => {
  article = await buildWorkbook(ARTICLE);
});

/** The article's workbook with `change` applied to its parts. */
const rezip = (change: (parts: Part[]) => Part[]) => writeZip(change(readParts(article)));

/** The article's workbook with its config_json cell holding `json` (cells below it emptied). */
async function withStoredConfig(json: string): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(article.slice().buffer as ArrayBuffer);
  const ws = wb.getWorksheet('config')!;
  for (let r = 3; r < 20; r++) ws.getCell(`A${r}`).value = null;
  ws.getCell('A2').value = json;
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

describe('zip bombs: every part measured before anything parses it', () => {
  it('zipPartsProblem(a workbook xlgrad wrote) is undefined', async () => {
    expect(await zipPartsProblem(article)).toBeUndefined();
  });

  it('zipPartsProblem(a part declaring 2,000 MB) names it without inflating it', async () => {
    const bytes = rezip((ps) => [...ps, paddedPart('xl/media/padding.bin', 2000)]);
    expect(bytes.length).toBeLessThan(2.5 * 2 ** 20);
    expect(await zipPartsProblem(bytes)).toBe(`its part xl/media/padding.bin declares 2,000 MB when inflated; at most ${MAX_PART_BYTES / 2 ** 20} MB per part are allowed`);
  });

  it('zipPartsProblem(a sheet inflating past the limit while declaring its old size) counts the bytes as they stream', async () => {
    const bytes = rezip((ps) => ps.map((p) => (p.name === 'xl/worksheets/sheet2.xml' ? { ...paddedPart(p.name, 300, '<worksheet>'), size: p.size } : p)));
    const before = peakRss();
    expect(await zipPartsProblem(bytes)).toMatch(/^its part xl\/worksheets\/sheet2\.xml inflates to more than 256 MB \(the zip directory says [\d,]+ bytes\); at most 256 MB per part are allowed$/);
    expect(peakRss() - before).toBeLessThan(MAX_PART_BYTES / 2); // streamed, never held
  });

  it('zipPartsProblem(parts each within the limit but over it together)', async () => {
    const big = Math.floor(MAX_PART_BYTES / 2 ** 20) - 1;
    const parts = Array.from({ length: Math.ceil(MAX_INFLATED_BYTES / (big * 2 ** 20)) }, (_, i) => paddedPart(`xl/media/pad${i}.bin`, big));
    expect(await zipPartsProblem(rezip((ps) => [...ps, ...parts]))).toMatch(/^its parts declare more than 512 MB when inflated \(at xl\/media\/pad\d\.bin\); at most 512 MB in all are allowed$/);
  });

  it('zipPartsProblem(more parts than MAX_PARTS)', async () => {
    const parts = Array.from({ length: MAX_PARTS }, (_, i) => textPart(`xl/media/p${i}.txt`, ''));
    expect(await zipPartsProblem(rezip((ps) => [...ps, ...parts]))).toBe(`it has ${(MAX_PARTS + readParts(article).length).toLocaleString('en-US')} parts; at most ${MAX_PARTS.toLocaleString('en-US')} are allowed`);
  });

  it('zipPartsProblem(a part that is not a deflate stream, or lies about its size)', async () => {
    const garbage = rezip((ps) => ps.map((p) => (p.name === 'xl/workbook.xml' ? { ...p, data: new Uint8Array(p.data.length).fill(0xff) } : p)));
    expect(await zipPartsProblem(garbage)).toBe('broken zip archive (its part xl/workbook.xml cannot be inflated)');
    const short = rezip((ps) => ps.map((p) => (p.name === 'xl/workbook.xml' ? { ...p, size: p.size + 1 } : p)));
    expect(await zipPartsProblem(short)).toMatch(/^broken zip archive \(its part xl\/workbook\.xml inflates to [\d,]+ bytes, the zip directory says [\d,]+ bytes\)$/);
  });

  it('xlgrad check <a 2 MB file with a 2 GB part nothing references> --recalc none: one line, exit 2, in seconds', async () => {
    const file = save(rezip((ps) => [...ps, paddedPart('xl/media/padding.bin', 2000)]), 'unreferenced.xlsx');
    const started = performance.now(), before = peakRss();
    expect(await refused('check', file, '--recalc', 'none')).toMatch(/unreferenced\.xlsx: its part xl\/media\/padding\.bin declares 2,000 MB when inflated; at most 256 MB per part are allowed$/);
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(peakRss() - before).toBeLessThan(256 * 2 ** 20);
  });

  it('xlgrad verify <a sheet inflating to 2 GB that declares 33 kB>: refused before LibreOffice starts', async () => {
    const file = save(rezip((ps) => ps.map((p) => (p.name === 'xl/worksheets/sheet2.xml' ? { ...paddedPart(p.name, 2000, '<worksheet>'), size: p.size } : p))), 'lying.xlsx');
    const started = performance.now();
    expect(await refused('verify', file)).toMatch(/lying\.xlsx: its part xl\/worksheets\/sheet2\.xml inflates to more than 256 MB \(the zip directory says [\d,]+ bytes\); at most 256 MB per part are allowed$/);
    expect(performance.now() - started).toBeLessThan(15_000);
  });

  it('xlgrad check <the same> with LibreOffice: refused before LibreOffice or exceljs starts', async () => {
    const file = save(rezip((ps) => ps.map((p) => (p.name === 'xl/worksheets/sheet2.xml' ? { ...paddedPart(p.name, 2000, '<worksheet>'), size: p.size } : p))), 'lying2.xlsx');
    expect(await refused('check', file)).toMatch(/lying2\.xlsx: its part xl\/worksheets\/sheet2\.xml inflates to more than 256 MB/);
  });
});

// ---- LibreOffice's lifecycle -------------------------------------------------

/** The arguments of every process whose command line contains `text` (zombies have none). */
async function processesWith(text: string): Promise<string[][]> {
  const found: string[][] = [];
  for (const pid of await readdir('/proc').catch(() => [])) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes(text)) found.push(cmd.split('\0').filter(Boolean));
  }
  return found;
}

async function until<T>(probe: () => Promise<T>, done: (v: T) => boolean, ms: number): Promise<T> {
  const end = performance.now() + ms;
  let v = await probe();
  while (!done(v) && performance.now() < end) {
    await new Promise((r) => setTimeout(r, 100));
    v = await probe();
  }
  return v;
}

/**
 * The article's workbook with 150 MB of spaces in an epoch sheet: within the
 * limits, and LibreOffice takes several seconds over it, so an office left
 * running after its node process has gone is still there to be seen.
 */
function slowWorkbook(): Uint8Array {
  return rezip((ps) =>
    ps.map((p) => {
      if (p.name !== 'xl/worksheets/sheet2.xml') return p;
      const xml = partText(p), at = xml.indexOf('<sheetData>') + '<sheetData>'.length;
      return paddedPart(p.name, 150, xml.slice(0, at), xml.slice(at));
    }),
  );
}

/**
 * `xlgrad verify <workbook>` in a child node process; once LibreOffice runs
 * (soffice.bin on this run's profile), `stop` it. Returns how the child ended,
 * the profile folder it used, and the processes of that run still alive a
 * moment later.
 */
async function verifyInChild(stop: NodeJS.Signals | undefined): Promise<{ signal: NodeJS.Signals | null; code: number | null; profile: string; left: string[][]; profileLeft: boolean }> {
  const work = mkdtempSync(join(dir, 'child-'));
  const book = join(work, 'book.xlsx');
  writeFileSync(book, stop ? slowWorkbook() : article);
  const script = join(work, 'child.mts');
  writeFileSync(script, `import { main } from ${JSON.stringify(join(root, 'src/cli/main.ts'))};\nprocess.exitCode = await main(process.argv.slice(2));\n`);
  const child = spawn(process.execPath, ['--import', 'tsx', script, 'verify', book], { cwd: root, stdio: 'ignore' });
  const ended = new Promise<[number | null, NodeJS.Signals | null]>((r) => child.on('exit', (code, signal) => r([code, signal])));
  // recalc.py is started with the workbook and the profile: python3 recalc.py BOOK PROFILE.
  const recalcPy = async () => (await processesWith(book)).filter((argv) => argv.some((a) => a.endsWith('recalc.py')));
  const python = await until(recalcPy, (ps) => ps.length > 0, 30_000);
  const profile = python[0]?.at(-1) ?? '';
  expect(profile).toMatch(/xlgrad-lo-/);
  if (stop) {
    await until(() => processesWith(`UserInstallation=file://${profile}`), (ps) => ps.length > 0, 30_000);
    child.kill(stop);
  }
  const [code, signal] = await ended;
  const left = await until(async () => [...(await processesWith(book)), ...(await processesWith(profile))], (ps) => ps.length === 0, 20_000);
  const profileLeft = await until(async () => existsSync(profile), (e) => !e, 20_000);
  // Whatever the outcome, this test leaves nothing running.
  for (const argv of left) if (argv.some((a) => a.endsWith('recalc.py'))) await killGroupOf(book);
  return { code, signal, profile, left, profileLeft };
}

/** Kills the process group of the recalc.py running on `book` (a failed test's leftovers). */
async function killGroupOf(book: string): Promise<void> {
  for (const pid of await readdir('/proc').catch(() => [])) {
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    if (!cmd.includes('recalc.py') || !cmd.includes(book)) continue;
    const pgid = Number((await readFile(`/proc/${pid}/stat`, 'utf8')).replace(/^.*\) /s, '').split(' ')[2]);
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }
}

describe.skipIf(SKIP_LIBREOFFICE)('LibreOffice is killed with its process group and its profile removed', () => {
  it('after a normal verify', async () => {
    const r = await verifyInChild(undefined);
    expect({ code: r.code, left: r.left, profileLeft: r.profileLeft }).toEqual({ code: 0, left: [], profileLeft: false });
  });

  it('when the node process receives SIGINT (Ctrl-C) mid-recalculation', async () => {
    const r = await verifyInChild('SIGINT');
    expect({ signal: r.signal, left: r.left, profileLeft: r.profileLeft }).toEqual({ signal: 'SIGINT', left: [], profileLeft: false });
  });

  it('when the node process receives SIGTERM', async () => {
    const r = await verifyInChild('SIGTERM');
    expect({ signal: r.signal, left: r.left, profileLeft: r.profileLeft }).toEqual({ signal: 'SIGTERM', left: [], profileLeft: false });
  });

  it('when the node process is SIGKILLed (recalc.py sees its stdin close)', async () => {
    const r = await verifyInChild('SIGKILL');
    expect({ signal: r.signal, left: r.left, profileLeft: r.profileLeft }).toEqual({ signal: 'SIGKILL', left: [], profileLeft: false });
  });

  it('xlgrad export --out run.ods stopped by SIGINT while LibreOffice converts: no run.ods, nothing beside it, the profile removed', async () => {
    const work = mkdtempSync(join(dir, 'ods-'));
    const out = join(work, 'run.ods');
    const script = join(work, 'child.mts');
    writeFileSync(script, `import { main } from ${JSON.stringify(join(root, 'src/cli/main.ts'))};\nprocess.exitCode = await main(process.argv.slice(2));\n`);
    const child = spawn(process.execPath, ['--import', 'tsx', script, 'export', '--preset', 'article', '--out', out], { cwd: root, stdio: 'ignore' });
    const ended = new Promise<NodeJS.Signals | null>((r) => child.on('exit', (_code, signal) => r(signal)));
    // This child's conversion: python3 recalc.py --convert <profile>/workbook.xlsx <profile>/converted.ods <profile>.
    const mine = async () => (await processesWith('--convert')).filter((argv) => argv.some((a) => a.endsWith('recalc.py')) && argv.at(-2)?.endsWith('converted.ods'));
    const python = await until(mine, (ps) => ps.length > 0, 60_000);
    const profile = python[0]?.at(-1) ?? '';
    expect(profile).toMatch(/xlgrad-lo-/);
    await until(() => processesWith(`UserInstallation=file://${profile}`), (ps) => ps.length > 0, 30_000);
    child.kill('SIGINT');
    expect(await ended).toBe('SIGINT');
    const left = await until(() => processesWith(profile), (ps) => ps.length === 0, 20_000);
    const profileLeft = await until(async () => existsSync(profile), (e) => !e, 20_000);
    expect({ left, profileLeft, beside: readdirSync(work) }).toEqual({ left: [], profileLeft: false, beside: ['child.mts'] });
  }, 120_000);
});

// ---- the stored config ---------------------------------------------------------

describe("verify validates a workbook's stored config before LibreOffice starts", () => {
  const cases: [string, string, RegExp][] = [
    ['a million epochs', '{"layers":[1,2,2,1],"x":[[1]],"y":[[1]],"lr":0.01,"epochs":1000000,"init":{"torchSeed":0}}',
      /: config_json: 1,000,000 epochs × 13 parameters × 5 \(each parameter, its gradient and 3 central-difference values\) = 65,000,000 named values, but the workbook defines 193 names; give the config the workbook was exported from$/],
    ['a 1-300-300-1 net', '{"layers":[1,300,300,1],"x":[[1]],"y":[[1]],"lr":0.01,"epochs":2,"init":{"torchSeed":0}}',
      /: config_json: 2 epochs × 91,201 parameters × 5 .* = 912,010 named values, but the workbook defines 193 names;/],
    ['more epochs than a config file may ask for', '{"layers":[1,2,2,1],"x":[[1]],"y":[[1]],"lr":0.01,"epochs":2000000}', /: config_json epochs: must be an integer from 0 to 1,000,000, got 2000000$/],
    ['too many parameters', '{"layers":[1,1024,1024,1],"x":[[1]],"y":[[1]],"lr":0.01,"epochs":1}', /: config_json layers: \[1,1024,1024,1\] has 1,052,673 parameters; at most 100,000 are allowed$/],
    ['a number too large for a double', '{"layers":[1,2,2,1],"x":[[1]],"y":[[1]],"lr":1e309,"epochs":2}', /: config_json (config: )?lr: 1e309 is not a finite number/],
    ['JSON nested 10,000 deep', `{"layers":${'['.repeat(10_000)}${']'.repeat(10_000)}}`, /: config_json config: nested 10,001 levels deep; at most 64 are allowed$/],
    ['not JSON', '{"layers": [1, 2', /: config_json config: not valid JSON \(/],
  ];
  for (const [name, json, error] of cases) {
    it(`xlgrad verify <a workbook whose config_json holds ${name}>: one line, exit 2, in seconds`, async () => {
      const file = save(await withStoredConfig(json), `stored${++saved}.xlsx`);
      const started = performance.now();
      expect(await refused('verify', file)).toMatch(error);
      expect(performance.now() - started).toBeLessThan(5_000);
    });
  }

  it('xlgrad verify <workbook> <a config file of a million epochs>: refused the same way', async () => {
    const file = save(article, 'plain.xlsx');
    const config = save('{"layers":[1,2,2,1],"x":[1],"y":[1],"lr":0.01,"epochs":1000000}', 'million.json');
    expect(await refused('verify', file, config)).toMatch(/million\.json: 1,000,000 epochs × 13 parameters × 5 .* but the workbook defines 193 names;/);
  });

  it('xlgrad verify <a workbook without config_json text>: one line naming it', async () => {
    expect(await refused('verify', save(await withStoredConfig(''), 'empty-config.xlsx'))).toMatch(/empty-config\.xlsx: the config_json cell holds no text; give the config file: /);
  });
});

// ---- nothing lost ------------------------------------------------------------

describe('--out never replaces an input and never leaves a partial file', () => {
  const learner = () => save(article, `learner${++saved}.xlsx`);

  it('xlgrad check learner.xlsx --out <a hard link, a symbolic link, the same path>: one line, exit 2, learner untouched', async () => {
    const path = learner();
    const before = sha(path);
    const hard = join(dir, `hard${saved}.xlsx`), soft = join(dir, `soft${saved}.xlsx`);
    linkSync(path, hard);
    symlinkSync(path, soft);
    for (const out of [hard, soft, path]) {
      expect(await refused('check', path, '--recalc', 'none', '--out', out)).toMatch(/: is the workbook being checked( under another name \(a link to it\))?; an input is never overwritten, give another file name$/);
    }
    expect(sha(path)).toBe(before);
  });

  it('xlgrad check --out <its --map or --config file>: refused', async () => {
    const path = learner();
    const map = save('{"w1_e1": "\'Epoch 1\'!B3"}', 'map.json');
    const config = save('{"loss": "squared_error"}', 'check.json');
    expect(await refused('check', path, '--recalc', 'none', '--map', map, '--out', map)).toMatch(/map\.json: is the mapping file;/);
    expect(await refused('check', path, '--recalc', 'none', '--config', config, '--out', config)).toMatch(/check\.json: is the config file;/);
  });

  it('xlgrad export c.json --out c.json, and --out <its data file>: refused, both untouched', async () => {
    const work = mkdtempSync(join(dir, 'export-'));
    const config = join(work, 'c.json'), data = join(work, 'd.csv');
    writeFileSync(config, '{"layers":[1,2,1],"data":"d.csv","lr":0.1,"epochs":1}');
    writeFileSync(data, 'x1,y1\n1,0\n');
    const before = [sha(config), sha(data)];
    expect(await refused('export', config, '--out', config)).toMatch(/c\.json: is the config file; an input is never overwritten/);
    expect(await refused('export', config, '--out', data)).toMatch(/d\.csv: is the config's data file;/);
    expect([sha(config), sha(data)]).toEqual(before);
  });

  it('xlgrad check --out <a folder> or <a path whose folder does not exist>: one line, exit 2', async () => {
    const path = learner();
    expect(await refused('check', path, '--recalc', 'none', '--out', dir)).toMatch(/: cannot write the annotated copy \(it is a folder\)$/);
    expect(await refused('check', path, '--recalc', 'none', '--out', join(dir, 'nope', 'x.xlsx'))).toMatch(/: cannot write the annotated copy \(its folder does not exist\)$/);
  });

  it('writeOutput(out, bytes) replaces the file by renaming a complete copy over it, and leaves nothing else', () => {
    const work = mkdtempSync(join(dir, 'write-'));
    const out = join(work, 'x.xlsx');
    writeFileSync(out, 'old');
    const inode = statSync(out).ino;
    writeOutput(out, new Uint8Array([1, 2, 3]), 'the workbook');
    expect([readFileSync(out), statSync(out).ino === inode, readdirSync(work)]).toEqual([Buffer.from([1, 2, 3]), false, ['x.xlsx']]);
  });

  it('writeOutput(out, bytes) that fails leaves the target as it was and no temporary file', () => {
    const work = mkdtempSync(join(dir, 'fail-'));
    mkdirSync(join(work, 'taken'));
    writeFileSync(join(work, 'taken', 'inside'), 'keep');
    expect(() => writeOutput(join(work, 'taken'), new Uint8Array([1]), 'the workbook')).toThrow(/^--out .*taken: cannot write the workbook \(/);
    expect([readdirSync(work), readFileSync(join(work, 'taken', 'inside'), 'utf8')]).toEqual([['taken'], 'keep']);
  });
});

// ---- one line, exit 2 --------------------------------------------------------

describe('every refusal is one line with exit code 2', () => {
  it('xlgrad export --preset __proto__ | constructor | toString | hasOwnProperty', async () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(await refused('export', '--preset', name, '--out', join(dir, 'p.xlsx'))).toMatch(new RegExp(`^xlgrad export: --preset: unknown preset "${name}" \\(available: article, `));
    }
  });

  it('xlgrad __proto__ | constructor | toString (a command looked up by name)', async () => {
    for (const name of ['__proto__', 'constructor', 'toString']) expect(await refused(name)).toMatch(/unknown command/);
  });

  it('JSON nested 10,000 levels deep, as a config, a check config and a mapping file', async () => {
    const deep = `${'['.repeat(10_000)}1${']'.repeat(10_000)}`;
    const config = save(`{"layers":[1,1],"x":[1],"y":[1],"lr":0.1,"epochs":1,"init":${deep}}`, 'deep.json');
    const map = save(`{"w1_e1":${deep}}`, 'deepmap.json');
    const learner = save(article, 'deep-learner.xlsx');
    expect(await refused('run', config)).toBe(`xlgrad run: config: nested 10,001 levels deep; at most ${MAX_JSON_DEPTH} are allowed`);
    expect(await refused('check', learner, '--recalc', 'none', '--config', config)).toMatch(/deep\.json: nested 10,001 levels deep/);
    expect(await refused('check', learner, '--recalc', 'none', '--map', map)).toMatch(/deepmap\.json: nested 10,001 levels deep/);
  });

  it('parseJson(text) names a number too large for a double by its field, and accepts a byte-order mark', () => {
    const fail = (m: string, field?: string) => new Error(field === undefined ? m : `${m} [${field}]`);
    expect(() => parseJson('{"lr": 1e309}', fail)).toThrow(/^lr: 1e309 is not a finite number .* \[lr\]$/);
    expect(() => parseJson('{"init": {"params": {"w1": -2e308}}}', fail)).toThrow(/^init\.params\.w1: -2e308 is not a finite number .* \[init\.params\.w1\]$/);
    expect(() => parseJson('{"x": [[1, 1e400]]}', fail)).toThrow(/^x\[0\]\[1\]: 1e400 is not a finite number .* \[x\[0\]\[1\]\]$/);
    expect(() => parseJson('1e309', fail)).toThrow(/^1e309 is not a finite number \(the largest a double holds is about 1\.8e308\)$/);
    expect(parseJson('\ufeff{"lr": 1e-400, "s": "1e999"}', fail)).toEqual({ lr: 0, s: '1e999' });
  });

  it('xlgrad run <"lr": 1e309>: "1e309 is not a finite number"', async () => {
    const file = save('{"layers":[1,1],"x":[1],"y":[1],"lr":1e309,"epochs":1}', 'inf.json');
    // config.ts's parseConfig may put its "config: " before it (it does for a syntax error).
    expect(await refused('run', file)).toMatch(/^xlgrad run: (config: )?lr: 1e309 is not a finite number \(the largest a double holds is about 1\.8e308\)$/);
  });

  it('xlgrad run <a config saved with a byte-order mark>: runs', async () => {
    const file = save('\ufeff{"layers":[1,1],"x":[1],"y":[1],"lr":0.1,"epochs":1}', 'bom.json');
    const r = await xlgrad('run', file);
    expect([r.code, r.err]).toEqual([0, []]);
  });

  it('xlgrad check --config / --map <saved with a byte-order mark>: read', async () => {
    const learner = save(article, 'bom-learner.xlsx');
    const config = save('\ufeff{"loss": "squared_error"}', 'bom-check.json');
    const printed = await xlgrad('check', learner, '--recalc', 'builtin', '--print-map');
    const map = save(`\ufeff${printed.out.join('\n')}`, 'bom-map.json');
    const [withConfig, withMap] = [await xlgrad('check', learner, '--recalc', 'builtin', '--config', config), await xlgrad('check', learner, '--recalc', 'builtin', '--map', map)];
    expect([printed.code, withConfig.code, withConfig.err, withMap.code, withMap.err]).toEqual([0, 0, [], 0, []]);
  });

  it('terminal escapes in an unknown key, a preset name and a mapping key are escaped', async () => {
    const file = save('{"layers":[1,1],"x":[1],"y":[1],"lr":0.1,"epochs":1,"\\u001b]0;pwned\\u0007\\u009b2J":1}', 'escape.json');
    expect(await refused('run', file)).toBe('xlgrad run: "\\u001b]0;pwned\\u0007\\u009b2J": unknown key (allowed: layers, bias, activation, outputActivation, loss, x, y, data, batchSize, lr, optimizer, epochs, dtype, init)');
    expect(await refused('export', '--preset', '\u001b[2J\u009b2J', '--out', join(dir, 'e.xlsx'))).toMatch(/unknown preset "\\u001b\[2J\\u009b2J"/);
  });

  it("xlgrad check <a learner's defined name w1_e1 = 1/0> --recalc none | builtin: one line, exit 2", async () => {
    const file = save(formulaNamed(), 'formula-name.xlsx');
    for (const recalc of ['none', 'builtin']) await refused('check', file, '--recalc', recalc);
  });

  it.skipIf(SKIP_LIBREOFFICE)("xlgrad check <a learner's defined name w1_e1 = 1/0> with LibreOffice: one line naming it, exit 2", async () => {
    expect(await refused('check', save(formulaNamed(), 'formula-name-lo.xlsx'))).toBe('xlgrad check: defined name w1_e1: refers to 1/0, not to a single cell');
  });
});

/** The article's workbook with the defined name w1_e1 holding the formula 1/0 instead of a cell. */
function formulaNamed(): Uint8Array {
  return rezip((ps) =>
    ps.map((p) => {
      if (p.name !== 'xl/workbook.xml') return p;
      const xml = partText(p).replace(/<definedName name="w1_e1">[^<]*<\/definedName>/, '<definedName name="w1_e1">1/0</definedName>');
      expect(xml).toContain('>1/0<');
      return textPart(p.name, xml);
    }),
  );
}
