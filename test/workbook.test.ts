import ExcelJS from 'exceljs';
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ARTICLE, normalizeConfig, type Config } from '../src/config.ts';
import { fixtures } from '../src/fixtures.ts';
import { buildWorkbook } from '../src/workbook/buildWorkbook.ts';
import { epochShape, epochSheet } from '../src/workbook/epochSheet.ts';
import { engineValues } from '../src/workbook/engineValues.ts';
import { evaluateLayout } from '../src/workbook/evaluateLayout.ts';
import { DOS_DATE, DOS_TIME } from '../src/workbook/fixZipDates.ts';
import { layoutWorkbook, type LayoutCell, type WorkbookLayout } from '../src/workbook/layout.ts';
import { planWorkbook } from '../src/workbook/plan.ts';
import { runWorkbook } from '../src/workbook/runWorkbook.ts';
import { writeWorkbook } from '../src/workbook/writeWorkbook.ts';
import { entryData, zipDirectory } from '../src/workbook/zipDirectory.ts';
import { snapshot } from './helpers.ts';

const cellsOf = (layout: WorkbookLayout) => layout.sheets.flatMap((s) => s.cells.map((c) => ({ sheet: s.name, ...c })));

/** Named cells' values: a constant's value, a formula's cached result. */
function namedValues(layout: WorkbookLayout): Record<string, unknown> {
  const at = new Map(cellsOf(layout).map((c) => [`${c.sheet}!${c.address}`, c]));
  return Object.fromEntries(Object.entries(layout.names).map(([n, { sheet, address }]) => {
    const c = at.get(`${sheet}!${address}`)!;
    return [n, c.formula === undefined ? c.value : c.result];
  }));
}

/** Deepest nesting of parentheses (every function call opens one). */
function depth(formula: string): number {
  let d = 0, max = 0;
  for (const ch of formula) {
    if (ch === '(') max = Math.max(max, ++d);
    else if (ch === ')') d--;
  }
  return max;
}

function limits(cells: LayoutCell[]): { length: number; depth: number; helpers: number } {
  const out = { length: 0, depth: 0, helpers: 0 };
  for (const c of cells) {
    if (c.formula === undefined) continue;
    out.length = Math.max(out.length, c.formula.length);
    out.depth = Math.max(out.depth, depth(c.formula));
    if (c.style === 'helper') out.helpers++;
  }
  return out;
}

const wide = (layers: number[], epochs = 1): Config =>
  normalizeConfig({ layers, x: layers.slice(0, 1).flatMap((n) => Array.from({ length: n }, (_, i) => (i % 7) / 7 - 0.4)), y: Array.from({ length: layers.at(-1)! }, (_, i) => (i % 5) / 5), lr: 0.01, epochs, loss: 'mse' });

