// Workbook benchmark:
//   export of the article workbook (layout + .xlsx bytes), goal ≤ 100 ms warm;
//   export of the article net at 1,000 epochs: time, peak memory, and the ratio
//     to exceljs writing the same cells as plain formulas with no logic of ours
//     (same sheets and addresses, no styles, no names), goal ≤ 1.5×;
//   `xlgrad verify` of the article workbook in LibreOffice, goal ≤ 10 s wall;
//   the rows layout of the article net at 10,000 steps: `xlgrad export` as a
//     process, goal ≤ 3 s wall and ≤ 300 MB peak RSS; layout + writing in
//     process beside exceljs's own streaming writer writing the same cells
//     (its cell model, no logic of ours); `xlgrad verify` of the file, goal ≤ 60 s.

import ExcelJS from 'exceljs';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { main } from '../../src/cli/main.ts';
import { ARTICLE } from '../../src/config.ts';
import { layoutWorkbook, sheetCells, type WorkbookLayout } from '../../src/workbook/layout.ts';
import { writeWorkbook } from '../../src/workbook/writeWorkbook.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const ms = (v: number) => `${v.toFixed(0)} ms`;
const mb = (bytes: number) => `${(bytes / 1048576).toFixed(0)} MB`;

async function timed<T>(f: () => Promise<T>): Promise<[T, number]> {
  const t0 = performance.now();
  const out = await f();
  return [out, performance.now() - t0];
}

/** The sheets layout, whatever the default for that many epochs. */
const exportOf = (epochs: number) => writeWorkbook(layoutWorkbook({ ...ARTICLE, epochs }, { layout: 'sheets' }));

/** exceljs alone: the layout's cells as one short formula each, at the same addresses. */
async function plainExceljs(layout: WorkbookLayout): Promise<void> {
  const wb = new ExcelJS.Workbook();
  for (const sheet of layout.sheets) {
    const ws = wb.addWorksheet(sheet.name);
    for (const c of sheet.cells) ws.getCell(c.address).value = { formula: 'A1+1', result: 1 };
  }
  await wb.xlsx.writeBuffer();
}

async function articleExport(): Promise<void> {
  const [, cold] = await timed(() => exportOf(2));
  const warm: number[] = [];
  for (let i = 0; i < 20; i++) warm.push((await timed(() => exportOf(2)))[1]);
  console.log(`  article workbook export: ${ms(median(warm))} median of 20 (goal ≤ 100 ms); first call ${ms(cold)} (loads exceljs)`);
}

async function longExport(): Promise<void> {
  const epochs = 1000;
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const [bytes, first] = await timed(() => exportOf(epochs));
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss, process.resourceUsage().maxRSS * 1024);
  const layout = layoutWorkbook({ ...ARTICLE, epochs }, { layout: 'sheets' });
  const cells = layout.sheets.reduce((n, s) => n + s.cells.length, 0);
  // Interleaved and the best of two each, so a busy machine slows both alike.
  const [, plain1] = await timed(() => plainExceljs(layout));
  const [, ours2] = await timed(() => exportOf(epochs));
  const [, plain2] = await timed(() => plainExceljs(layout));
  const ours = Math.min(first, ours2), plain = Math.min(plain1, plain2);
  console.log(`  article net at ${epochs} epochs, sheets layout: ${ms(ours)}, ${cells.toLocaleString('en-US')} cells, ${Object.keys(layout.names).length.toLocaleString('en-US')} names, ${mb(bytes.length)} file, peak RSS ${mb(peak)} (from ${mb(rss0)})`);
  console.log(`  exceljs alone, same cells as plain formulas: ${ms(plain)}; ours ÷ exceljs alone = ${(ours / plain).toFixed(2)}× (goal ≤ 1.5×)`);
}

