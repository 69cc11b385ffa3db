// The loss chart of an exported workbook, as the programs that open it see
// it: the package holds a chart part that exceljs, Python's zipfile and
// LibreOffice all read; LibreOffice finds the chart on the Inputs sheet, its
// series reads the loss cells, and after recalculating it draws PyTorch's
// recorded losses; typing another lr into the Inputs sheet redraws it.
// Without LibreOffice the LibreOffice tests fail with the install hint, unless
// XLGRAD_SKIP_LIBREOFFICE=1 says to skip them.

import ExcelJS from 'exceljs';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.ts';
import type { Config } from '../src/config.ts';
import { fixtures } from '../src/fixtures.ts';
import { INSTALL_HINT, libreOfficeStatus, recalculate, type Recalculated, type RecalculatedChart } from '../src/libreoffice/libreoffice.ts';
import { cellAddress, parseReference } from '../src/spreadsheet/address.ts';
import { train } from '../src/train.ts';
import { buildWorkbook } from '../src/workbook/buildWorkbook.ts';
import { addCharts } from '../src/workbook/chartParts.ts';
import { layoutWorkbook, type LayoutKind } from '../src/workbook/layout.ts';
import { writeWorkbook } from '../src/workbook/writeWorkbook.ts';
import { zipDirectory } from '../src/workbook/zipDirectory.ts';
import { zipPartText } from '../src/workbook/zipPartText.ts';
import { firstSteps, RECORDING_TOLERANCE } from './workbookRecording.ts';