describe('layoutWorkbook', () => {
  it('layoutWorkbook(ARTICLE) defines the names of the scheme', () => {
    const names = Object.keys(layoutWorkbook(ARTICLE).names);
    for (const n of ['x_1', 'y_1', 'lr', 'fd_h', 'w1_e1', 'b5_e1', 'z3_e1', 'a4_e1', 'yhat1_e1', 'L_e1', 'dL_dw8_e1', 'dL_dz5_e1', 'w1_e2', 'L_e2', 'w1_final', 'b5_final', 'Lplus_w1_e1', 'Lminus_w1_e1', 'num_dL_dw1_e1', 'config_json', 'tol_rel', 'tol_abs']) {
      expect(names).toContain(n);
    }
    expect(names).not.toContain('w1_e3');
  });

  it('layoutWorkbook(ARTICLE) writes the graph\'s definitions as formulas over defined names', () => {
    const at = new Map(cellsOf(layoutWorkbook(ARTICLE)).filter((c) => c.name).map((c) => [c.name, c.formula]));
    expect(Object.fromEntries(['z3_e1', 'a4_e1', 'L_e1', 'dL_dw8_e1', 'dL_da2_e1', 'dL_dz1_e1', 'w8_e2', 'b5_final', 'Lplus_w3_e1', 'num_dL_dw3_e1'].map((n) => [n, at.get(n)]))).toEqual({
      z3_e1: 'w3_e1*a1_e1 + w4_e1*a2_e1 + b3_e1',
      a4_e1: 'MAX(0,z4_e1)',
      L_e1: '(yhat1_e1 - y_1)^2',
      dL_dw8_e1: 'dL_dz5_e1*a4_e1',
      dL_da2_e1: 'dL_dz3_e1*w4_e1 + dL_dz4_e1*w6_e1',
      dL_dz1_e1: 'dL_da1_e1*IF(z1_e1>0,1,0)',
      w8_e2: 'w8_e1 - lr*dL_dw8_e1',
      b5_final: 'b5_e2 - lr*dL_db5_e2',
      Lplus_w3_e1: '(T6 - y_1)^2',
      num_dL_dw3_e1: '(Lplus_w3_e1 - Lminus_w3_e1)/(2*fd_h)',
    });
  });

  it('layoutWorkbook(config) caches exactly the engine\'s float64 value of every name, for the article and every fixture', () => {
    for (const config of [ARTICLE, ...fixtures.map((f) => f.config)]) {
      const cached = namedValues(layoutWorkbook(config));
      const expected = Object.fromEntries(engineValues(config));
      expect(Object.fromEntries(Object.keys(expected).map((n) => [n, cached[n]]))).toEqual(expected);
    }
  });

  it('layoutWorkbook(ARTICLE) marks the non-zero gradients (w8, b4, b5) and the dead ReLUs of epoch 1', () => {
    const epoch1 = layoutWorkbook(ARTICLE).sheets.find((s) => s.name === 'Epoch 1')!;
    const marked = (style: string) => epoch1.cells.filter((c) => c.style === style && c.name).map((c) => c.name).sort();
    expect(marked('nonzero')).toEqual(['dL_db4_e1', 'dL_db5_e1', 'dL_dw8_e1']);
    expect(marked('dead')).toEqual(['a1_e1', 'a2_e1', 'a3_e1']);
  });

  it('layoutWorkbook(ARTICLE) compares with the PyTorch recording and every value passes', () => {
    const sheet = layoutWorkbook(ARTICLE).sheets.find((s) => s.name === 'Comparison')!;
    const marks = sheet.cells.filter((c) => c.address.startsWith('G') && c.formula).map((c) => c.result);
    expect(marks.length).toBe(2 * 27 + 13);
    expect(new Set(marks)).toEqual(new Set(['pass']));
    expect(sheet.cells.find((c) => c.address === 'A2')!.value).toMatch(/^Reference: PyTorch .* recording "article" \(float32\)/);
  });

  it('layoutWorkbook(config) without a recording compares with the float32 emulation and says so', () => {
    const sheet = layoutWorkbook({ ...ARTICLE, lr: 0.02 }).sheets.find((s) => s.name === 'Comparison')!;
    expect(sheet.cells.find((c) => c.address === 'A2')!.value).toMatch(/xlgrad float32 emulation \(no PyTorch recording for this config\)/);
  });

  it('layoutWorkbook(config) of a diverging run caches errors, never NaN or Infinity, and writes', async () => {
    const layout = layoutWorkbook({ ...ARTICLE, lr: 1e100, epochs: 4 });
    const results = cellsOf(layout).filter((c) => c.formula !== undefined).map((c) => c.result);
    expect(results.some((r) => typeof r === 'object')).toBe(true);
    expect(results.filter((r) => typeof r === 'number' && !Number.isFinite(r))).toEqual([]);
    expect(cellsOf(layout).filter((c) => typeof c.value === 'number' && !Number.isFinite(c.value))).toEqual([]);
    expect((await writeWorkbook(layout)).length).toBeGreaterThan(0);
  });

  it('layoutWorkbook(config) of 0 epochs names the initial parameters as final', () => {
    const names = layoutWorkbook({ ...ARTICLE, epochs: 0 }).names;
    expect([names.w1_e1, names.w1_final]).toEqual([{ sheet: 'Inputs', address: 'B19' }, { sheet: 'Inputs', address: 'D19' }]);
  });

  it('layoutWorkbook(ARTICLE) formulas, as text, match the snapshot', () => {
    const lines = cellsOf(layoutWorkbook(ARTICLE))
      .filter((c) => c.formula !== undefined || c.name !== undefined)
      .map((c) => `${c.sheet}!${c.address}  ${c.name ?? '-'}  ${c.formula !== undefined ? `=${c.formula}` : JSON.stringify(c.value).slice(0, 80)}`);
    const text = lines.join('\n') + '\n';
    expect(text).toBe(snapshot('article-workbook.txt', text));
  });
});

