import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import ExcelJS from 'exceljs';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  INSTALL_HINT,
  convertWorkbook,
  LibreOfficeError,
  libreOfficeStatus,
  recalculate,
  type Recalculated,
  type RecalculatedCell,
} from '../src/libreoffice/libreoffice.ts';

const status = libreOfficeStatus();
// Only an explicit opt-out may hide a missing LibreOffice; otherwise the suite fails with the hint.
const skip = !status.ok && process.env.XLGRAD_SKIP_LIBREOFFICE === '1';
const SLOW = 90_000;

let dir: string;

/** Every cached `result` is wrong on purpose: a right answer proves LibreOffice recalculated. */
async function buildMain(file: string): Promise<void> {
  const wb = new ExcelJS.Workbook();
  const s = wb.addWorksheet('Sheet1');
  const inputs = wb.addWorksheet('Inputs');
  s.getCell('A1').value = 3;
  s.getCell('B1').value = { formula: 'A1*2', result: 999 };
  s.getCell('C1').value = { formula: '1/3', result: 0 };
  s.getCell('D1').value = { formula: '0.1+0.2', result: 0 };
  s.getCell('E1').value = { formula: 'Inputs!B3*1000', result: 0 };
  s.getCell('A2').value = 'w1';
  s.getCell('B2').value = { formula: 'A2&"_e1"', result: 'stale' };
  s.getCell('C2').value = { formula: '""', result: 'stale' };
  const errors: Record<string, string> = {
    A3: '1/0', B3: 'NOSUCHFUNCTION(1)', C3: '"a"+1', D3: 'NA()', E3: 'INDIRECT("nowhere!A1")',
    F3: 'F4', F4: 'F3', G3: 'EXP(1000)', H3: 'SQRT(-1)',
  };
  for (const [address, formula] of Object.entries(errors)) s.getCell(address).value = { formula, result: 0 };
  inputs.getCell('B3').value = -0.0074;
  wb.definedNames.add('Inputs!$B$3', 'w1_e1');
  wb.definedNames.add('Sheet1!$B$1', 'out');
  wb.definedNames.add('Sheet1!$B$2', 'label');
  wb.definedNames.add('Sheet1!$A$3', 'broken');
  wb.definedNames.add('Sheet1!$A$1:$B$1', 'pair');
  await wb.xlsx.writeFile(file);
}

async function buildSmall(file: string, x: number): Promise<void> {
  const wb = new ExcelJS.Workbook();
  const s = wb.addWorksheet('Sheet1');
  s.getCell('A1').value = x;
  for (let r = 1; r <= 20; r++) s.getCell(`B${r}`).value = { formula: `A1/${r}`, result: -1 };
  wb.definedNames.add('Sheet1!$B$1', 'first');
  await wb.xlsx.writeFile(file);
}

async function leakedOffices(): Promise<string[]> {
  const leaked: string[] = [];
  for (const pid of await readdir('/proc').catch(() => [])) {
    if (!/^\d+$/.test(pid)) continue;
    const cmd = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
    const profile = /UserInstallation=file:\/\/(\/[^\0]*xlgrad-lo-[^/\0]+)/.exec(cmd)?.[1];
    if (profile && !(await stat(profile).then(() => true, () => false))) leaked.push(`${pid} ${profile}`);
  }
  return leaked;
}

function cell(result: Recalculated, sheet: string, address: string): RecalculatedCell | undefined {
  return result.sheets.find((s) => s.name === sheet)?.cells[address];
}

it.skipIf(skip)('has LibreOffice and python3-uno installed', () => {
  if (!status.ok) throw new Error(status.message);
  expect(status).toEqual({ ok: true });
  expect(INSTALL_HINT).toBe('apt-get install -y --no-install-recommends libreoffice-calc-nogui python3-uno');
});

