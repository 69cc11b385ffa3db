import ExcelJS from 'exceljs';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { xlgradInProcess } from './helpers.ts';
import { MAX_WORKBOOK_BYTES } from '../src/cli/verify.ts';
import { ARTICLE } from '../src/config.ts';
import { preset } from '../src/presets.ts';
import { libreOfficeStatus } from '../src/libreoffice/libreoffice.ts';
import { buildWorkbook } from '../src/workbook/buildWorkbook.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(join(tmpdir(), 'xlgrad-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const xlgrad = xlgradInProcess;

/** A one-line error and exit 2, as every bad input must give. */
async function refused(...argv: string[]): Promise<string> {
  const r = await xlgrad(...argv);
  expect({ code: r.code, lines: r.err.length, out: r.out }).toEqual({ code: 2, lines: 1, out: [] });
  return r.err[0]!;
}

describe('xlgrad export', () => {
  it('xlgrad export --preset article --out file writes the workbook and says what it wrote', async () => {
    const file = join(dir, 'a.xlsx');
    const r = await xlgrad('export', '--preset', 'article', '--out', file);
    expect(r.code).toBe(0);
    expect(r.out).toEqual([`wrote ${file}: 4 sheets, 1,014 formulas, 193 named values (31 kB)`]);
    expect(Buffer.from(readFileSync(file)).equals(Buffer.from(await buildWorkbook(ARTICLE)))).toBe(true);
  });

  it('xlgrad export <config.json> names the file after the config, in the current folder', () => {
    const work = join(dir, 'cwd');
    mkdirSync(work);
    writeFileSync(join(work, 'my-net.json'), JSON.stringify({ layers: [1, 2, 1], x: [1], y: [0], lr: 0.1, epochs: 1 }));
    const r = spawnSync(process.execPath, [join(root, 'bin/xlgrad.js'), 'export', 'my-net.json'], { cwd: work, encoding: 'utf8' });
    expect({ status: r.status, stderr: r.stderr, written: existsSync(join(work, 'my-net.xlsx')) }).toEqual({ status: 0, stderr: '', written: true });
  });

  it('xlgrad export to an unwritable path: one line naming it, exit 2', async () => {
    expect(await refused('export', '--preset', 'article', '--out', join(dir, 'no-such-folder', 'a.xlsx'))).toMatch(/--out .*no-such-folder.*: cannot write the workbook \(its folder does not exist\)$/);
    expect(await refused('export', '--preset', 'article', '--out', dir)).toMatch(/cannot write the workbook \(it is a folder\)$/);
  });

  it('xlgrad export <several samples, momentum, cross-entropy>: writes the workbook, exit 0', async () => {
    const config = { layers: [2, 2, 3], x: [[0, 0], [0, 1], [1, 0]], y: [[0], [2], [1]], batchSize: 2, lr: 0.1, epochs: 1, loss: 'cross_entropy', optimizer: { name: 'sgd', momentum: 0.9 } };
    const file = join(dir, 'ce.json'), out = join(dir, 'ce.xlsx');
    writeFileSync(file, JSON.stringify(config));
    const r = await xlgrad('export', file, '--out', out);
    expect(r.code).toBe(0);
    expect(existsSync(out)).toBe(true);
  });

  it('xlgrad export <a run too big for the sheets layout> --layout sheets: one line, exit 2, no file', async () => {
    const file = join(dir, 'big.json'), out = join(dir, 'big.xlsx');
    writeFileSync(file, JSON.stringify({ ...preset('xor'), epochs: 20_000 }));
    expect(await refused('export', file, '--layout', 'sheets', '--out', out)).toMatch(/^xlgrad export: workbook: 9 parameters × 20,000 steps need up to [\d,]+ cells in the sheets layout; at most 2,000,000 are written/);
    expect(existsSync(out)).toBe(false);
  });

  it('xlgrad export with a bad preset or config: one line, exit 2', async () => {
    expect(await refused('export', '--preset', 'nope')).toMatch(/unknown preset "nope"/);
    expect(await refused('export')).toMatch(/missing config/);
  });
});