describe('formula limits', () => {
  it('layoutWorkbook([1024, 2, 1024]) splits 1,024-term sums into helper cells within 8,192 characters and 64 levels', () => {
    const layout = layoutWorkbook(wide([1024, 2, 1024]));
    const l = limits(cellsOf(layout));
    expect(l.length).toBeLessThan(8192);
    expect(l.depth).toBeLessThan(64);
    expect(l.helpers).toBeGreaterThan(0);
  });

  it('layoutWorkbook([1024, 2, 1024]) helper cells compute the engine\'s values (independent formula engine)', () => {
    const config = wide([1024, 2, 1024]);
    const layout = layoutWorkbook(config);
    const { names } = evaluateLayout(layout.sheets, layout.names);
    const expected = engineValues(config, { numeric: false });
    const far = [...expected].filter(([n, e]) => !(Math.abs((names[n] as number) - e) <= Math.max(1e-15, 1e-12 * Math.abs(e))));
    expect(far).toEqual([]);
  });

  it('the epoch sheet of [1, 300, 300, 1] stays within 8,192 characters and 64 levels', () => {
    const plan = planWorkbook(wide([1, 300, 300, 1]));
    const sheet = epochSheet(plan, epochShape(plan), runWorkbook(plan), 1, { numeric: false, numericCells: 0 }, {});
    const l = limits(sheet.cells);
    expect(l.length).toBeLessThan(8192);
    expect(l.depth).toBeLessThan(64);
  });
});

describe('writeWorkbook', () => {
  it('buildWorkbook(ARTICLE) gives identical bytes twice, every zip entry dated 2000-01-01', async () => {
    const a = await buildWorkbook(ARTICLE);
    await new Promise((r) => setTimeout(r, 2100)); // a zip time stamp has a 2-second resolution
    const b = await buildWorkbook(ARTICLE);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const view = new DataView(a.buffer, a.byteOffset);
    expect(new Set(zipDirectory(a).flatMap((e) => [view.getUint16(e.local + 10, true), view.getUint16(e.local + 12, true)]))).toEqual(new Set([DOS_TIME, DOS_DATE]));
  });

  it('buildWorkbook(ARTICLE) reads back with exceljs: names, formulas, cached results', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await buildWorkbook(ARTICLE)) as unknown as ArrayBuffer);
    expect(wb.worksheets.map((s) => s.name)).toEqual(['Inputs', 'Epoch 1', 'Epoch 2', 'Comparison', 'config']);
    const names = (wb.definedNames.model as { name: string; ranges: string[] }[]);
    expect(names.find((n) => n.name === 'dL_dw8_e1')!.ranges).toEqual(["'Epoch 1'!$B$21"]);
    expect(names.length).toBe(Object.keys(layoutWorkbook(ARTICLE).names).length);
    expect(wb.getWorksheet('Epoch 1')!.getCell('B21').value).toEqual({ formula: 'dL_dz5_e1*a4_e1', result: -0.6367481328189855 });
  });

  it('buildWorkbook(ARTICLE) asks the opening application to recalculate (fullCalcOnLoad)', async () => {
    const bytes = await buildWorkbook(ARTICLE);
    const book = zipDirectory(bytes).find((e) => e.name === 'xl/workbook.xml')!;
    expect(inflateRawSync(entryData(bytes, book)).toString()).toMatch(/<calcPr[^>]*fullCalcOnLoad="1"/);
  });

  it('writeWorkbook(layout) writes text starting with "=" as text, not as a formula', async () => {
    const bytes = await writeWorkbook({ sheets: [{ name: 'S', cells: [{ address: 'A1', value: '=1+1' }] }], names: {} });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
    expect(wb.getWorksheet('S')!.getCell('A1').value).toBe('=1+1');
  });

  it('writeWorkbook(layout) refuses a NaN rather than corrupt the file', async () => {
    await expect(writeWorkbook({ sheets: [{ name: 'S', cells: [{ address: 'A1', formula: '0/0', result: NaN }] }], names: {} })).rejects.toThrow(/A1 .*NaN/);
  });
});
