// The rows layout: one Training row per optimizer step. Its cached values and
// its recalculation by an independent formula engine (evaluateLayout) against
// the engine's float64 run and PyTorch's float64 recording of Mazur's net.

import ExcelJS from 'exceljs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.ts';
import { ARTICLE, normalizeConfig, type Config } from '../src/config.ts';
import type { Fixture } from '../src/fixtures.ts';
import { preset } from '../src/presets.ts';
import { columnValues, recalculatedValues } from '../src/workbook/columnValues.ts';
import { compareValues, type Computed } from '../src/workbook/compareValues.ts';
import { engineValues } from '../src/workbook/engineValues.ts';
import { evaluateLayout, type Value } from '../src/workbook/evaluateLayout.ts';
import { defaultLayout, layoutWorkbook, sheetCells, type LayoutCell, type WorkbookLayout } from '../src/workbook/layout.ts';
import { columnRowName, finalName, initName } from '../src/workbook/names.ts';
import { writeWorkbook } from '../src/workbook/writeWorkbook.ts';
import { snapshot } from './helpers.ts';
import mazurRecording from '../fixtures/pytorch/mazur-nobias.json' with { type: 'json' };

const MAZUR = preset('mazur-nobias');
/** The rows layout of a config, laid out once per config object (the tests only read it). */
const laidOut = new WeakMap<Config, WorkbookLayout>();
const rows = (config: Config) => laidOut.get(config) ?? laidOut.set(config, layoutWorkbook(config, { layout: 'rows' })).get(config)!;
const sheet = (layout: WorkbookLayout, name: string) => layout.sheets.find((s) => s.name === name)!;

/** Every cell of the workbook, filled columns included, keyed `Sheet!A1`. */
const cellMap = (layout: WorkbookLayout) => new Map(layout.sheets.flatMap((s) => sheetCells(s).map((c): [string, LayoutCell] => [`${s.name}!${c.address}`, c])));

const asComputed = (v: unknown): Computed | undefined =>
  v === undefined ? undefined : typeof v === 'object' && v !== null && 'error' in v ? { error: (v as { error: string }).error } : { value: v as number };

/** Each defined name's value, a column's rows as `<q>_col[k]`: what the layout caches (constants and cached results). */
function cachedValues(layout: WorkbookLayout): Record<string, Computed> {
  const at = cellMap(layout);
  const cell = (sheet: string, address: string) => {
    const c = at.get(`${sheet}!${address}`);
    return c && asComputed(c.formula === undefined ? c.value : c.result);
  };
  const single = Object.fromEntries(Object.entries(layout.names).filter(([, t]) => !t.address.includes(':')).map(([n, t]) => [n, cell(t.sheet, t.address)!]));
  return { ...single, ...columnValues(layout.names, cell) };
}

/** The same names, recalculated from the formula text by fast-formula-parser (once per layout). */
const recalculations = new WeakMap<WorkbookLayout, Record<string, Computed>>();
const recalculated = (layout: WorkbookLayout) => recalculations.get(layout) ?? recalculations.set(layout, recalculate(layout)).get(layout)!;

function recalculate(layout: WorkbookLayout): Record<string, Computed> {
  const sheets = layout.sheets.map((s) => ({ name: s.name, cells: sheetCells(s) }));
  const r = evaluateLayout(sheets, layout.names);
  const cell = (sheet: string, address: string) => asComputed(r.cells.get(`${sheet}!${address}`) as Value | undefined);
  const single = Object.fromEntries(Object.entries(r.names).filter(([n]) => !layout.names[n]!.address.includes(':')).map(([n, v]) => [n, asComputed(v)!]));
  return { ...single, ...columnValues(layout.names, cell) };
}