const skip = process.env.XLGRAD_SKIP_LIBREOFFICE === '1';
const dir = mkdtempSync(join(tmpdir(), 'xlgrad-chart-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fixture = (name: string) => fixtures.find((f) => f.name === name)!;
/** The article (full batch: epochs), a mini-batch run with a partial batch and momentum (steps), and Adam. */
const RECORDED = ['article', 'ce3-minibatch-momentum', 'adam'].map(fixture);
const LAYOUTS: LayoutKind[] = ['sheets', 'rows'];
const runs = RECORDED.flatMap((f) => LAYOUTS.map((layout) => ({ name: `${f.name} ${layout}`, f, config: firstSteps(f, 8), layout })));

/** The file's parts by name, read with our zip reader (the entries' data inflated by node:zlib). */
function parts(bytes: Uint8Array): Map<string, string> {
  const entries = zipDirectory(bytes);
  return new Map(entries.map((e) => [e.name, zipPartText(bytes, entries, e.name)!]));
}

describe('layoutWorkbook(config).sheets[0].charts', () => {
  it('layoutWorkbook(ARTICLE): the Inputs sheet\'s step numbers (M4:M5) against L_e1, L_e2 (N4:N5, named L_steps), drawn from D4', () => {
    const layout = layoutWorkbook(fixture('article').config);
    const inputs = layout.sheets[0]!;
    expect(inputs.charts).toEqual([{ title: 'Loss L at each epoch', xTitle: 'epoch', yTitle: 'L', x: { sheet: 'Inputs', address: 'M4:M5' }, y: { sheet: 'Inputs', address: 'N4:N5' }, at: { col: 3, row: 4, cols: 8, rows: 20 } }]);
    expect(layout.names.L_steps).toEqual({ sheet: 'Inputs', address: 'N4:N5' });
    const at = new Map(inputs.cells.map((c) => [c.address, c]));
    expect(['M3', 'N3', 'M4', 'N4', 'M5', 'N5'].map((a) => at.get(a)?.formula ?? at.get(a)?.value)).toEqual(['epoch', 'L', 1, 'L_e1', 2, 'L_e2']);
    // The cached results are the recorded losses (float32 run, float64 workbook).
    expect(close(['N4', 'N5'].map((a) => at.get(a)!.result as number), fixture('article').steps.map((s) => s.loss), 'float32')).toBe(true);
  });

  it('layoutWorkbook(MAZUR, {layout: \'rows\'}): Training!A3:A102 (the step column) against L_col (R3:R102), drawn on Inputs from D4', () => {
    const mazur = fixture('mazur-nobias');
    expect(layoutWorkbook(mazur.config, { layout: 'rows' }).sheets[0]!.charts).toEqual([{ title: 'Loss L at each epoch', xTitle: 'epoch', yTitle: 'L', x: { sheet: 'Training', address: 'A3:A102' }, y: { sheet: 'Training', address: 'R3:R102' }, at: { col: 3, row: 4, cols: 8, rows: 20 } }]);
  });
});

describe('the exported package', () => {
  it.each(LAYOUTS.flatMap((layout) => [[layout, false], [layout, true]] as const))('writeWorkbook(layout(article, %s), {stream: %s}) has a chart part, a drawing, their relationships and content types', async (layout, stream) => {
    const config = firstSteps(fixture('article'), 2);
    const bytes = await writeWorkbook(layoutWorkbook(config, { layout }), { stream });
    const p = parts(bytes);
    expect([...p.keys()].filter((n) => /drawing|chart|_rels\/sheet/.test(n)).sort()).toEqual(['xl/charts/chart1.xml', 'xl/drawings/_rels/drawing1.xml.rels', 'xl/drawings/drawing1.xml', 'xl/worksheets/_rels/sheet1.xml.rels']);
    const types = p.get('[Content_Types].xml')!;
    expect(types).toContain('<Override PartName="/xl/charts/chart1.xml" ContentType="application/vnd.openxmlformats-officedocument.drawingml.chart+xml"/>');
    expect(types).toContain('<Override PartName="/xl/drawings/drawing1.xml" ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/>');
    // Sheet 1 is Inputs; its <drawing> comes after the page setup (CT_Worksheet's order) and names the relationship to the drawing.
    const sheet = p.get('xl/worksheets/sheet1.xml')!;
    expect(sheet).toMatch(/<pageSetup [^>]*\/><drawing r:id="(\w+)"\/><\/worksheet>$/);
    const id = /<drawing r:id="(\w+)"/.exec(sheet)![1]!;
    expect(p.get('xl/worksheets/_rels/sheet1.xml.rels')).toContain(`Id="${id}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/drawing" Target="../drawings/drawing1.xml"`);
    expect(p.get('xl/drawings/_rels/drawing1.xml.rels')).toContain('Target="../charts/chart1.xml"');
    // No legend, and the two axes titled.
    const chart = p.get('xl/charts/chart1.xml')!;
    expect(chart).not.toContain('<c:legend');
    expect([...chart.matchAll(/<a:t>([^<]*)<\/a:t>/g)].map((m) => m[1])).toEqual(['Loss L at each epoch', 'epoch', 'L']);
  });

  it('Python\'s zipfile finds every entry\'s CRC right, and exceljs reads the workbook back with its cells', async () => {
    const config = firstSteps(fixture('ce3-minibatch-momentum'), 8);
    for (const layout of LAYOUTS) {
      for (const stream of [false, true]) {
        const file = join(dir, `package-${layout}-${stream}.xlsx`);
        writeFileSync(file, await writeWorkbook(layoutWorkbook(config, { layout }), { stream }));
        const py = spawnSync('python3', ['-c', 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); print(z.testzip()); print(len(z.namelist()))', file], { encoding: 'utf8' });
        expect(py.stdout.split('\n')[0]).toBe('None');
        const wb = new ExcelJS.Workbook();
        await wb.xlsx.readFile(file);
        if (layout === 'sheets') {
          expect(wb.getWorksheet('Inputs')!.getCell('M3').value).toBe('step');
          expect((wb.getWorksheet('Inputs')!.getCell('N5').value as { formula: string }).formula).toBe('L_e1b2');
        } else {
          expect(wb.getWorksheet('Training')!.getCell('A4').value).toBe(2);
        }
      }
    }
  });

  it('buildWorkbook(config) twice gives the same bytes, chart included', async () => {
    for (const layout of LAYOUTS) {
      const a = await buildWorkbook(fixture('adam').config, { layout });
      const b = await buildWorkbook(fixture('adam').config, { layout });
      expect(parts(a).has('xl/charts/chart1.xml')).toBe(true);
      expect(Buffer.compare(a, b)).toBe(0);
    }
  });

  it('addCharts(bytes, layout) adds the drawing to a sheet\'s own relationships (a hyperlink\'s), which exceljs still reads', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Inputs');
    ws.getCell('A1').value = { text: 'xlgrad', hyperlink: 'https://example.org/' };
    ws.getCell('B1').value = 1;
    ws.getCell('B2').value = 2;
    const bytes = new Uint8Array(await wb.xlsx.writeBuffer());
    const chart = { title: 't', xTitle: 'x', yTitle: 'y', x: { sheet: 'Inputs', address: 'B1:B2' }, y: { sheet: 'Inputs', address: 'B1:B2' }, at: { col: 3, row: 1, cols: 4, rows: 10 } };
    const out = await addCharts(bytes, { sheets: [{ name: 'Inputs', cells: [], charts: [chart] }], names: {} });
    const rels = parts(out).get('xl/worksheets/_rels/sheet1.xml.rels')!;
    expect(rels.match(/<Relationship /g)).toHaveLength(2);
    expect(rels).toContain('Target="https://example.org/"');
    expect(rels).toContain('Target="../drawings/drawing1.xml"');
    const back = new ExcelJS.Workbook();
    await back.xlsx.load(Buffer.from(out) as unknown as ArrayBuffer);
    expect(back.getWorksheet('Inputs')!.getCell('A1').hyperlink).toBe('https://example.org/');
  });

  it('a run of 0 epochs has no chart (no loss to draw)', async () => {
    const bytes = await buildWorkbook({ ...fixture('article').config, epochs: 0 });
    expect([...parts(bytes).keys()].filter((n) => /chart|drawing/.test(n))).toEqual([]);
  });
});

/** The one chart on the Inputs sheet. */
function inputsChart(r: Recalculated): RecalculatedChart {
  const charts = r.sheets.flatMap((s) => s.charts.map((c) => ({ sheet: s.name, c })));
  expect(charts.map((x) => x.sheet)).toEqual(['Inputs']);
  return charts[0]!.c;
}

/** `$Training.$X$3:$X$10` → the sheet and the A1 addresses of the column's cells. */
function cellsOf(range: string): { sheet: string; cells: string[] } {
  const m = /^\$?'?([^.']+)'?\.\$?([A-Z]+)\$?(\d+):\$?([A-Z]+)\$?(\d+)$/.exec(range)!;
  expect(m[2]).toBe(m[4]);
  return { sheet: m[1]!, cells: Array.from({ length: +m[5]! - +m[3]! + 1 }, (_, i) => `${m[2]}${+m[3]! + i}`) };
}

