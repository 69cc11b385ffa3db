// `xlgrad check` on an OpenDocument spreadsheet: LibreOffice converts it to
// .xlsx and that copy is checked, so the report must be the one its .xlsx gets,
// naming the same cells. The .ods files are made here by LibreOffice from the
// learner-style course workbooks (courseWorkbook.ts). The browser has no
// LibreOffice: an .ods upload gets one line saying what to do instead.

import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import ExcelJS from 'exceljs';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkWorkbookInBrowser } from '../src/check/checkWorkbookInBrowser.ts';
import { xlgradInProcess } from './helpers.ts';
import { courseWorkbook, type Sheet } from './courseWorkbook.ts';

const SKIP_LIBREOFFICE = process.env.XLGRAD_SKIP_LIBREOFFICE === '1';
const dir = mkdtempSync(join(tmpdir(), 'xlgrad-check-ods-'));
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** ∂E/∂w3 with σ′ of a_h1 where a_h2's belongs (check.test.ts's first planted bug), on a sheet whose name needs quotes. */
const BUGGY: Sheet = { name: 'My sheet', lr: 0.5, plant: { g3: '=(({a_o1}-{t1})*{a_o1}*(1-{a_o1})*{w6}+({a_o2}-{t2})*{a_o2}*(1-{a_o2})*{w8})*{a_h1}*(1-{a_h1})*{i1}' } };
const OPPOSITE: Sheet = { name: 'My sheet', lr: 0.5, sign: 'opposite' };

const BROWSER_LINE = (file: string) => `${file}: is an OpenDocument spreadsheet (.ods), which cannot be read here; save it as an Excel Workbook (.xlsx) (LibreOffice: File › Save As), or check it on the command line, xlgrad check ${file}, which converts it through LibreOffice`;

describe('checkWorkbookInBrowser(an .ods)', () => {
  it('checkWorkbookInBrowser(bytes of an .ods) gives one line: save it as .xlsx, or check it with xlgrad check', async () => {
    // What an .ods starts with: a zip whose first, stored entry is `mimetype`.
    const bytes = new TextEncoder().encode('PK\x03\x04\x14\x00\x00\x00\x00\x00mimetypeapplication/vnd.oasis.opendocument.spreadsheetPK');
    const r = await checkWorkbookInBrowser(bytes, { fileName: 'net.ods' });
    expect([r.error, r.lines, r.report]).toEqual([BROWSER_LINE('net.ods'), [BROWSER_LINE('net.ods')], undefined]);
  });
});