/** PyTorch's float64 recording of Mazur's net, as the rows layout names it, and every name far from it. */
function farFromRecording(values: Record<string, Computed>, rec: Fixture, steps: number): string[] {
  const far: string[] = [];
  const check = (n: string, want: number) => {
    const v = values[n]?.value as number;
    if (!(Math.abs(v - want) <= 1e-12 * Math.abs(want))) far.push(`${n}: PyTorch ${want}, workbook ${v}`);
  };
  rec.epochs.slice(0, steps).forEach((e, i) => {
    const k = i + 1;
    for (const [p, v] of Object.entries(e.params)) check(columnRowName(p, k), v);
    for (const [n, v] of Object.entries(e.nodes)) check(columnRowName(n, k), v);
    for (const [p, v] of Object.entries(e.grads)) check(columnRowName(`dL_d${p}`, k), v);
  });
  for (const [p, v] of Object.entries(rec.epochs[steps]?.params ?? rec.final)) check(finalName(p), v);
  return far;
}

describe('layoutWorkbook(config, {layout: rows})', () => {
  it('layoutWorkbook(ARTICLE, rows) has the sheets Inputs, Training, Comparison (a PyTorch recording exists) and config', () => {
    expect(rows(ARTICLE).sheets.map((s) => s.name)).toEqual(['Inputs', 'Training', 'Comparison', 'config']);
    expect(rows({ ...ARTICLE, lr: 0.02 }).sheets.map((s) => s.name)).toEqual(['Inputs', 'Training', 'config']);
  });

  it('layoutWorkbook(ARTICLE, rows) heads each column with its quantity and, below, its formula as maths', () => {
    const cells = new Map(sheetCells(sheet(rows(ARTICLE), 'Training')).map((c) => [c.address, c.value]));
    const head = (col: string) => [cells.get(`${col}1`), cells.get(`${col}2`)];
    expect([head('A'), head('B'), head('O'), head('Q'), head('Y'), head('AB'), head('AE')]).toEqual([
      ['step', 'maths'], ['w1', 'w1 - lr * dL_dw1'], ['z1', 'w1 * x1 + b1'], ['a1', 'relu(z1)'],
      ['L', '(yhat1 - y1)^2'], ['dL_db5', 'dL_dz5'], ['dL_da4', 'dL_dz5 * w8'],
    ]);
  });

  it('layoutWorkbook(ARTICLE, rows) writes one row per step, each formula relative to its row (=B4 - lr*AV3)', () => {
    const f = new Map(sheetCells(sheet(rows(ARTICLE), 'Training')).filter((c) => c.formula).map((c) => [c.address, c.formula]));
    expect(Object.fromEntries(['B3', 'B4', 'B5', 'O3', 'O4', 'P4', 'R4', 'Y4', 'AD3', 'AE4'].map((a) => [a, f.get(a)]))).toEqual({
      B3: 'w1_init',
      B4: 'B3 - lr*AV3',
      B5: 'B4 - lr*AV4',
      O3: 'B3*x_1 + J3',
      O4: 'B4*x_1 + J4',
      P4: 'C4*x_1 + K4',
      R4: 'MAX(0,P4)',
      Y4: '(X4 - y_1)^2',
      AD3: 'AA3*U3',
      AE4: 'AA4*I4',
    });
  });

  it('layoutWorkbook(MAZUR, rows): every formula of the Training sheet reads only its own row, the row above, or Inputs', () => {
    const layout = rows(MAZUR);
    const bad: string[] = [];
    const TOKEN = /\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|([A-Za-z_][A-Za-z0-9_]*)(\()?/g;
    for (const c of sheetCells(sheet(layout, 'Training'))) {
      if (c.formula === undefined) continue;
      const row = Number(/\d+$/.exec(c.address)![0]);
      for (const m of c.formula.matchAll(TOKEN)) {
        const [, word, call] = m;
        if (!word || call) continue;
        const ref = /^[A-Z]{1,3}(\d+)$/.exec(word);
        const ok = ref ? Number(ref[1]) === row || Number(ref[1]) === row - 1 : layout.names[word]?.sheet === 'Inputs';
        if (!ok) bad.push(`${c.address}: ${word} in =${c.formula}`);
      }
      if (c.formula.includes('!')) bad.push(`${c.address}: another sheet in =${c.formula}`);
    }
    expect(bad).toEqual([]);
  });

  it('layoutWorkbook(MAZUR, rows) names each quantity\'s column over its 100 step rows, the final parameters below, and the inputs', () => {
    const { names } = rows(MAZUR);
    expect(Object.keys(names).filter((n) => n.endsWith('_col'))).toEqual([
      ...['w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7', 'w8', 'z1', 'z2', 'a1', 'a2', 'z3', 'z4', 'yhat1', 'yhat2', 'L'].map((q) => `${q}_col`),
      // The backward pass in reading order: a weight's gradient right after the adjoint of the z it feeds.
      ...['yhat2', 'yhat1', 'z4', 'w8', 'w7', 'z3', 'w6', 'w5', 'a2', 'a1', 'z2', 'w4', 'w3', 'z1', 'w2', 'w1'].map((q) => `dL_d${q}_col`),
    ]);
    expect([names.w1_col, names.w8_col, names.L_col, names.dL_dw1_col, names.w1_final, names.w8_final]).toEqual([
      { sheet: 'Training', address: 'B3:B102' }, { sheet: 'Training', address: 'I3:I102' }, { sheet: 'Training', address: 'R3:R102' },
      { sheet: 'Training', address: 'AH3:AH102' }, { sheet: 'Training', address: 'B103' }, { sheet: 'Training', address: 'I103' },
    ]);
    expect([names.x_1, names.y_2, names.lr, names[initName('w1')]].map((t) => t?.sheet)).toEqual(['Inputs', 'Inputs', 'Inputs', 'Inputs']);
    expect(Object.keys(names).filter((n) => /_e\d+$|^fd_h$/.test(n))).toEqual([]);
  });

  it.each([
    ['article (2 steps)', ARTICLE],
    ['mazur-nobias (100 steps, no biases)', MAZUR],
    ['deep-tanh', preset('deep-tanh')],
    ['article, 0 epochs', { ...ARTICLE, epochs: 0 }],
  ])('layoutWorkbook(%s, rows) caches exactly the engine\'s float64 value of every row, and its formulas recompute them', (_, config) => {
    const layout = rows(config);
    const expected = engineValues(config, { layout: 'rows' });
    const cached = cachedValues(layout);
    expect(Object.fromEntries([...expected.keys()].map((n) => [n, cached[n]?.value]))).toEqual(Object.fromEntries(expected));
    const again = compareValues(expected, recalculated(layout));
    expect(again.mismatches).toEqual([]);
    expect(again.count).toBe(expected.size);
  });

  it('layoutWorkbook(MAZUR, rows): cached values and their recalculation equal PyTorch\'s float64 recording within 1e-12 relative, all 100 steps', () => {
    const layout = rows(MAZUR);
    const rec = mazurRecording as unknown as Fixture;
    expect(rec.config).toMatchObject({ layers: [2, 2, 2], bias: false, dtype: 'float64', epochs: 100 });
    expect(farFromRecording(cachedValues(layout), rec, 100)).toEqual([]);
    expect(farFromRecording(recalculated(layout), rec, 100)).toEqual([]);
  });

  it('layoutWorkbook(ARTICLE, rows): a new lr and a new initial w1 on the Inputs sheet recalculate every step as the engine runs them', () => {
    const layout = rows({ ...ARTICLE, epochs: 5 });
    const init = Object.fromEntries(Object.keys(layout.names).filter((n) => n.endsWith('_init')).map((n) => [n.slice(0, -5), cachedValues(layout)[n]!.value as number]));
    const edited: WorkbookLayout = {
      ...layout,
      sheets: layout.sheets.map((s) => (s.name !== 'Inputs' ? s : { ...s, cells: s.cells.map((c) => (c.name === 'lr' ? { ...c, value: 0.02 } : c.name === 'w1_init' ? { ...c, value: 0.3 } : c)) })),
    };
    // The same run in the engine: float64 from the same initial parameters, w1 moved.
    const config: Config = { ...ARTICLE, epochs: 5, lr: 0.02, dtype: 'float64', init: { params: { ...init, w1: 0.3 } } };
    const result = compareValues(engineValues(config, { layout: 'rows' }), recalculate(edited));
    expect(result.mismatches).toEqual([]);
    expect(result.count).toBe(3 + 13 + 5 * (13 + 11 + 23) + 13);
  });

  it('layoutWorkbook(ARTICLE with 0 epochs, rows) puts the final parameters in row 3, reading Inputs, and names no column', () => {
    const layout = rows({ ...ARTICLE, epochs: 0 });
    expect([layout.names.w1_init, layout.names.w1_final]).toEqual([{ sheet: 'Inputs', address: 'B18' }, { sheet: 'Training', address: 'B3' }]);
    expect(Object.keys(layout.names).filter((n) => n.endsWith('_col'))).toEqual([]);
  });

  it('layoutWorkbook(diverging run, rows) caches errors, never NaN or Infinity, and both writers write it', async () => {
    const layout = rows({ ...ARTICLE, lr: 1e100, epochs: 6 });
    const cells = layout.sheets.flatMap(sheetCells);
    expect(cells.some((c) => typeof c.result === 'object')).toBe(true);
    expect(cells.filter((c) => (typeof c.result === 'number' && !Number.isFinite(c.result)) || (typeof c.value === 'number' && !Number.isFinite(c.value)))).toEqual([]);
    for (const stream of [false, true]) expect((await writeWorkbook(layout, { stream })).length).toBeGreaterThan(0);
  });

  it('layoutWorkbook(config) defaults to sheets up to 50 steps and rows above', () => {
    expect([50, 51].map((epochs) => defaultLayout({ ...ARTICLE, epochs }))).toEqual(['sheets', 'rows']);
    expect(layoutWorkbook({ ...ARTICLE, epochs: 50 }).sheets.length).toBe(53);
    expect(layoutWorkbook({ ...ARTICLE, epochs: 51 }).sheets.map((s) => s.name)).toEqual(['Inputs', 'Training', 'config']);
  });

  it('layoutWorkbook(a net with more columns than Excel has, rows) is refused with one line', () => {
    const config = normalizeConfig({ layers: [1024, 16, 1], x: Array.from({ length: 1024 }, () => 0.5), y: [0], lr: 0.1, epochs: 2 });
    expect(() => rows(config)).toThrow(/^workbook: the rows layout of 16,417 parameters × 2 steps needs \d{2},\d{3} columns, more than Excel's 16,384 \(use --layout sheets or a smaller network\)$/);
  });

  it('layoutWorkbook([1024, 2, 1], rows) splits 1,024-term sums into helper columns within 8,192 characters and 64 levels, and they recompute the engine\'s values', () => {
    const config = normalizeConfig({ layers: [1024, 2, 1], x: Array.from({ length: 1024 }, (_, i) => (i % 7) / 7 - 0.4), y: [0.2], lr: 0.01, epochs: 2, loss: 'mse' });
    const layout = rows(config);
    const formulas = sheetCells(sheet(layout, 'Training')).flatMap((c) => (c.formula === undefined ? [] : [c.formula]));
    const depth = (f: string) => [...f].reduce((d, ch) => ({ at: d.at + (ch === '(' ? 1 : ch === ')' ? -1 : 0), max: Math.max(d.max, d.at + (ch === '(' ? 1 : 0)) }), { at: 0, max: 0 }).max;
    expect(Math.max(...formulas.map((f) => f.length))).toBeLessThan(8192);
    expect(Math.max(...formulas.map(depth))).toBeLessThan(64);
    expect(sheet(layout, 'Training').filled!.filter((f) => f.style === 'helper').length).toBeGreaterThan(0);
    expect(compareValues(engineValues(config, { layout: 'rows' }), recalculated(layout)).mismatches).toEqual([]);
  });

  it('layoutWorkbook(ARTICLE, rows) formulas, as text, match the snapshot', () => {
    const layout = rows(ARTICLE);
    // Row by row, as the sheet reads; on Training every cell, headers included.
    const at = (c: LayoutCell) => { const [, col, row] = /^([A-Z]+)(\d+)$/.exec(c.address)!; return Number(row) * 1e3 + (col!.length * 100 + col!.charCodeAt(col!.length - 1)); };
    const lines = layout.sheets.flatMap((s) => sheetCells(s)
      .filter((c) => c.formula !== undefined || c.name !== undefined || s.name === 'Training')
      .sort((a, b) => at(a) - at(b))
      .map((c) => `${s.name}!${c.address}  ${c.name ?? '-'}  ${c.formula !== undefined ? `=${c.formula}` : JSON.stringify(c.value).slice(0, 80)}`));
    const names = Object.entries(layout.names).filter(([, t]) => t.address.includes(':') || t.sheet === 'Training').map(([n, t]) => `${n} = ${t.sheet}!${t.address}`);
    const text = [...lines, '', ...names].join('\n') + '\n';
    expect(text).toBe(snapshot('article-rows-workbook.txt', text));
  });
});

describe('layoutWorkbook(model-v2 run, {layout: rows})', () => {
  /** The Training sheet's formulas by address, and each header's column letters. */
  function training(config: Config) {
    const t = sheet(layoutWorkbook(config, { layout: 'rows' }), 'Training');
    const cells = new Map(sheetCells(t).map((c) => [c.address, c]));
    const col = new Map(sheetCells(t).filter((c) => /^[A-Z]+1$/.test(c.address)).map((c) => [String(c.value), c.address.slice(0, -1)]));
    return { formula: (a: string) => cells.get(a)?.formula, has: (a: string) => cells.has(a), col: (q: string) => col.get(q)! };
  }

  it('layoutWorkbook(minibatch-partial, rows): a row per batch; the partial batch\'s row uses sample 1\'s columns, its loss its own count, sample 2\'s cells empty', () => {
    const { formula, has, col } = training({ ...preset('minibatch-partial'), epochs: 1 });
    const [x1n1, x2n1, y1n1, y1n2, yhat1n1, yhat1n2, z1n1, z1n2, L] = ['x1_n1', 'x2_n1', 'y1_n1', 'y1_n2', 'yhat1_n1', 'yhat1_n2', 'z1_n1', 'z1_n2', 'L'].map(col);
    // Step 1 is batch 1 (samples 1, 2); step 3 is batch 3, sample 5 alone.
    expect([formula(`${x1n1}3`), formula(`${x1n1}5`)]).toEqual(['x_1_s1', 'x_1_s5']);
    expect(formula(`${L}3`)).toBe(`((${yhat1n1}3 - ${y1n1}3)^2 + (${yhat1n2}3 - ${y1n2}3)^2)/2`);
    expect(formula(`${L}5`)).toBe(`(${yhat1n1}5 - ${y1n1}5)^2`);
    expect(formula(`${z1n1}5`)).toBe(`${col('w1')}5*${x1n1}5 + ${col('w2')}5*${x2n1}5 + ${col('b1')}5`);
    expect([has(`${z1n2}5`), has(`${col('x1_n2')}5`), has(`${z1n2}4`)]).toEqual([false, false, true]);
  });

  it('layoutWorkbook(momentum-dampening, rows): the buffer\'s column starts at the gradient, then reads the row above; θ reads the buffer of the row above', () => {
    const { formula, col } = training({ ...preset('momentum-dampening'), epochs: 2 });
    const [w1, g, mom] = ['w1', 'dL_dw1', 'mom_w1'].map(col);
    expect([formula(`${mom}3`), formula(`${mom}4`), formula(`${mom}5`)]).toEqual([`${g}3`, `${mom}3*0.8 + 0.7*${g}4`, `${mom}4*0.8 + 0.7*${g}5`]);
    expect([formula(`${w1}3`), formula(`${w1}4`), formula(`${w1}5`)]).toEqual(['w1_init', `${w1}3 - lr*${mom}3`, `${w1}4 - lr*${mom}4`]);
  });

  it('layoutWorkbook(adam, rows): m and v columns, and each step\'s s and c2 as torch.optim.Adam computes them in double', () => {
    const config = { ...preset('adam'), epochs: 3 };
    const layout = layoutWorkbook(config, { layout: 'rows' });
    const { formula, col } = training(config);
    const [w1, m, v, sCol, c2Col] = ['w1', 'm_w1', 'v_w1', 's', 'c2'].map(col);
    expect(formula(`${w1}5`)).toBe(`${w1}4 + (-${sCol}4)*${m}4/(SQRT(${v}4)/${c2Col}4 + 1e-8)`);
    const t = sheetCells(sheet(layout, 'Training'));
    const value = (a: string) => t.find((c) => c.address === a)!.value;
    // Step 3 (row 5), as Python computes them for torch.optim.Adam: 0.01 / (1 - 0.9**3) and math.sqrt(1 - 0.999**3) (0.999**3 == 0.997002999).
    expect(config.lr).toBe(0.01);
    expect(value(`${sCol}5`)).toBe(0.03690036900369005);
    expect(value(`${c2Col}5`)).toBe(Math.sqrt(1 - 0.997002999));
  });
});

describe('writeWorkbook(rows layout)', () => {
  /** Every cell's value as exceljs reads it back, by sheet and address. */
  async function readBack(bytes: Uint8Array): Promise<{ cells: Record<string, unknown>; names: unknown }> {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
    const cells: Record<string, unknown> = {};
    wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((c) => (cells[`${ws.name}!${c.address}`] = c.value))));
    const names = (wb.definedNames.model as { name: string; ranges: string[] }[]).map((n) => [n.name, n.ranges]).sort();
    return { cells, names };
  }

  it('writeWorkbook(layout, {stream: true}) writes the same cells, formulas, results and names as the in-memory writer', async () => {
    const layout = rows({ ...MAZUR, epochs: 60 });
    const [memory, streamed] = await Promise.all([writeWorkbook(layout, { stream: false }), writeWorkbook(layout, { stream: true })]);
    const a = await readBack(memory), b = await readBack(streamed);
    expect(Object.keys(b.cells).length).toBe(Object.keys(a.cells).length);
    expect(b).toEqual(a);
    expect(b.cells['Training!B5']).toEqual({ formula: 'B4 - lr*AH4', result: expect.any(Number) });
    expect(b.names).toContainEqual(['L_col', ['Training!$R$3:$R$62']]);
  });

  it('writeWorkbook(sheets layout, {stream: true}) writes the same text, numbers, formulas, text results and errors as the in-memory writer', async () => {
    const layout = layoutWorkbook({ ...ARTICLE, lr: 1e100, epochs: 5 }, { layout: 'sheets' });
    const [memory, streamed] = await Promise.all([writeWorkbook(layout, { stream: false }), writeWorkbook(layout, { stream: true })]);
    const a = await readBack(memory), b = await readBack(streamed);
    expect(b).toEqual(a);
    expect(Object.values(b.cells).filter((v) => typeof v === 'object' && v !== null && 'error' in (v as object)).length + Object.values(b.cells).filter((v) => (v as { result?: { error?: string } })?.result?.error).length).toBeGreaterThan(0);
    expect(b.cells['Comparison!G6']).toEqual({ formula: expect.stringMatching(/^IF\(/), result: 'pass' });
  });

  it('writeWorkbook(layout, {stream: true}) gives identical bytes twice', async () => {
    const layout = rows({ ...ARTICLE, epochs: 3 });
    const a = await writeWorkbook(layout, { stream: true });
    await new Promise((r) => setTimeout(r, 2100)); // a zip time stamp has a 2-second resolution
    const b = await writeWorkbook(layout, { stream: true });
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
  });
});

describe('recalculatedValues(LibreOffice\'s answer)', () => {
  it('recalculatedValues(r) keys every row of a column name <q>_col[k] and keeps the single-cell names', () => {
    const r = {
      sheets: [{ name: 'Training', cells: { B3: { type: 'value', value: 0.5 }, B4: { type: 'error', error: '#NUM!', code: 503 }, B5: { type: 'value', value: 0.25 } } }],
      names: {
        w1_col: { ref: 'Training!$B$3:$B$4', sheet: 'Training', cell: null, value: null, error: null },
        w1_final: { ref: 'Training!$B$5', sheet: 'Training', cell: 'B5', value: 0.25, error: null },
      },
    } as const;
    const v = recalculatedValues(r as unknown as Parameters<typeof recalculatedValues>[0]);
    expect(v['w1_col[1]']).toEqual({ value: 0.5 });
    expect(v['w1_col[2]']).toEqual({ error: '#NUM!' });
    expect(v.w1_final).toMatchObject({ value: 0.25 });
    expect(Object.keys(v).sort()).toEqual(['w1_col', 'w1_col[1]', 'w1_col[2]', 'w1_final']);
  });
});

describe('compareValues(expected, spreadsheet)', () => {
  it('compareValues lets a value near 0 be 0 when within 1e-12 of its quantity\'s largest value (a spreadsheet\'s a − b of nearly equal numbers), never more', () => {
    // ŷ − y as LibreOffice computes it once ŷ is within 2⁻⁴⁸ of y: exactly 0, where the engine has −6.9e-15.
    const expected = new Map([['dL_dyhat1_col[1]', -3.26], ['dL_dyhat1_col[2]', -6.88e-15], ['dL_dyhat1_e9', -6.88e-15], ['dL_dyhat1_e1', -3.26], ['w1_final', 1e-3]]);
    const r = compareValues(expected, { 'dL_dyhat1_col[1]': { value: -3.26 }, 'dL_dyhat1_col[2]': { value: 0 }, dL_dyhat1_e1: { value: -3.26 }, dL_dyhat1_e9: { value: 0 }, w1_final: { value: 1e-3 + 1e-14 } });
    expect({ mismatches: r.mismatches.map((m) => m.name), nearZero: r.nearZero, maxRelative: r.maxRelative }).toEqual({ mismatches: ['w1_final'], nearZero: 2, maxRelative: expect.closeTo(1e-11, 12) });
    const wrong = compareValues(new Map([['z3_col[1]', 2], ['z3_col[2]', 1e-13]]), { 'z3_col[1]': { value: 2 }, 'z3_col[2]': { value: 1e-10 } });
    expect(wrong.mismatches.map((m) => m.name)).toEqual(['z3_col[2]']);
  });
});

describe('xlgrad export --layout', () => {
  async function xlgrad(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
    const out: string[] = [], err: string[] = [];
    const code = await main(argv, { out: (s) => out.push(s), err: (s) => err.push(s) });
    return { code, out, err };
  }

  it('xlgrad export --layout rows|sheets: bad value → one line, exit 2, nothing written', async () => {
    const r = await xlgrad('export', '--preset', 'article', '--layout', 'columns', '--out', '/nonexistent/x.xlsx');
    expect(r).toEqual({ code: 2, out: [], err: ['xlgrad export: --layout: must be sheets or rows, got "columns"'] });
  });

  it('xlgrad export --preset article --layout rows names the sheets it wrote', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xlgrad-rows-'));
    const r = await xlgrad('export', '--preset', 'article', '--layout', 'rows', '--out', join(dir, 'a.xlsx'));
    rmSync(dir, { recursive: true, force: true });
    expect(r.code).toBe(0);
    expect(r.out[0]).toMatch(/^wrote .*: 3 sheets, 375 formulas, 79 named values \(\d+ kB\)$/);
  });
});