describe.skipIf(skip)('LibreOffice recalculation', () => {
  let main: string;
  let result: Recalculated;

  beforeAll(async () => {
    // Every test then fails with the install hint rather than with a confusing TypeError.
    if (!status.ok) throw new Error(status.message);
    dir = await mkdtemp(join(tmpdir(), 'xlgrad-lo-test-'));
    main = join(dir, 'main.xlsx');
    await buildMain(main);
    result = await recalculate(main);
  }, SLOW);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('recalculates formulas instead of trusting cached results', () => {
    expect(cell(result, 'Sheet1', 'A1')).toEqual({ type: 'value', value: 3 });
    expect(cell(result, 'Sheet1', 'B1')).toEqual({ type: 'value', value: 6, formula: '=A1*2' });
    expect(cell(result, 'Sheet1', 'E1')).toMatchObject({ type: 'value', value: -0.0074 * 1000 });
    expect(result.sheets.map((s) => s.name)).toEqual(['Sheet1', 'Inputs']);
  });

  it('returns full double precision, not 15 significant digits', () => {
    expect(cell(result, 'Sheet1', 'C1')).toMatchObject({ type: 'value', value: 1 / 3 });
    expect(cell(result, 'Sheet1', 'D1')).toMatchObject({ type: 'value', value: 0.30000000000000004 });
    expect(cell(result, 'Inputs', 'B3')).toEqual({ type: 'value', value: -0.0074 });
  });

  it('reports text constants and text-valued formulas', () => {
    expect(cell(result, 'Sheet1', 'A2')).toEqual({ type: 'text', text: 'w1' });
    expect(cell(result, 'Sheet1', 'B2')).toEqual({ type: 'text', text: 'w1_e1', formula: '=A2&"_e1"' });
    expect(cell(result, 'Sheet1', 'C2')).toEqual({ type: 'text', text: '', formula: '=""' });
    expect(cell(result, 'Sheet1', 'Z99')).toBeUndefined();
  });

  it('maps LibreOffice error codes', () => {
    const error = (address: string) => {
      const c = cell(result, 'Sheet1', address);
      return c?.type === 'error' ? `${c.error} ${c.code}` : JSON.stringify(c);
    };
    expect(error('A3')).toBe('#DIV/0! 532');
    expect(error('B3')).toBe('#NAME? 525');
    expect(error('C3')).toBe('#VALUE! 519');
    expect(error('D3')).toBe('#N/A 32767');
    expect(error('E3')).toBe('#REF! 524');
    expect(error('F3')).toBe('#CIRCULAR! 522');
    expect(error('F4')).toBe('#CIRCULAR! 522');
    expect(error('G3')).toBe('#NUM! 503');
    // Excel says #NUM!; LibreOffice reports its generic "invalid argument".
    expect(error('H3')).toBe('Err:502 502');
    expect(cell(result, 'Sheet1', 'A3')).toMatchObject({ formula: '=1/0' });
  });

  it('resolves defined names to their cells and values', () => {
    expect(result.names.w1_e1).toEqual({ ref: 'Inputs!$B$3', sheet: 'Inputs', cell: 'B3', value: -0.0074, error: null });
    expect(result.names.out).toMatchObject({ sheet: 'Sheet1', cell: 'B1', value: 6, error: null });
    expect(result.names.label).toMatchObject({ cell: 'B2', value: 'w1_e1', error: null });
    expect(result.names.broken).toMatchObject({ cell: 'A3', value: null, error: '#DIV/0!' });
    expect(result.names.pair).toEqual({ ref: 'Sheet1!$A$1:$B$1', sheet: 'Sheet1', cell: null, value: null, error: null });
  });

  it("convertWorkbook(file, 'ods') gives an OpenDocument file whose formulas and defined names recalculate as the .xlsx", async () => {
    const ods = await convertWorkbook(main, 'ods');
    // An .ods is a zip whose first entry is the uncompressed mimetype.
    const head = 'mimetypeapplication/vnd.oasis.opendocument.spreadsheet';
    expect(Buffer.from(ods).toString('latin1', 30, 30 + head.length)).toBe(head);
    const back = await recalculate({ bytes: ods, type: 'ods' });
    expect(back.sheets.map((s) => s.name)).toEqual(['Sheet1', 'Inputs']);
    expect(cell(back, 'Sheet1', 'B1')).toEqual({ type: 'value', value: 6, formula: '=A1*2' });
    const names = Object.fromEntries(Object.entries(back.names).map(([k, n]) => [k, { sheet: n.sheet, cell: n.cell, value: n.value, error: n.error }]));
    expect(names).toEqual({
      w1_e1: { sheet: 'Inputs', cell: 'B3', value: -0.0074, error: null },
      out: { sheet: 'Sheet1', cell: 'B1', value: 6, error: null },
      label: { sheet: 'Sheet1', cell: 'B2', value: 'w1_e1', error: null },
      broken: { sheet: 'Sheet1', cell: 'A3', value: null, error: '#DIV/0!' },
      pair: { sheet: 'Sheet1', cell: null, value: null, error: null },
    });
  }, SLOW);

  it('leaves the workbook untouched', async () => {
    const bytes = await readFile(main);
    const { mtimeMs } = await stat(main);
    await recalculate(main);
    expect(await readFile(main)).toEqual(bytes);
    expect((await stat(main)).mtimeMs).toBe(mtimeMs);
  }, SLOW);

  it('runs two recalculations in parallel without losing either', async () => {
    const a = join(dir, 'a.xlsx');
    const b = join(dir, 'b.xlsx');
    await Promise.all([buildSmall(a, 7), buildSmall(b, 11)]);
    const [ra, rb] = await Promise.all([recalculate(a), recalculate(b)]);
    for (const [r, x] of [[ra, 7], [rb, 11]] as const) {
      const cells = r.sheets[0]!.cells;
      expect(Object.keys(cells)).toHaveLength(21);
      for (let i = 1; i <= 20; i++) expect(cells[`B${i}`]).toMatchObject({ type: 'value', value: x / i });
      expect(r.names.first?.value).toBe(x);
    }
  }, SLOW);

  it('fails with a one-line LibreOfficeError for unreadable input', async () => {
    const notBook = join(dir, 'garbage.xlsx');
    await writeFile(notBook, 'PK\u0003\u0004 this is not a zip archive');
    const failure = await recalculate(notBook).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(LibreOfficeError);
    expect((failure as LibreOfficeError).reason).toBe('load');
    expect((failure as LibreOfficeError).message).not.toContain('\n');

    const missing = await recalculate(join(dir, 'missing.xlsx')).catch((e: unknown) => e);
    expect(missing).toMatchObject({ reason: 'load', message: expect.stringContaining('no such file') });
  }, SLOW);

  it('refuses a password-protected workbook at once instead of prompting', async () => {
    // Encrypted OOXML is an OLE2 compound file with an EncryptionInfo stream; this carries the
    // same signature and stream name, which is what the early check looks for.
    const header = Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]);
    const encrypted = join(dir, 'locked.xlsx');
    await writeFile(encrypted, Buffer.concat([header, Buffer.alloc(504), Buffer.from('EncryptionInfo', 'utf16le')]));
    const failure = await recalculate(encrypted).catch((e: unknown) => e);
    expect(failure).toMatchObject({ reason: 'load', message: expect.stringContaining('password-protected') });
  }, SLOW);

  it('gives up after the timeout and cleans up', async () => {
    const started = performance.now();
    const failure = await recalculate(main, { timeoutMs: 300 }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ reason: 'timeout', message: expect.stringContaining('timed out') });
    expect(performance.now() - started).toBeLessThan(15_000); // killed, not hung
    // The profile is deleted once the run is over, so an office still using a deleted profile
    // leaked. Other runs may be live in parallel; their profiles still exist.
    let leaked = await leakedOffices();
    for (let i = 0; i < 20 && leaked.length; i++) {
      await new Promise((r) => setTimeout(r, 100));
      leaked = await leakedOffices();
    }
    expect(leaked).toEqual([]);
  }, SLOW);
});