describe.skipIf(SKIP_LIBREOFFICE)('xlgrad check <their.ods>', () => {
  const paths: Record<string, string> = {};
  beforeAll(async () => {
    const { convertWorkbook, libreOfficeStatus, INSTALL_HINT } = await import('../src/libreoffice/libreoffice.ts');
    const status = libreOfficeStatus();
    if (!status.ok) throw new Error(`${status.message} (or set XLGRAD_SKIP_LIBREOFFICE=1 to skip these tests; install: ${INSTALL_HINT})`);
    for (const [name, sheet] of [['buggy', BUGGY], ['opposite', OPPOSITE]] as const) {
      const xlsx = await courseWorkbook([sheet]);
      writeFileSync((paths[`${name}.xlsx`] = join(dir, `${name}.xlsx`)), xlsx);
      writeFileSync((paths[`${name}.ods`] = join(dir, `${name}.ods`)), await convertWorkbook({ bytes: xlsx, type: 'xlsx' }, 'ods'));
    }
  }, 180_000);

  it('xlgrad check buggy.ods --json prints the document xlgrad check buggy.xlsx --json prints: the same root cause at the same cell', async () => {
    const [ods, xlsx] = [await xlgradInProcess('check', paths['buggy.ods']!, '--json'), await xlgradInProcess('check', paths['buggy.xlsx']!, '--json')];
    const doc = JSON.parse(ods.out.join('\n')) as { verdict: string; runs: { rootCauses: { quantity: string; cell: string; references: string }[] }[] };
    expect([ods.code, ods.err, doc.verdict, doc.runs[0]!.rootCauses.map((c) => [c.quantity, c.cell, c.references])]).toEqual([
      1, [], 'mismatch', [['dL_dw3_e1', "'My sheet'!AA5", 'uses O5 (a_h1) where a_h2 (Q5) belongs']],
    ]);
    expect(ods.out).toEqual(xlsx.out);
  }, 180_000);

  it('xlgrad check buggy.ods --out marked.xlsx writes the annotated .xlsx and leaves the .ods byte-identical', async () => {
    const marked = join(dir, 'marked.xlsx');
    const before = sha(paths['buggy.ods']!);
    const r = await xlgradInProcess('check', paths['buggy.ods']!, '--out', marked);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(marked);
    const cell = wb.getWorksheet('My sheet')!.getCell('AA5');
    expect([r.code, r.out[0], r.out.filter((l) => l.startsWith('first mismatch:')).map((l) => l.split(': expected')[0]), (cell.fill as ExcelJS.FillPattern).fgColor?.argb, String(cell.note).split('\n')[0], sha(paths['buggy.ods']!)]).toEqual([
      1, 'values: recalculated by LibreOffice (your formulas, not the values saved in the file)', ["first mismatch: dL_dw3_e1 at 'My sheet'!AA5"], 'FFFFC7CE', 'FIRST MISMATCH: the cells it depends on agree, so the mistake is here.', before,
    ]);
    expect(r.out.at(-1)).toBe(`annotated copy: ${marked} (an .xlsx converted from ${paths['buggy.ods']} by LibreOffice; green agrees, red disagrees, blue: where the run starts; ${paths['buggy.ods']} is unchanged)`);
  }, 180_000);

  it('xlgrad check opposite.ods --recalc builtin --json agrees, with the opposite-sign note, as opposite.xlsx does', async () => {
    const [ods, xlsx] = [await xlgradInProcess('check', paths['opposite.ods']!, '--recalc', 'builtin', '--json'), await xlgradInProcess('check', paths['opposite.xlsx']!, '--recalc', 'builtin', '--json')];
    const doc = JSON.parse(ods.out.join('\n')) as { verdict: string; runs: { notes: string[] }[] };
    expect([ods.code, doc.verdict, doc.runs[0]!.notes.some((n) => n.startsWith('gradients with the opposite sign: '))]).toEqual([0, 'agree', true]);
    expect(ods.out).toEqual(xlsx.out);
  }, 180_000);

  it('checkWorkbookInBrowser(the bytes of buggy.ods) gives the one line, not a report', async () => {
    const r = await checkWorkbookInBrowser(new Uint8Array(readFileSync(paths['buggy.ods']!)), { fileName: 'buggy.ods' });
    expect([r.error, r.report]).toEqual([BROWSER_LINE('buggy.ods'), undefined]);
  });

  it('xlgrad check buggy.ods --out marked.ods is refused with one line before LibreOffice runs, nothing written', async () => {
    const out = join(dir, 'marked.ods');
    const r = await xlgradInProcess('check', paths['buggy.ods']!, '--out', out);
    expect([r.code, r.out, r.err.length, r.err[0]?.includes(`--out ${out}: the annotated copy is an .xlsx (of an .ods too`), existsSync(out)]).toEqual([2, [], 1, true, false]);
  });

  it('xlgrad check course.xlsx --out marked.ods is refused too: the copy is an .xlsx whatever the input', async () => {
    const out = join(dir, 'from-xlsx.ods');
    const r = await xlgradInProcess('check', join(import.meta.dirname, '../examples/course-buggy.xlsx'), '--recalc', 'none', '--out', out);
    expect([r.code, r.out, r.err, existsSync(out)]).toEqual([2, [], [`xlgrad check: --out ${out}: the annotated copy is an .xlsx (of an .ods too: converted by LibreOffice, then coloured); give a name ending in .xlsx`], false]);
  });
});

describe.skipIf(SKIP_LIBREOFFICE)('xlgrad check <their.ods> without LibreOffice', () => {
  afterEach(() => {
    vi.doUnmock('../src/libreoffice/libreoffice.ts');
    vi.resetModules();
  });

  it('xlgrad check net.ods with soffice missing: one line with the apt-get hint, exit 2 (and the unusable document with --json)', async () => {
    const real = await import('../src/libreoffice/libreoffice.ts');
    const path = join(dir, 'missing-office.ods');
    writeFileSync(path, await real.convertWorkbook({ bytes: await courseWorkbook([BUGGY]), type: 'xlsx' }, 'ods'));
    vi.resetModules();
    // As libreOfficeStatus answers on a machine without soffice.
    vi.doMock('../src/libreoffice/libreoffice.ts', async (original) => ({ ...(await original<typeof real>()), libreOfficeStatus: () => ({ ok: false, message: `LibreOffice (soffice) not found; install it with: ${real.INSTALL_HINT}` }) }));
    const line = `${path}: reading an .ods needs LibreOffice: LibreOffice (soffice) not found; install it with: apt-get install -y --no-install-recommends libreoffice-calc-nogui python3-uno`;
    const text = await xlgradInProcess('check', path);
    const json = await xlgradInProcess('check', path, '--json');
    expect([text.code, text.out, text.err.join('\n').split('\n').filter(Boolean)]).toEqual([2, [], [`xlgrad check: ${line}`]]);
    expect([json.code, JSON.parse(json.out.join('\n'))]).toEqual([2, { verdict: 'unusable', message: line, notes: [], runs: [] }]);
  }, 180_000);
});