/** exceljs's streaming writer alone: every cell of the layout through its cell model, in row order. */
async function plainStreamed(layout: WorkbookLayout): Promise<void> {
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({});
  for (const sheet of layout.sheets) {
    const ws = wb.addWorksheet(sheet.name);
    const byRow = new Map<number, { address: string; value: ExcelJS.CellValue }[]>();
    for (const c of sheetCells(sheet)) {
      const row = Number(/\d+$/.exec(c.address)![0]);
      const value = c.formula !== undefined ? { formula: c.formula, result: typeof c.result === 'number' ? c.result : 0 } : (c.value ?? null);
      (byRow.get(row) ?? byRow.set(row, []).get(row)!).push({ address: c.address, value: value as ExcelJS.CellValue });
    }
    for (const r of [...byRow.keys()].sort((a, b) => a - b)) {
      const row = ws.getRow(r);
      for (const c of byRow.get(r)!) row.getCell(c.address.replace(/\d+$/, '')).value = c.value;
      row.commit();
    }
    ws.commit();
  }
  await wb.commit();
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * `xlgrad export` of the article net for `steps` steps in the rows layout, as a
 * separate process under /usr/bin/time: as installed (the JavaScript in lib/,
 * rebuilt first by `npm run build:lib`), or from this checkout's TypeScript
 * (bin/xlgrad.js compiles it with tsx on every start).
 */
function rowsProcess(dir: string, steps: number, entry: 'installed' | 'checkout'): { wall: number; rss: number; cpu: number; file: string } | undefined {
  if (!existsSync('/usr/bin/time')) return undefined;
  const config = join(dir, 'article-rows.json'), file = join(dir, `article-rows-${entry}.xlsx`);
  writeFileSync(config, JSON.stringify({ ...ARTICLE, epochs: steps }));
  const args = ['export', config, '--layout', 'rows', '--out', file];
  const command = entry === 'checkout'
    ? [join(ROOT, 'bin/xlgrad.js'), ...args]
    : ['--input-type=module', '-e', `const { main } = await import(${JSON.stringify(join(ROOT, 'lib/cli/main.js'))}); process.exitCode = await main(${JSON.stringify(args)});`];
  const r = spawnSync('/usr/bin/time', ['-v', process.execPath, ...command], { encoding: 'utf8' });
  const field = (name: string) => r.stderr.match(new RegExp(`${name}: ([\\d.:]+)`))?.[1] ?? '0';
  const [m, sec] = field('Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\)').split(':').slice(-2).map(Number);
  return { wall: m! * 60 + sec!, rss: Number(field('Maximum resident set size \\(kbytes\\)')) * 1024, cpu: Number(field('User time \\(seconds\\)')) + Number(field('System time \\(seconds\\)')), file };
}

async function rowsExport(): Promise<void> {
  const steps = 10_000;
  const dir = mkdtempSync(join(tmpdir(), 'xlgrad-bench-'));
  try {
    const built = spawnSync('npm', ['run', '--silent', 'build:lib'], { cwd: ROOT, encoding: 'utf8' }).status === 0;
    const installed = built ? rowsProcess(dir, steps, 'installed') : undefined;
    const p = rowsProcess(dir, steps, 'checkout');
    const line = (what: string, q: NonNullable<typeof p>) => console.log(`  rows layout, article net at ${steps.toLocaleString('en-US')} steps, xlgrad export as a process ${what}: ${q.wall.toFixed(2)} s wall (goal ≤ 3 s), ${q.cpu.toFixed(2)} s CPU, peak RSS ${mb(q.rss)} (goal ≤ 300 MB)`);
    if (installed) line('as installed (lib/)', installed);
    else console.log('  (npm run build:lib failed: the installed command was not timed)');
    if (p) line('from the checkout (TypeScript through tsx)', p);
    const config = { ...ARTICLE, epochs: steps };
    const [layout, layoutMs] = await timed(async () => layoutWorkbook(config, { layout: 'rows' }));
    const [bytes, writeMs] = await timed(() => writeWorkbook(layout));
    const cells = layout.sheets.reduce((n, s) => n + sheetCells(s).length, 0);
    const [, plain] = await timed(() => plainStreamed(layout));
    console.log(`  in process: layout ${ms(layoutMs)} + writing ${ms(writeMs)}, ${cells.toLocaleString('en-US')} cells, ${mb(bytes.length)} file; exceljs's streaming writer alone, same cells: ${ms(plain)}`);
    if (p) {
      const lines: string[] = [];
      const io = { out: (s: string) => lines.push(s), err: () => {} };
      const [code, wall] = await timed(() => main(['verify', p.file], io));
      console.log(`  xlgrad verify of it (LibreOffice): ${(wall / 1000).toFixed(1)} s wall (goal ≤ 60 s), exit ${code}: ${lines[0]}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function verifyWall(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'xlgrad-bench-'));
  try {
    const file = join(dir, 'article.xlsx');
    writeFileSync(file, await exportOf(2));
    const lines: string[] = [];
    const io = { out: (s: string) => lines.push(s), err: (s: string) => lines.push(s) };
    const [code, wall] = await timed(() => main(['verify', file], io));
    console.log(`  xlgrad verify article.xlsx (LibreOffice): ${(wall / 1000).toFixed(1)} s wall (goal ≤ 10 s), exit ${code}: ${lines[0]}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function bench(): Promise<void> {
  console.log(`workbook · node ${process.version}`);
  await articleExport();
  await longExport();
  await verifyWall();
  await rowsExport();
}