describe('xlgrad export --format py', () => {
  it('xlgrad export --preset adam --out run.py writes the PyTorch script, also of a run a workbook cannot show', async () => {
    const file = join(dir, 'run.py');
    const r = await xlgrad('export', '--preset', 'adam', '--out', file);
    expect({ code: r.code, err: r.err, out: r.out.map((l) => l.replace(/\(\d+ kB\)/, '(n kB)')) }).toEqual({ code: 0, err: [], out: [`wrote ${file}: a PyTorch script of 5 optimizer steps (n kB); run it with python3 ${file}`] });
    const script = readFileSync(file, 'utf8');
    expect(script.split('\n')[0]).toBe('#!/usr/bin/env python3');
    expect(script).toContain('torch.manual_seed(5)');
    expect(script).toContain('torch.optim.Adam(model.parameters(), lr=0.01, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)');
  });

  it('xlgrad export --preset xor --format py names the script after the preset, in the current folder', () => {
    const work = join(dir, 'cwd-py');
    mkdirSync(work);
    const r = spawnSync(process.execPath, [join(root, 'bin/xlgrad.js'), 'export', '--preset', 'xor', '--format', 'py'], { cwd: work, encoding: 'utf8' });
    expect({ status: r.status, stderr: r.stderr, out: r.stdout.trim() }).toEqual({ status: 0, stderr: '', out: 'wrote xor.py: a PyTorch script of 100 optimizer steps (2 kB); run it with python3 xor.py' });
    expect(readFileSync(join(work, 'xor.py'), 'utf8')).toContain('momentum=0.9');
  });

  it('xlgrad export --format <unknown>, a --format the --out extension contradicts, --layout with py: one line, exit 2, no file', async () => {
    const out = join(dir, 'never.py');
    expect(await refused('export', '--preset', 'article', '--format', 'pdf', '--out', out)).toBe('xlgrad export: --format: must be xlsx, ods or py; got "pdf"');
    expect(await refused('export', '--preset', 'article', '--format', 'xlsx', '--out', out)).toBe(`xlgrad export: --out ${out}: ends in .py, but --format is xlsx; give one or make them agree`);
    expect(await refused('export', '--preset', 'article', '--layout', 'rows', '--out', out)).toBe('xlgrad export: --layout: applies to workbooks (--format xlsx or ods), not to a PyTorch script');
    expect(existsSync(out)).toBe(false);
  });
});

const office = libreOfficeStatus();
// As in libreoffice.test.ts: only an explicit opt-out may hide a missing LibreOffice.
describe.skipIf(!office.ok && process.env.XLGRAD_SKIP_LIBREOFFICE === '1')('xlgrad export --out run.ods, xlgrad verify run.ods', () => {
  it('xlgrad export --out run.ods writes OpenDocument, and xlgrad verify run.ods compares every named value', async () => {
    const file = join(dir, 'article.ods');
    const r = await xlgrad('export', '--preset', 'article', '--out', file);
    expect(r.code).toBe(0);
    expect(r.out[0]).toMatch(new RegExp(`^wrote ${file}: 4 sheets, 1,014 formulas, 193 named values \\(\\d+ kB\\)$`));
    const head = 'mimetypeapplication/vnd.oasis.opendocument.spreadsheet';
    expect(readFileSync(file).toString('latin1', 30, 30 + head.length)).toBe(head);
    const v = await xlgrad('verify', file);
    // The same 189 values as the .xlsx (README): every defined name survived the conversion. LibreOffice
    // stores an .ods's numbers with 15 significant digits, so the inputs may differ in the 16th.
    expect(v.code).toBe(0);
    expect(v.out[0]).toMatch(/^189 values, max relative difference (0|[1-9]e-1[5-6]), 0 mismatches$/);
  }, 120_000);
});

describe('xlgrad verify, bad input (refused before LibreOffice starts)', () => {
  const article = join(dir, 'article.xlsx');
  const setup = (async () => writeFileSync(article, await buildWorkbook(ARTICLE)))();

  it('xlgrad verify <missing file>', async () => {
    expect(await refused('verify', join(dir, 'missing.xlsx'))).toMatch(/missing\.xlsx: no such workbook$/);
  });

  it('xlgrad verify <a folder>', async () => {
    expect(await refused('verify', dir)).toMatch(/: the workbook is not a file$/);
  });

  it('xlgrad verify <not a zip>', async () => {
    const file = join(dir, 'text.xlsx');
    writeFileSync(file, 'hello, not a workbook\n');
    expect(await refused('verify', file)).toMatch(/text\.xlsx: not an \.xlsx workbook \(not a zip archive/);
  });

  it('xlgrad verify <a zip that is not a workbook>', async () => {
    await setup;
    // Renaming xl/workbook.xml in the zip's headers leaves a valid zip that no spreadsheet can open.
    const bytes = readFileSync(article);
    for (let at = bytes.indexOf('xl/workbook.xml'); at >= 0; at = bytes.indexOf('xl/workbook.xml', at + 1)) bytes.write('xl/workbook.xmz', at);
    const file = join(dir, 'renamed.xlsx');
    writeFileSync(file, bytes);
    expect(await refused('verify', file)).toMatch(/renamed\.xlsx: not an \.xlsx workbook \(a zip archive without xl\/workbook\.xml\)$/);
  });

  it('xlgrad verify <a workbook without xlgrad\'s names>', async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Sheet1').getCell('A1').value = 1;
    const file = join(dir, 'plain.xlsx');
    writeFileSync(file, Buffer.from(await wb.xlsx.writeBuffer()));
    expect(await refused('verify', file)).toMatch(/plain\.xlsx: not an xlgrad workbook/);
  });

  it('xlgrad verify <a file over 50 MB>', async () => {
    const file = join(dir, 'huge.xlsx');
    writeFileSync(file, '');
    truncateSync(file, MAX_WORKBOOK_BYTES + 1);
    expect(await refused('verify', file)).toMatch(/huge\.xlsx: the workbook is 52,428,801 bytes; at most 52,428,800 bytes \(50 MB\) are allowed$/);
  });

  it('xlgrad verify with no file or too many arguments', async () => {
    expect(await refused('verify')).toMatch(/missing workbook/);
    await setup;
    expect(await refused('verify', article, 'a.json', 'b.json')).toMatch(/unexpected argument "b\.json"/);
  });
});