/** Within the recording's dtype tolerance of PyTorch's numbers. */
function close(got: (number | null)[], want: number[], dtype: Config['dtype']): boolean {
  const { rel, abs } = RECORDING_TOLERANCE[dtype];
  return got.length === want.length && got.every((v, i) => v !== null && Math.abs(v - want[i]!) <= Math.max(abs, rel * Math.abs(want[i]!)));
}

describe.skipIf(skip)('the loss chart in LibreOffice', () => {
  const got = new Map<string, Recalculated>();
  const edited = new Map<string, { before: Recalculated; after: Recalculated; lr: number }>();

  beforeAll(async () => {
    const status = libreOfficeStatus();
    if (!status.ok) throw new Error(`${status.message} (or set XLGRAD_SKIP_LIBREOFFICE=1 to skip these tests; install: ${INSTALL_HINT})`);
    const jobs: (() => Promise<void>)[] = runs.map((r) => async () => {
      const file = join(dir, `${r.name.replace(' ', '-')}.xlsx`);
      writeFileSync(file, await buildWorkbook(r.config, { layout: r.layout }));
      got.set(r.name, await recalculate(file, { timeoutMs: 300_000 }));
    });
    // The article with another learning rate typed in, in both layouts.
    for (const layout of LAYOUTS) {
      jobs.push(async () => {
        while (!got.has(`article ${layout}`)) await new Promise((ok) => setTimeout(ok, 200));
        const before = got.get(`article ${layout}`)!;
        const lr = parseReference(before.names.lr!.ref)!;
        const value = 0.5;
        const after = await recalculate(join(dir, `article-${layout}.xlsx`), { timeoutMs: 300_000, edits: [{ sheet: lr.sheet!, cell: cellAddress(lr.from.row, lr.from.column), value }] });
        edited.set(layout, { before, after, lr: value });
      });
    }
    const worker = async () => {
      for (let job = jobs.shift(); job; job = jobs.shift()) await job();
    };
    await Promise.all(Array.from({ length: 3 }, worker));
  }, 600_000);

  it.each(runs.map((r) => [r.name, r] as const))('the chart of export(%s): titled, one series reading the loss cells, drawing PyTorch\'s losses', (_, r) => {
    const result = got.get(r.name)!;
    const chart = inputsChart(result);
    const unit = r.f.config.x.length > r.f.config.batchSize ? 'step' : 'epoch';
    expect(chart.title).toBe(`Loss L at each ${unit}`);
    expect(chart.axes).toEqual([unit, 'L']);
    expect(chart.series).toHaveLength(1);
    const { 'values-x': x, 'values-y': y } = chart.series[0]!;
    const steps = r.f.steps.slice(0, Math.min(r.f.steps.length, r.config.epochs * Math.ceil(r.f.config.x.length / r.f.config.batchSize)));
    expect(x!.values).toEqual(steps.map((s) => s.step));
    // The y series reads a column of loss cells: the Training sheet's column headed L, or on Inputs the references to each step sheet's L.
    const { sheet, cells } = cellsOf(y!.range);
    const cellsOfSheet = result.sheets.find((s) => s.name === sheet)!.cells;
    if (r.layout === 'rows') {
      expect(sheet).toBe('Training');
      expect(cellsOfSheet[cells[0]!.replace(/\d+$/, '1')]).toMatchObject({ type: 'text', text: 'L' });
      expect(cells[0]!.match(/\d+$/)![0]).toBe('3');
    } else {
      expect(sheet).toBe('Inputs');
      const epoch = (s: (typeof steps)[number]) => (unit === 'epoch' ? `L_e${s.epoch}` : `L_e${s.epoch}b${s.batch}`);
      expect(cells.map((c) => cellsOfSheet[c]!.formula)).toEqual(steps.map((s) => `=${epoch(s)}`));
    }
    expect(cells.map((c) => (cellsOfSheet[c] as { value?: number }).value)).toEqual(y!.values);
    expect(close(y!.values, steps.map((s) => s.loss), r.f.config.dtype)).toBe(true);
  });

  it.each(LAYOUTS)('lr typed into the Inputs sheet (%s layout): the chart redraws with the losses of the new run', (layout) => {
    const { before, after, lr } = edited.get(layout)!;
    const old = inputsChart(before).series[0]!['values-y']!.values;
    const now = inputsChart(after).series[0]!['values-y']!.values;
    const config: Config = { ...fixture('article').config, lr, dtype: 'float64' };
    // The float64 training driver's losses with the new lr: step 1 is before any update, so only it stays.
    const want = [...train(config)].map((s) => s.loss);
    expect(now[0]).toBe(old[0]);
    expect(now[1]).not.toBe(old[1]);
    expect(close(now, want, 'float64')).toBe(true);
  });

  it.each(LAYOUTS)('xlgrad verify on the exported workbook with its chart (%s layout): 0 mismatches, exit 0', async (layout) => {
    const out: string[] = [];
    const code = await main(['verify', join(dir, `ce3-minibatch-momentum-${layout}.xlsx`)], { out: (s) => out.push(s), err: (s) => out.push(s) });
    expect(out[0]).toMatch(/^[\d,]+ values, max relative difference (0|\de-\d+), 0 mismatches$/);
    expect(code).toBe(0);
  });
});
