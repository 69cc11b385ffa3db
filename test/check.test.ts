import { describe, it, expect } from 'vitest';
import ExcelJS from 'exceljs';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { xlgradInProcess } from './helpers.ts';
import { ARTICLE, normalizeConfig } from '../src/config.ts';
import { initialParams, networkOf } from '../src/trace.ts';
import { buildWorkbook } from '../src/workbook/buildWorkbook.ts';
import { formatRef } from '../src/check/cellRef.ts';
import { quoteSheet } from '../src/spreadsheet/address.ts';
import { parseLabel } from '../src/check/label.ts';
import { checkWorkbookInBrowser } from '../src/check/checkWorkbookInBrowser.ts';
import { annotateWorkbook } from '../src/check/annotate.ts';
import { main } from '../src/cli/main.ts';
import { readXlsx } from '../src/check/readXlsx.ts';
import { recalculateBook } from '../src/check/recalculateBook.ts';
import { references } from '../src/check/namedFormula.ts';
import { expectedInCells } from '../src/check/expectedInCells.ts';
import { parseQuantity } from '../src/check/mapping.ts';
import { cellOf, courseWorkbook, MAZUR, ORDER, type Sheet } from './courseWorkbook.ts';
import { withFormula } from './withFormula.ts';

// ---- learner-style workbooks ------------------------------------------------
//
// A learner's 1-2-2-1 network written out by hand: every quantity a row, with
// the formulas a person types (`=MAX(0,B5)`, `=2*(B20-B2)`,
// `=B8*IF(B6>0,1,0)`). The rows are written once, with `{id}` standing for
// another row's cell, and placed in three different layouts.

type Params = Record<string, number>;
const PARAMS = ['w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7', 'w8', 'b1', 'b2', 'b3', 'b4', 'b5'];

/** The article's weights: PyTorch seed 0, read as doubles. */
const ARTICLE_WEIGHTS: Params = initialParams(networkOf(ARTICLE), ARTICLE);
/** Every z positive, so every gradient is non-zero. */
const VARIANT: Params = { w1: 0.8, w2: 0.4, w3: 0.5, w4: -0.3, w5: 0.7, w6: 0.2, w7: 0.6, w8: -0.4, b1: 0.1, b2: 0.2, b3: 0.1, b4: -0.1, b5: 0.3 };
/** z1 = w1·x + b1 = 1 − 1 = 0 exactly: ReLU' at its kink decides dL/dz1. */
const KINK: Params = { ...VARIANT, w1: 1, b1: -1 };

interface Row {
  id: string;
  epoch: number;
  /** A number typed in, or a formula with `{id}` (same epoch) / `{id@k}` (epoch k) references. */
  content: number | string;
  /** A cached result different from what the formula gives (a stale sheet). */
  cached?: number;
}

interface Learner {
  weights?: Params;
  epochs?: number;
  half?: boolean;
  /** Replace the content of one row: the planted mistake. */
  plant?: { id: string; epoch: number; content: number | string; cached?: number };
  /** Cells written after the layout: `[sheet, address, value]`. */
  extra?: [string, string, number | string][];
}

function epochRows(k: number, o: Learner): Row[] {
  const w = o.weights ?? ARTICLE_WEIGHTS;
  const r: [string, number | string][] = [
    ...PARAMS.map((p): [string, number | string] => [p, k === 1 ? w[p]! : `={new ${p}@${k - 1}}`]),
    ['z1', '={w1}*{x}+{b1}'], ['z2', '={w2}*{x}+{b2}'],
    ['a1', '=MAX(0,{z1})'], ['a2', '=MAX(0,{z2})'],
    ['z3', '={w3}*{a1}+{w4}*{a2}+{b3}'], ['z4', '={w5}*{a1}+{w6}*{a2}+{b4}'],
    ['a3', '=MAX(0,{z3})'], ['a4', '=MAX(0,{z4})'],
    ['z5', '={w7}*{a3}+{w8}*{a4}+{b5}'], ['yhat', '={z5}'],
    ['L', o.half ? '=0.5*({yhat}-{y})^2' : '=({yhat}-{y})^2'],
    ['dyhat', o.half ? '=({yhat}-{y})' : '=2*({yhat}-{y})'],
    ['dz5', '={dyhat}'], ['dw7', '={dz5}*{a3}'], ['dw8', '={dz5}*{a4}'], ['db5', '={dz5}'],
    ['da3', '={dz5}*{w7}'], ['da4', '={dz5}*{w8}'],
    ['dz3', '={da3}*IF({z3}>0,1,0)'], ['dz4', '={da4}*IF({z4}>0,1,0)'],
    ['delta4', '={dz4}'],
    ['dw3', '={dz3}*{a1}'], ['dw4', '={dz3}*{a2}'], ['dw5', '={delta4}*{a1}'], ['dw6', '={delta4}*{a2}'],
    ['db3', '={dz3}'], ['db4', '={dz4}'],
    ['da1', '={dz3}*{w3}+{dz4}*{w5}'], ['da2', '={dz3}*{w4}+{dz4}*{w6}'],
    ['dz1', '={da1}*IF({z1}>0,1,0)'], ['dz2', '={da2}*IF({z2}>0,1,0)'],
    ['dw1', '={dz1}*{x}'], ['dw2', '={dz2}*{x}'], ['db1', '={dz1}'], ['db2', '={dz2}'],
    ...PARAMS.map((p): [string, string] => [`new ${p}`, `={${p}}-{lr}*{d${p}}`]),
  ];
  return r.map(([id, content]) => (o.plant?.id === id && o.plant.epoch === k ? { id, epoch: k, content: o.plant.content, cached: o.plant.cached } : { id, epoch: k, content }));
}

const INPUTS = (): Row[] => [
  { id: 'x', epoch: 0, content: 1 },
  { id: 'y', epoch: 0, content: 1 },
  { id: 'lr', epoch: 0, content: 0.01 },
];

/** How each layout spells a row's label. */
type Spelling = (id: string) => string;
const gradient = (prefix: string, sep: string, hat: string) => (id: string) => {
  const of = id.slice(1);
  return `${prefix}${sep}${of === 'yhat' ? hat : of}`;
};
const spell = (names: Record<string, string>, grad: (id: string) => string, updated: (p: string) => string): Spelling => (id) =>
  names[id] ?? (id.startsWith('new ') ? updated(id.slice(4)) : /^d(w|b|z|a|yhat)/.test(id) ? grad(id) : id);

const SPELLINGS = {
  beside: spell({ yhat: 'yhat', L: 'loss', lr: 'lr' }, gradient('dL/d', '', 'yhat'), (p) => `new ${p}`),
  above: spell({ yhat: 'ŷ', L: 'L', lr: 'η' }, gradient('∂L/∂', '', 'ŷ'), (p) => `${p}'`),
  sheets: spell({ yhat: 'y_hat', L: 'Loss', lr: 'learning rate' }, gradient('dL_d', '', 'yhat'), (p) => `${p} (updated)`),
};

interface Placed {
  sheet: string;
  row: number;
  col: number;
}

interface Layout {
  name: keyof typeof SPELLINGS;
  sheets: string[];
  /** Where each row's value goes, and its label (beside: one column left; above: one row up). */
  place: (rows: Row[][], put: (r: Row, at: Placed, labelAt: Placed) => void, heading: (text: string, at: Placed) => void) => void;
}

/** Values in column B with labels beside them in A; no headings, so epochs come from the order labels repeat in. */
const BESIDE: Layout = {
  name: 'beside', sheets: ['Sheet1'],
  place(blocks, put) {
    let row = 1;
    for (const block of blocks) {
      for (const r of block) put(r, { sheet: 'Sheet1', row, col: 2 }, { sheet: 'Sheet1', row: row++, col: 1 });
      row++;
    }
  },
};

/** Labels in a row with values under them, eight to a row; `Epoch k` headings in column A. */
const ABOVE: Layout = {
  name: 'above', sheets: ['Net'],
  place(blocks, put, heading) {
    let row = 1;
    blocks.forEach((block, b) => {
      if (b > 0) heading(`Epoch ${b}`, { sheet: 'Net', row: row++, col: 1 });
      for (let i = 0; i < block.length; i += 8) {
        block.slice(i, i + 8).forEach((r, j) => put(r, { sheet: 'Net', row: row + 1, col: 2 + j }, { sheet: 'Net', row, col: 2 + j }));
        row += 3;
      }
    });
  },
};

/** Inputs and initial weights on one sheet; the epochs side by side on 'My sheet', each under an `Epoch k` heading. */
const SHEETS: Layout = {
  name: 'sheets', sheets: ['Inputs', 'My sheet'],
  place(blocks, put, heading) {
    let row = 1;
    for (const r of [...blocks[0]!, ...blocks[1]!.filter((r) => PARAMS.includes(r.id))]) put(r, { sheet: 'Inputs', row, col: 2 }, { sheet: 'Inputs', row: row++, col: 1 });
    blocks.slice(1).forEach((block, b) => {
      const col = 1 + 3 * b;
      heading(`Epoch ${b + 1}`, { sheet: 'My sheet', row: 1, col });
      let r = 2;
      for (const x of block) if (b > 0 || !PARAMS.includes(x.id)) put(x, { sheet: 'My sheet', row: r, col: col + 1 }, { sheet: 'My sheet', row: r++, col });
    });
  },
};

const col = (n: number) => String.fromCharCode(64 + n);
const address = (p: Placed) => `${col(p.col)}${p.row}`;

interface Built {
  bytes: Uint8Array;
  /** The cell of a row: `cell('new w8', 1)` → `Sheet1!B52`. */
  cell: (id: string, epoch: number) => string;
}

async function learnerWorkbook(layout: Layout, o: Learner = {}): Promise<Built> {
  const epochs = o.epochs ?? 2;
  const blocks = [INPUTS(), ...Array.from({ length: epochs }, (_, k) => epochRows(k + 1, o))];
  const where = new Map<string, Placed>();
  const labels: [Placed, string][] = [];
  const spellId = SPELLINGS[layout.name];
  const rowsAt: [Row, Placed][] = [];
  layout.place(
    blocks,
    (r, at, labelAt) => {
      where.set(`${r.id}@${r.epoch}`, at);
      labels.push([labelAt, spellId(r.id)]);
      rowsAt.push([r, at]);
    },
    (text, at) => labels.push([at, text]),
  );
  const find = (id: string, epoch: number) => where.get(`${id}@${epoch}`) ?? where.get(`${id}@0`);
  const wb = new ExcelJS.Workbook();
  for (const s of layout.sheets) wb.addWorksheet(s);
  for (const [at, text] of labels) wb.getWorksheet(at.sheet)!.getCell(address(at)).value = text;
  for (const [r, at] of rowsAt) {
    const cell = wb.getWorksheet(at.sheet)!.getCell(address(at));
    if (typeof r.content === 'number' || !r.content.startsWith('=')) {
      cell.value = r.content;
      continue;
    }
    const formula = r.content.slice(1).replace(/\{([^}@]+)(?:@(\d+))?\}/g, (_, id: string, k?: string) => {
      const target = find(id, k === undefined ? r.epoch : Number(k));
      if (!target) throw new Error(`test workbook: no row ${id}`);
      return target.sheet === at.sheet ? address(target) : `${quoteSheet(target.sheet)}!${address(target)}`;
    });
    cell.value = r.cached === undefined ? ({ formula } as ExcelJS.CellFormulaValue) : ({ formula, result: r.cached } as ExcelJS.CellFormulaValue);
  }
  for (const [sheet, at, value] of o.extra ?? []) wb.getWorksheet(sheet)!.getCell(at).value = value;
  const bytes = new Uint8Array(await wb.xlsx.writeBuffer());
  return {
    bytes,
    cell: (id, epoch) => {
      const at = find(id, epoch);
      if (!at) throw new Error(`test workbook: no row ${id}@${epoch}`);
      return formatRef({ sheet: at.sheet, address: address(at) });
    },
  };
}

// ---- the tests ---------------------------------------------------------------

describe('parseLabel', () => {
  it('parseLabel reads the ways learners write quantities, and ignores their helper cells', () => {
    const read = (s: string) => {
      const l = parseLabel(s);
      return l === undefined ? null : l.kind === 'epoch' ? `epoch ${l.epoch}` : l.kind === 'updated' ? `${l.name}+` : l.name;
    };
    expect(['w1', 'z₃', 'a4:', 'yhat', 'ŷ', 'loss', 'L', '∂L/∂w8', 'dL/dw8', 'dL_dw8', 'dL/dŷ', 'new w8', 'w8 (updated)', "w8'", 'w8_new', 'Epoch 2', 'x', 'lr', 'delta4', 'δ4', 'notes'].map(read)).toEqual([
      'w1', 'z3', 'a4', 'yhat1', 'yhat1', 'L', 'L', 'dL_dw8', 'dL_dw8', 'dL_dw8', 'dL_dyhat1', 'w8+', 'w8+', 'w8+', 'w8+', 'epoch 2', 'x1', 'lr', null, null, null,
    ]);
  });
});

interface Planted {
  name: string;
  layout: Layout;
  learner: Learner;
  config?: object;
  /** The quantity and cell the checker must name first. */
  first: [key: string, id: string, epoch: number];
}

const PLANTED: Planted[] = [
  { name: 'the wrong sign in an update', layout: BESIDE, learner: { plant: { id: 'new w8', epoch: 1, content: '={w8}+{lr}*{dw8}' } }, first: ['w8_e2', 'new w8', 1] },
  // Epochs side by side: epoch 2's z5 is read (row 17) before epoch 1's update of w8 (row 49); graph order still blames the update.
  { name: 'the wrong sign in an update, epochs side by side', layout: SHEETS, learner: { weights: VARIANT, plant: { id: 'new w8', epoch: 1, content: '={w8}+{lr}*{dw8}' } }, first: ['w8_e2', 'new w8', 1] },
  { name: 'a bias left out', layout: ABOVE, learner: { plant: { id: 'z4', epoch: 1, content: '={w5}*{a1}+{w6}*{a2}' } }, first: ['z4_e1', 'z4', 1] },
  { name: "ReLU' taken as 1 at z = 0", layout: SHEETS, learner: { weights: KINK, plant: { id: 'dz1', epoch: 1, content: '={da1}*IF({z1}>=0,1,0)' } }, first: ['dL_dz1_e1', 'dz1', 1] },
  { name: "a4 where ReLU'(z4) belongs", layout: BESIDE, learner: { weights: VARIANT, plant: { id: 'dz4', epoch: 1, content: '={da4}*{a4}' } }, first: ['dL_dz4_e1', 'dz4', 1] },
  { name: 'the ½ of ½SSE forgotten in dL/dŷ', layout: ABOVE, config: { loss: 'half_squared_error' }, learner: { half: true, weights: VARIANT, plant: { id: 'dyhat', epoch: 1, content: '=2*({yhat}-{y})' } }, first: ['dL_dyhat1_e1', 'dyhat', 1] },
  { name: 'a stale number typed over a formula', layout: SHEETS, learner: { weights: VARIANT, plant: { id: 'z4', epoch: 2, content: 0.65 } }, first: ['z4_e2', 'z4', 2] },
];

const CORRECT: [string, Layout, Learner][] = [
  ['article weights, labels beside', BESIDE, {}],
  ['article weights, labels above', ABOVE, {}],
  ["variant weights, two sheets, one named 'My sheet'", SHEETS, { weights: VARIANT }],
  ['a stale cached value under a right formula', BESIDE, { weights: VARIANT, plant: { id: 'z3', epoch: 1, content: '={w3}*{a1}+{w4}*{a2}+{b3}', cached: 42 } }],
];

describe('checkWorkbookInBrowser', () => {
  for (const [name, layout, learner] of CORRECT) {
    it(`checkWorkbookInBrowser(${name}) finds 0 mismatches`, async () => {
      const r = await checkWorkbookInBrowser((await learnerWorkbook(layout, learner)).bytes);
      expect([r.error, r.report?.mismatches, r.report?.first]).toEqual([undefined, 0, undefined]);
    });
  }
  for (const t of PLANTED) {
    it(`checkWorkbookInBrowser(${t.name}) names the planted cell first`, async () => {
      const b = await learnerWorkbook(t.layout, t.learner);
      const r = await checkWorkbookInBrowser(b.bytes, { config: t.config });
      expect(r.error).toBeUndefined();
      expect([r.report!.first?.key, r.report!.first?.cell]).toEqual([t.first[0], b.cell(t.first[1], t.first[2])]);
    });
  }
});

interface Bad {
  name: string;
  bytes: () => Promise<Uint8Array>;
  opts?: Parameters<typeof checkWorkbookInBrowser>[1];
  /** The one line the checker must give. */
  error: string;
}

const plantIn = (layout: Layout, id: string, content: string, extra?: Learner['extra']) => async () => (await learnerWorkbook(layout, { plant: { id, epoch: 1, content }, extra })).bytes;

const BAD: Bad[] = [
  { name: 'not a workbook', bytes: async () => new TextEncoder().encode('x,y\n1,1\n'), error: 'workbook.xlsx: is not an .xlsx workbook (it does not start like one); open it in Excel or LibreOffice and save it as an Excel Workbook (.xlsx)' },
  { name: '#DIV/0! in a mapped cell', bytes: plantIn(BESIDE, 'z3', '={w3}*{a1}/0'), error: 'Sheet1!B22 (z3_e1): the cell shows #DIV/0! (a division by zero)' },
  { name: 'a circular reference', bytes: plantIn(BESIDE, 'z3', '={z3}+{b3}'), error: 'Sheet1!B22 (z3_e1): the cell shows #CYCLE! (a circular reference (the formula depends on its own result))' },
  { name: 'text where a number belongs', bytes: plantIn(BESIDE, 'w3', 'about 0.3'), error: 'Sheet1!B7: text "about 0.3" where a number belongs (it is labelled "w3" at Sheet1!A7)' },
  {
    name: 'a label found twice (no headings)', bytes: plantIn(BESIDE, 'z3', '={w3}*{a1}+{w4}*{a2}+{b3}', [['Sheet1', 'D22', 'z3'], ['Sheet1', 'E22', 0.5]]),
    error: 'label "z3" found 3 times (Sheet1!A22, Sheet1!D22, Sheet1!A84) but most labels 2 times: remove the extra one, add an "Epoch k" heading above each block, or give a mapping file with --map',
  },
  {
    name: 'a label found twice in one epoch block', bytes: plantIn(SHEETS, 'z3', '={w3}*{a1}+{w4}*{a2}+{b3}', [['My sheet', 'A60', 'z3'], ['My sheet', 'B60', 0.5]]),
    error: "label \"z3\" found twice for z3_e1: at 'My sheet'!A6 (for 'My sheet'!B6) and at 'My sheet'!A60 (for 'My sheet'!B60); remove one, add an \"Epoch k\" heading above each block, or give a mapping file with --map",
  },
  { name: 'a mapping naming a missing sheet', bytes: async () => (await learnerWorkbook(BESIDE)).bytes, opts: { map: '{"x_1": "Sheet1!B1", "w1_e1": "Nope!B3"}' }, error: "mapping: w1_e1 → Nope!B3: there is no sheet Nope (sheets: Sheet1)" },
  { name: 'a mapping naming an empty cell', bytes: async () => (await learnerWorkbook(BESIDE)).bytes, opts: { map: '{"x_1": "Sheet1!B1", "w1_e1": "Sheet1!Z99"}' }, error: 'mapping: w1_e1 → Sheet1!Z99: the cell is empty' },
];

describe('checkWorkbookInBrowser with unusable input', () => {
  for (const t of BAD) {
    it(`checkWorkbookInBrowser(${t.name}) gives one line`, async () => {
      const r = await checkWorkbookInBrowser(await t.bytes(), t.opts);
      expect([r.error, r.report]).toEqual([t.error, undefined]);
    });
  }
});

/** Mazur's 2-2-2 sigmoid network with his weights and no biases, as the check config and as xlgrad's own workbook of it. */
const MAZUR_ARCH = { layers: [2, 2, 2], bias: false, activation: 'sigmoid', outputActivation: 'sigmoid', loss: 'half_squared_error' };
const mazurWorkbook = async (tamper?: (wb: ExcelJS.Workbook) => void) => {
  const config = normalizeConfig({ ...MAZUR_ARCH, x: [0.05, 0.1], y: [0.01, 0.99], lr: 0.5, epochs: 2, dtype: 'float64', init: { params: { w1: 0.15, w2: 0.2, w3: 0.25, w4: 0.3, w5: 0.4, w6: 0.45, w7: 0.5, w8: 0.55 } } });
  const bytes = await buildWorkbook(config);
  if (!tamper) return bytes;
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(Buffer.from(bytes) as unknown as ArrayBuffer);
  tamper(wb);
  return new Uint8Array(await wb.xlsx.writeBuffer());
};

describe('checkWorkbookInBrowser on a network without biases', () => {
  it('checkWorkbookInBrowser(xlgrad\'s workbook of Mazur\'s net without biases, {config}) finds 0 mismatches', async () => {
    const r = await checkWorkbookInBrowser(await mazurWorkbook(), { config: MAZUR_ARCH });
    expect([r.error, r.report?.source, r.report?.architecture, r.report?.epochs, r.report?.mismatches, r.report?.missing]).toEqual([undefined, 'names', '2-2-2 sigmoid without biases, loss half_squared_error', 2, 0, []]);
    expect(r.report!.checked).toBeGreaterThan(60);
  });

  it('checkWorkbookInBrowser(the same workbook with z3 in epoch 1 given a bias of 0.35) names z3_e1 first', async () => {
    const bytes = await mazurWorkbook((wb) => {
      const cell = wb.getWorksheet('Epoch 1')!.getCell('B9');
      expect((cell.value as { formula: string }).formula).toBe('w5_e1*a1_e1 + w6_e1*a2_e1');
      cell.value = { formula: 'w5_e1*a1_e1 + w6_e1*a2_e1 + 0.35', result: 0 } as ExcelJS.CellFormulaValue;
    });
    const r = await checkWorkbookInBrowser(bytes, { config: MAZUR_ARCH });
    expect([r.error, r.report?.first?.key, r.report?.first?.cell, r.report?.first?.definition]).toEqual([undefined, 'z3_e1', "'Epoch 1'!B9", 'z3_e1 = w5_e1 * a1_e1 + w6_e1 * a2_e1']);
  });
});

describe('checkWorkbookInBrowser refuses a config it cannot check', () => {
  it.each([
    [{ x: [[1], [2]], y: [[1], [0]], batchSize: 1 }, 'config: batchSize: the checker compares full-batch training (batchSize 2, every sample in each step) for now, got 1'],
    [{ optimizer: { name: 'sgd', momentum: 0.9 } }, 'config: optimizer: the checker compares plain SGD for now (momentum 0, weight decay 0), got momentum 0.9'],
    [{ optimizer: 'adam' }, 'config: optimizer: the checker compares plain SGD for now (momentum 0, weight decay 0), got adam'],
    [{ layers: [1, 2, 3], loss: 'cross_entropy' }, 'config: loss: the checker covers squared_error, mse and half_squared_error for now, got cross_entropy'],
  ])('checkWorkbookInBrowser(bytes, {config: %j}) gives one line', async (config, error) => {
    const r = await checkWorkbookInBrowser((await learnerWorkbook(BESIDE)).bytes, { config });
    expect([r.error, r.report]).toEqual([error, undefined]);
  });
});

describe('annotateWorkbook', () => {
  it('annotateWorkbook(bytes, report) paints a copy: red with a note on the wrong cells, green on the right ones', async () => {
    const b = await learnerWorkbook(BESIDE, { plant: { id: 'new w8', epoch: 1, content: '={w8}+{lr}*{dw8}' } });
    const before = b.bytes.slice();
    const { report } = await checkWorkbookInBrowser(b.bytes);
    const copy = new ExcelJS.Workbook();
    await copy.xlsx.load((await annotateWorkbook(b.bytes, report!)) as unknown as ArrayBuffer);
    const ws = copy.getWorksheet('Sheet1')!;
    const look = (ref: string) => {
      const c = ws.getCell(ref.split('!')[1]!);
      return { fill: (c.fill as ExcelJS.FillPattern | undefined)?.fgColor?.argb, note: typeof c.note === 'string' ? c.note.split('\n')[0] : undefined };
    };
    expect([look(b.cell('new w8', 1)), look(b.cell('z1', 1)), look(b.cell('w1', 1))]).toEqual([
      { fill: 'FFFFC7CE', note: 'FIRST MISMATCH: the cells it depends on agree, so the mistake is here.' },
      { fill: 'FFC6EFCE', note: undefined },
      { fill: 'FFDDEBF7', note: undefined },
    ]);
    expect(b.bytes).toEqual(before);
  });
});

describe('mapping round trip', () => {
  it('checkWorkbookInBrowser(bytes, {map: its own detected mapping}) gives the same rows', async () => {
    const b = await learnerWorkbook(SHEETS, { weights: VARIANT, plant: { id: 'dz4', epoch: 1, content: '={da4}*{a4}' } });
    const detected = await checkWorkbookInBrowser(b.bytes);
    const mapped = await checkWorkbookInBrowser(b.bytes, { map: detected.mappingJson });
    const plain = (r: typeof detected) => r.report!.rows.map((row) => [row.key, row.cell, row.verdict]);
    expect([mapped.report!.source, plain(mapped)]).toEqual(['map', plain(detected)]);
  });
});

// ---- the command, through LibreOffice ------------------------------------------

const SKIP_LIBREOFFICE = process.env.XLGRAD_SKIP_LIBREOFFICE === '1';
const dir = mkdtempSync(join(tmpdir(), 'xlgrad-check-'));
let saved = 0;
const save = (bytes: Uint8Array, name = `learner${++saved}.xlsx`) => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** `xlgrad check ...args` as plain data: exit code and the lines printed. */
async function xlgradCheck(...args: string[]) {
  const out: string[] = [], err: string[] = [];
  const status = await main(['check', ...args], { out: (s) => out.push(...s.split('\n')), err: (s) => err.push(...s.split('\n')) });
  return { status, out, err };
}

describe('LibreOffice', () => {
  it.skipIf(SKIP_LIBREOFFICE)('is installed (set XLGRAD_SKIP_LIBREOFFICE=1 to skip the checks that need it)', async () => {
    const { libreOfficeStatus, INSTALL_HINT } = await import('../src/libreoffice/libreoffice.ts');
    const status = libreOfficeStatus();
    expect(status, INSTALL_HINT).toEqual({ ok: true });
  });
});

describe.skipIf(SKIP_LIBREOFFICE)('xlgrad check <their.xlsx>', () => {
  for (const [name, layout, learner] of CORRECT) {
    it(`xlgrad check (${name}) exits 0 with 0 mismatches`, async () => {
      const path = save((await learnerWorkbook(layout, learner)).bytes);
      const r = await xlgradCheck(path);
      expect([r.status, r.err, r.out.at(-1)!.replace(/\d+ checked/, 'N checked')]).toEqual([0, [], 'all N checked cells agree with the engine (0 mismatches).']);
    });
  }
  for (const t of PLANTED) {
    it(`xlgrad check (${t.name}) exits 1 and names the planted cell first`, async () => {
      const b = await learnerWorkbook(t.layout, t.learner);
      const path = save(b.bytes);
      const before = sha(path);
      const args = t.config ? [path, '--config', save(new TextEncoder().encode(JSON.stringify(t.config)), `c${saved}.json`)] : [path];
      const r = await xlgradCheck(...args);
      const first = r.out.filter((l) => l.startsWith('first mismatch:'));
      expect([r.status, first.length, first[0]?.startsWith(`first mismatch: ${t.first[0]} at ${b.cell(t.first[1], t.first[2])}: expected `), sha(path)]).toEqual([1, 1, true, before]);
    });
  }
  it('xlgrad check --out marked.xlsx writes an annotated copy and leaves the original byte-identical', async () => {
    const b = await learnerWorkbook(ABOVE, { plant: { id: 'z4', epoch: 1, content: '={w5}*{a1}+{w6}*{a2}' } });
    const path = save(b.bytes);
    const before = sha(path);
    const out = join(dir, 'marked.xlsx');
    const r = await xlgradCheck(path, '--out', out);
    const copy = new ExcelJS.Workbook();
    await copy.xlsx.load(readFileSync(out) as unknown as ArrayBuffer);
    const cell = copy.getWorksheet('Net')!.getCell(b.cell('z4', 1).split('!')[1]!);
    expect([r.status, (cell.fill as ExcelJS.FillPattern).fgColor?.argb, String(cell.note).split('\n')[1]?.startsWith('xlgrad: z4_e1 should be 0.187'), sha(path)]).toEqual([1, 'FFFFC7CE', true, before]);
  });
  it('xlgrad check --print-map prints JSON that --map reads back', async () => {
    const path = save((await learnerWorkbook(SHEETS, { weights: KINK, plant: { id: 'dz1', epoch: 1, content: '={da1}*IF({z1}>=0,1,0)' } })).bytes);
    const printed = await xlgradCheck(path, '--print-map');
    const map = save(new TextEncoder().encode(printed.out.join('\n')), 'map.json');
    const [labels, mapped] = [await xlgradCheck(path), await xlgradCheck(path, '--map', map)];
    const first = (r: typeof labels) => r.out.find((l) => l.startsWith('first mismatch:'));
    expect([printed.status, JSON.parse(printed.out.join('\n')).x_1, mapped.status, first(mapped)]).toEqual([0, 'Inputs!B1', 1, first(labels)]);
  });
});

/** A compound-file header and the stream name Office gives an encrypted package (crafted: not a full OLE file). */
function encryptedLookalike(): Uint8Array {
  const header = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
  const name = [...'EncryptedPackage'].flatMap((c) => [c.charCodeAt(0), 0]);
  const bytes = new Uint8Array(4096);
  bytes.set(header, 0);
  bytes.set(name, 1024);
  return bytes;
}

describe('xlgrad check with unusable input: one line, exit 2, the file untouched', () => {
  const cases: { name: string; file: () => Promise<string>; args?: string[]; error: RegExp; libreoffice?: true }[] = [
    { name: 'not a workbook', file: async () => save(new TextEncoder().encode('x,y\n1,1\n'), 'data.xlsx'), error: /data\.xlsx: is not an \.xlsx workbook \(it does not start like one\); open it in Excel or LibreOffice and save it as an Excel Workbook \(\.xlsx\)$/ },
    { name: 'an .xlsm', file: async () => save((await learnerWorkbook(BESIDE)).bytes, 'macros.xlsm'), error: /macros\.xlsm: is a macro-enabled workbook \(\.xlsm\), which is not checked; save a copy as an Excel Workbook \(\.xlsx\)$/ },
    { name: 'an .xls', file: async () => save(Uint8Array.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, ...new Array(504).fill(0)]), 'old.xls'), error: /old\.xls: is an old-format \.xls workbook; open it in Excel or LibreOffice and save it as an Excel Workbook \(\.xlsx\)$/ },
    { name: 'a password-protected workbook (crafted)', file: async () => save(encryptedLookalike(), 'secret.xlsx'), error: /secret\.xlsx: the workbook is password-protected; remove the password/ },
    { name: 'a huge file', file: async () => { const p = save(new Uint8Array(0), 'huge.xlsx'); truncateSync(p, 21 * 2 ** 20); return p; }, error: /huge\.xlsx: the workbook is 22,020,096 bytes; at most 20,971,520 bytes \(20 MB\) are allowed$/ },
    { name: '#REF! in a mapped cell', libreoffice: true, file: async () => save(await plantIn(BESIDE, 'z3', '=#REF!*2')()), error: /Sheet1!B22 \(z3_e1\): the cell shows .*(#REF!|524).* \(a reference to a cell that no longer exists\)$/ },
    { name: '#DIV/0! in a mapped cell', libreoffice: true, file: async () => save(await plantIn(BESIDE, 'z3', '={w3}*{a1}/0')()), error: /Sheet1!B22 \(z3_e1\): the cell shows .*(#DIV\/0!|532).* \(a division by zero\)$/ },
    { name: 'a circular reference', libreoffice: true, file: async () => save(await plantIn(BESIDE, 'z3', '={z3}+{b3}')()), error: /Sheet1!B22 \(z3_e1\): the cell shows .* \(a circular reference \(the formula depends on its own result\)\)$/ },
    { name: 'text where a number belongs', libreoffice: true, file: async () => save(await plantIn(BESIDE, 'w3', 'about 0.3')()), error: /Sheet1!B7: text "about 0\.3" where a number belongs \(it is labelled "w3" at Sheet1!A7\)$/ },
    { name: 'a label found twice', libreoffice: true, file: async () => save(await plantIn(SHEETS, 'z3', '={w3}*{a1}+{w4}*{a2}+{b3}', [['My sheet', 'A60', 'z3'], ['My sheet', 'B60', 0.5]])()), error: /label "z3" found twice for z3_e1: at 'My sheet'!A6 \(for 'My sheet'!B6\) and at 'My sheet'!A60 \(for 'My sheet'!B60\)/ },
    { name: 'a mapping naming a missing sheet', libreoffice: true, file: async () => save((await learnerWorkbook(BESIDE)).bytes), args: ['--map', 'MAP:{"x_1": "Sheet1!B1", "w1_e1": "Nope!B3"}'], error: /map\d*\.json: w1_e1 → Nope!B3: there is no sheet Nope \(sheets: Sheet1\)$/ },
    { name: 'a mapping naming an empty cell', libreoffice: true, file: async () => save((await learnerWorkbook(BESIDE)).bytes), args: ['--map', 'MAP:{"x_1": "Sheet1!B1", "w1_e1": "Sheet1!Z99"}'], error: /map\d*\.json: w1_e1 → Sheet1!Z99: the cell is empty$/ },
    { name: 'a config with mini-batches', file: async () => save((await learnerWorkbook(BESIDE)).bytes), args: ['--config', 'CONFIG:{"x": [[1], [2], [3]], "y": [[1], [0], [1]], "batchSize": 2}'], error: /config\d*\.json: batchSize: the checker compares full-batch training \(batchSize 3, every sample in each step\) for now, got 2$/ },
  ];
  for (const c of cases) {
    it.skipIf(c.libreoffice && SKIP_LIBREOFFICE)(`xlgrad check (${c.name})`, async () => {
      const path = await c.file();
      const before = sha(path);
      const file = (prefix: string, a: string) => save(new TextEncoder().encode(a.slice(prefix.length + 1)), `${prefix.toLowerCase()}${++saved}.json`);
      const args = (c.args ?? []).map((a) => (a.startsWith('MAP:') ? file('MAP', a) : a.startsWith('CONFIG:') ? file('CONFIG', a) : a));
      const r = await xlgradCheck(path, ...args);
      expect([r.status, r.err.length, r.out]).toEqual([2, 1, []]);
      expect(r.err[0]).toMatch(/^xlgrad check: /);
      expect(r.err[0]).toMatch(c.error);
      expect(sha(path)).toBe(before);
    });
  }
});

// ---- the course template: a header row over one row per iteration ----------------------
//
// Mazur's 2-2-2 sigmoid network without biases, ½·squared error, 60 iterations,
// every formula typed as a learner types it (courseWorkbook.ts). No --config and
// no mapping: the layout, the learning rate and the network are all found.

const COURSE: Sheet = { name: 'Sheet1', lr: 0.5 };
const gradientHeadings = (f: (i: number) => string) => Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`g${i + 1}`, f(i + 1)]));
/** Columns in another order, Mazur's net_/out_ headings, trailing spaces, and `η =` two cells left of its value. */
const REORDERED: Sheet = {
  name: 'Backprop', lr: 0.5, lrLabel: ['η =', 2],
  order: ['epoch', 'i1', 'i2', 't1', 't2', 'w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7', 'w8', 'h1', 'h2', 'a_h1', 'a_h2', 'o1', 'o2', 'a_o1', 'a_o2', 'g1', 'g2', 'g3', 'g4', 'g5', 'g6', 'g7', 'g8', 'E1', 'E2', 'E'],
  headings: { h1: 'net_h1', h2: 'net_h2', a_h1: 'out_h1 ', a_h2: 'out_h2 ', o1: 'net_o1', o2: 'net_o2', a_o1: 'out_o1', a_o2: 'out_o2', E: 'E_tot', ...gradientHeadings((i) => `dE/dw${i} `) },
};
/** One experiment per sheet, each with its own learning rate, label and gradient headings. */
const SIX: Sheet[] = ([[0.1, 'LR', '∂E/∂w'], [0.25, 'learning_rate', 'dE/dw'], [0.5, 'Learning Rate', 'E∂w'], [1, 'eta', '∂E_total/∂w'], [2, 'η =', '∂E/∂w'], [5, 'LR', 'dE/dw']] as const).map(([lr, label, grad]) => ({
  name: `lr ${lr}`, lr, lrLabel: [label, 1] as [string, 1], headings: { E: lr === 5 ? 'E' : 'E_Total', ...gradientHeadings((i) => `${grad}${i}`) },
}));

const δo1 = '({a_o1}-{t1})*{a_o1}*(1-{a_o1})', δo2 = '({a_o2}-{t2})*{a_o2}*(1-{a_o2})';
const COURSE_BUGS: { name: string; plant: Record<string, string>; roots: [key: string, column: string][] }[] = [
  { name: 'a_h1 where a_h2 belongs in ∂E/∂w3', plant: { g3: `=(${δo1}*{w6}+${δo2}*{w8})*{a_h1}*(1-{a_h1})*{i1}` }, roots: [['dL_dw3_e1', 'g3']] },
  { name: 'pre-activations h1, h2 where a_h1, a_h2 belong in o1', plant: { o1: '={w5}*{h1}+{w6}*{h2}' }, roots: [['z3_e1', 'o1']] },
  { name: "the wrong unit's σ′ in ∂E/∂w5", plant: { g5: '=({a_o1}-{t1})*{a_o2}*(1-{a_o2})*{a_h1}' }, roots: [['dL_dw5_e1', 'g5']] },
  // Graph order: the output layer's gradients come before the hidden layer's.
  { name: 'two independent bugs, in ∂E/∂w3 and ∂E/∂w7', plant: { g3: `=(${δo1}*{w6}+${δo2}*{w8})*{a_h1}*(1-{a_h1})*{i1}`, g7: `=${δo2}*{a_h2}` }, roots: [['dL_dw7_e1', 'g7'], ['dL_dw3_e1', 'g3']] },
];

const MAZUR_NETWORK = { layers: [2, 2, 2], bias: false, activation: 'sigmoid', outputActivation: 'sigmoid', loss: 'half_squared_error' };
type Doc = { verdict: string; message: string; runs: { sheet: string; network: Record<string, unknown> & { inferred: string[] }; epochs: number; samples: number; checked: number; mismatches: number; rootCauses: { quantity: string; cell: string; references?: string }[] }[] };
const runOf = (d: Doc['runs'][number]) => {
  const { inferred: _, ...network } = d.network;
  return { sheet: d.sheet, network, epochs: d.epochs, samples: d.samples, mismatches: d.mismatches };
};

describe('the course template, with no argument', () => {
  it("courseWorkbook([COURSE]) recalculated reproduces PyTorch's recorded run of Mazur's net (mazur-nobias.json) for 60 iterations", async () => {
    const fixture = JSON.parse(readFileSync(new URL('../fixtures/pytorch/mazur-nobias.json', import.meta.url), 'utf8')) as { epochs: { params: Params; nodes: Params; grads: Params }[] };
    const cells = recalculateBook(await readXlsx(await courseWorkbook([COURSE]))).sheets[0]!.cells;
    const column: Record<string, string> = { z1: 'h1', z2: 'h2', a1: 'a_h1', a2: 'a_h2', z3: 'o1', z4: 'o2', yhat1: 'a_o1', yhat2: 'a_o2', L: 'E' };
    const far: string[] = [];
    fixture.epochs.slice(0, 60).forEach((e, i) => {
      const expected = [...Object.entries(e.params), ...Object.entries(e.nodes).map(([n, v]) => [column[n]!, v] as const), ...Object.entries(e.grads).map(([p, v]) => [`g${p.slice(1)}`, v] as const)];
      for (const [id, v] of expected) {
        const theirs = cells[cellOf(COURSE, id, i + 1).split('!')[1]!]!.value as number;
        if (!(Math.abs(theirs - v) <= 1e-13 * Math.abs(v))) far.push(`${id} in iteration ${i + 1}: ${theirs} vs PyTorch ${v}`);
      }
    });
    expect(far).toEqual([]);
  });

  for (const [name, sheets] of [['the template', [COURSE]], ['columns reordered, net_h1/out_o1/dE/dw1 headings, η = two cells left', [REORDERED]]] as const) {
    it(`checkWorkbookInBrowser(${name}) infers Mazur's network and agrees over 60 iterations`, async () => {
      const r = await checkWorkbookInBrowser(await courseWorkbook([...sheets]));
      const doc = r.document as Doc;
      expect([r.error, doc.verdict, doc.runs.map(runOf)]).toEqual([undefined, 'agree', [{ sheet: sheets[0].name, network: { ...MAZUR_NETWORK, lr: 0.5 }, epochs: 60, samples: 1, mismatches: 0 }]]);
      expect(doc.runs[0]!.checked).toBeGreaterThan(60 * 20);
      expect(doc.runs[0]!.network.inferred.map((l) => l.split(':')[0])).toEqual(['layers 2-2-2', 'no biases', 'activation sigmoid', 'output activation sigmoid', 'loss half_squared_error']);
    });
  }

  it('checkWorkbookInBrowser(six sheets, one learning rate each) checks six runs, each with its own learning rate', async () => {
    const doc = (await checkWorkbookInBrowser(await courseWorkbook(SIX))).document as Doc;
    expect([doc.verdict, doc.runs.map(runOf)]).toEqual(['agree', SIX.map((s) => ({ sheet: s.name, network: { ...MAZUR_NETWORK, lr: s.lr }, epochs: 60, samples: 1, mismatches: 0 }))]);
  });

  for (const bug of COURSE_BUGS) {
    it(`checkWorkbookInBrowser(${bug.name}) names ${bug.roots.length === 1 ? 'the planted cell as the first root cause' : 'both planted cells as the root causes'}`, async () => {
      const doc = (await checkWorkbookInBrowser(await courseWorkbook([{ ...COURSE, plant: bug.plant }]))).document as Doc;
      const roots = doc.runs[0]!.rootCauses.map((c) => [c.quantity, c.cell]);
      const planted = bug.roots.map(([key, column]) => [key, cellOf(COURSE, column, 1)]);
      expect([doc.verdict, bug.roots.length === 1 ? roots[0] : roots]).toEqual(['mismatch', bug.roots.length === 1 ? planted[0] : planted]);
      expect(doc.runs[0]!.mismatches).toBeGreaterThan(100);
    });
  }

  it('checkWorkbookInBrowser(a second sheet whose first weights are the first sheet\'s last update) checks one run of 60 iterations', async () => {
    const part1: Sheet = { name: 'Part 1', lr: 0.5, iterations: 30 };
    const doc = (await checkWorkbookInBrowser(await courseWorkbook([part1, { name: 'Part 2', lr: 0.5, iterations: 30, continues: part1 }]))).document as Doc & { runs: { notes: string[] }[] };
    expect([doc.verdict, doc.runs.map(runOf), doc.runs[0]!.notes[0]]).toEqual(['agree', [{ sheet: 'Part 1', network: { ...MAZUR_NETWORK, lr: 0.5 }, epochs: 60, samples: 1, mismatches: 0 }], "sheets Part 1, Part 2 are one run: each one's first weights read the sheet before"]);
  });

  it('checkWorkbookInBrowser(o1, o2 headings over the outputs, no net_o columns) reads them as the outputs', async () => {
    const sheet: Sheet = {
      ...COURSE, order: ORDER.filter((id) => id !== 'o1' && id !== 'o2'), headings: { a_o1: 'o1', a_o2: 'o2' },
      plant: { a_o1: '=1/(1+EXP(-({w5}*{a_h1}+{w6}*{a_h2})))', a_o2: '=1/(1+EXP(-({w7}*{a_h1}+{w8}*{a_h2})))' },
    };
    const doc = (await checkWorkbookInBrowser(await courseWorkbook([sheet]))).document as Doc;
    expect([doc.verdict, doc.runs.map(runOf)[0]!.network, doc.runs[0]!.network.inferred.find((l) => l.startsWith('o1'))]).toEqual(['agree', { ...MAZUR_NETWORK, lr: 0.5 }, 'o1, o2, … read as the outputs: the other reading does not reproduce the first iteration']);
  });

  it('checkWorkbookInBrowser(the learning rate unlabelled) takes the absolute cell every update multiplies', async () => {
    const r = await checkWorkbookInBrowser(await courseWorkbook([{ ...COURSE, lrLabel: ['(try 0.1 too)', 1] }]));
    expect([r.result?.verdict, r.report?.lr, r.report?.notes.find((n) => n.startsWith('learning rate'))]).toEqual(['agree', 0.5, 'learning rate: no label found; taken from Sheet1!H2, the absolute cell every weight update of the second row multiplies']);
  });

  it('checkWorkbookInBrowser(a last row holding only the weights\' last update) checks it against the weights after the run', async () => {
    const r = await checkWorkbookInBrowser(await courseWorkbook([{ ...COURSE, finalUpdate: true }]));
    const last = r.report!.rows.filter((row) => row.cell === cellOf(COURSE, 'w8', 61));
    expect([r.result?.verdict, r.report?.epochs, last.map((row) => [row.key, row.verdict])]).toEqual(['agree', 60, [['w8_e61', 'ok']]]);
  });

  it('checkWorkbookInBrowser(E1 and E2 columns) says they are not checked and why', async () => {
    const r = await checkWorkbookInBrowser(await courseWorkbook([COURSE]));
    expect(r.report!.notes.filter((n) => n.includes('E1'))).toEqual(["not checked: E1 (Sheet1!V4), E2 (Sheet1!W4): each output's own error term ½(t − o)², which xlgrad's graph does not name (their sum, E_total, is checked as L)"]);
  });
});

describe('the expected formula in the learner\'s own cells', () => {
  it('references(formula, sheet) lists the cells read: ranges by their corners, other sheets, $, not strings or LOG10(', () => {
    expect(references(`=SUM(A1:A3)+Sheet2!B4*'My sheet'!$C$5+LOG10(2)+LEN("A1")+x_1`, 'Sheet1', (n) => (n === 'x_1' ? 'Inputs!B1' : undefined))).toEqual(['Sheet1!A1', 'Sheet1!A3', 'Sheet2!B4', "'My sheet'!C5", 'Inputs!B1']);
  });

  it('checkWorkbookInBrowser(examples/course-buggy.xlsx) writes ∂E/∂w3 over row 5 and says a_h1 (O5) stands where a_h2 (Q5) belongs', async () => {
    const bytes = new Uint8Array(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', 'examples', 'course-buggy.xlsx')));
    const root = (await checkWorkbookInBrowser(bytes)).report!.first!;
    // Row 5 of the template: t1 B, t2 C, i1 D, w6 K, w8 M, a_h2 Q, a_o1 S, a_o2 U (courseWorkbook.ts).
    const read = references(root.expectedFormula!, 'Sheet1').map((c) => c.split('!')[1]);
    expect([root.key, root.cell, root.definition, [...new Set(read)].sort(), root.references]).toEqual([
      'dL_dw3_e1', 'Sheet1!AA5', 'dL_dw3_e1 = dL_dz2_e1 * x_1', ['B5', 'C5', 'D5', 'K5', 'M5', 'Q5', 'S5', 'U5'], 'uses O5 (a_h1) where a_h2 (Q5) belongs',
    ]);
  });

  for (const bug of COURSE_BUGS) {
    it(`checkWorkbookInBrowser(${bug.name}) gives expected formulas that, typed into the root causes' cells, agree with the engine`, async () => {
      const bytes = await courseWorkbook([{ ...COURSE, plant: bug.plant }]);
      const roots = (await checkWorkbookInBrowser(bytes)).report!.rootCauses;
      let fixed = bytes;
      for (const r of roots) fixed = await withFormula(fixed, r.cell, r.expectedFormula!);
      const again = (await checkWorkbookInBrowser(fixed)).report!;
      // The mistake is in every row: fixed in row 5, the same cells of row 6 are the root causes now.
      const verdicts = roots.map((r) => again.rows.find((row) => row.cell === r.cell && row.key === r.key)!.verdict);
      expect([verdicts, again.rootCauses.map((c) => c.cell)]).toEqual([roots.map(() => 'ok'), roots.map((r) => r.cell.replace(/5$/, '6'))]);
    });
  }

  it('checkWorkbookInBrowser(pre-activations where activations belong in o1) names both wrong cells', async () => {
    const root = (await checkWorkbookInBrowser(await courseWorkbook([{ ...COURSE, plant: COURSE_BUGS[1]!.plant }]))).report!.first!;
    // h1 N5, a_h1 O5, h2 P5, a_h2 Q5 (courseWorkbook.ts's order).
    expect([root.key, root.references]).toEqual(['z3_e1', 'uses N5 (h1), P5 (h2), which the expected formula does not read; leaves out O5 (a_h1), Q5 (a_h2)']);
  });

  for (const t of PLANTED) {
    it(`checkWorkbookInBrowser(${t.name}) gives an expected formula that, typed into the cell, agrees with the engine`, async () => {
      const b = await learnerWorkbook(t.layout, t.learner);
      const first = (await checkWorkbookInBrowser(b.bytes, { config: t.config })).report!.first!;
      const again = (await checkWorkbookInBrowser(await withFormula(b.bytes, first.cell, first.expectedFormula!), { config: t.config })).report!;
      expect([again.mismatches, again.rows.find((row) => row.cell === first.cell)!.verdict]).toEqual([0, 'ok']);
    });
  }

  it('expectedInCells(a deep net, ∂L/∂w1 with only parameters and inputs in cells) gives no formula rather than one longer than Excel allows', () => {
    const config = normalizeConfig({ layers: [2, 8, 8, 8, 8, 8, 2], activation: 'sigmoid', outputActivation: 'sigmoid', x: [0.1, 0.2], y: [0, 1], lr: 0.1, epochs: 1, bias: false });
    const net = networkOf(config);
    let row = 0;
    const mapping = Object.fromEntries([...net.params.map((p) => `${p}_e1`), 'x_1', 'x_2', 'y_1', 'y_2'].map((k) => [k, [`Sheet1!B${++row}`]]));
    const everything = { ...mapping, ...Object.fromEntries([...net.nodes, ...net.adjoints].map((n) => [`${n}_e1`, [`Sheet1!B${++row}`]])) };
    const q = parseQuantity('dL_dw1_e1')!;
    const [bare, full] = [expectedInCells(net, q, 1, mapping, 'Sheet1!C1'), expectedInCells(net, q, 1, everything, 'Sheet1!C1')];
    expect([bare, full?.formula]).toEqual([undefined, `=B${row - net.adjoints.length + net.adjoints.indexOf('dL_dz1') + 1}*B${net.params.length + 1}`]);
    // One hidden layer of 8: written out in full it fits.
    const shallow = networkOf(normalizeConfig({ ...config, layers: [2, 8, 2], bias: false }));
    const inputs = Object.fromEntries([...shallow.params.map((p) => `${p}_e1`), 'x_1', 'x_2', 'y_1', 'y_2'].map((k, i) => [k, [`Sheet1!B${i + 1}`]]));
    expect(expectedInCells(shallow, q, 1, inputs, 'Sheet1!C1')?.formula.length).toBeLessThan(8192);
  });

  it("checkWorkbookInBrowser(a4 where ReLU'(z4) belongs, labels beside) says which reference differs", async () => {
    const b = await learnerWorkbook(BESIDE, { weights: VARIANT, plant: { id: 'dz4', epoch: 1, content: '={da4}*{a4}' } });
    const first = (await checkWorkbookInBrowser(b.bytes)).report!.first!;
    const at = (id: string) => b.cell(id, 1).split('!')[1];
    expect(first.references).toBe(`uses ${at('a4')} (a4) where z4 (${at('z4')}) belongs`);
  });

  it('checkWorkbookInBrowser(the wrong sign in an update) gives the update over the learner\'s cells with the learning rate absolute, and no wrong reference', async () => {
    const b = await learnerWorkbook(BESIDE, { plant: { id: 'new w8', epoch: 1, content: '={w8}+{lr}*{dw8}' } });
    const first = (await checkWorkbookInBrowser(b.bytes)).report!.first!;
    const at = (id: string, k = 1) => b.cell(id, k).split('!')[1]!;
    expect([first.expectedFormula, first.references]).toEqual([`=${at('w8')} - ${at('lr', 0).replace(/([A-Z]+)(\d+)/, '$$$1$$$2')}*${at('dw8')}`, undefined]);
  });
});

describe('the course template with the opposite sign: (t − a_o) in the gradients, w + η·∂', () => {
  const OPPOSITE: Sheet = { ...COURSE, sign: 'opposite' };
  const NOTE = 'gradients with the opposite sign: ∂E_total/∂w1, ∂E_total/∂w2, ∂E_total/∂w3, ∂E_total/∂w4, … hold −∂E/∂w, the update then adds them, w + η·(the cell); read with that sign, and every cell after them checked as usual';

  it("courseWorkbook([{sign: 'opposite'}]) recalculated holds PyTorch's weights and the negated gradients of mazur-nobias.json", async () => {
    const fixture = JSON.parse(readFileSync(new URL('../fixtures/pytorch/mazur-nobias.json', import.meta.url), 'utf8')) as { epochs: { params: Params; grads: Params }[] };
    const cells = recalculateBook(await readXlsx(await courseWorkbook([OPPOSITE]))).sheets[0]!.cells;
    const far: string[] = [];
    fixture.epochs.slice(0, 60).forEach((e, i) => {
      for (const [id, v] of [...Object.entries(e.params), ...Object.entries(e.grads).map(([p, g]) => [`g${p.slice(1)}`, -g] as const)]) {
        const theirs = cells[cellOf(OPPOSITE, id, i + 1).split('!')[1]!]!.value as number;
        if (!(Math.abs(theirs - v) <= 1e-13 * Math.abs(v))) far.push(`${id} in iteration ${i + 1}: ${theirs} vs ${v}`);
      }
    });
    expect(far).toEqual([]);
  });

  it('checkWorkbookInBrowser(opposite sign) infers Mazur\'s network, agrees over 60 iterations and says so in one note', async () => {
    const r = await checkWorkbookInBrowser(await courseWorkbook([OPPOSITE]));
    const doc = r.document as Doc & { runs: { notes: string[] }[] };
    expect([doc.verdict, doc.runs.map(runOf), doc.runs[0]!.notes.filter((n) => n.includes('opposite sign'))]).toEqual(['agree', [{ sheet: 'Sheet1', network: { ...MAZUR_NETWORK, lr: 0.5 }, epochs: 60, samples: 1, mismatches: 0 }], [NOTE]]);
    expect(r.lines).toContain(NOTE);
  });

  for (const bug of COURSE_BUGS) {
    it(`checkWorkbookInBrowser(opposite sign, ${bug.name}) names the planted cells, and their expected formulas typed in agree`, async () => {
      const bytes = await courseWorkbook([{ ...OPPOSITE, plant: bug.plant }]);
      const report = (await checkWorkbookInBrowser(bytes)).report!;
      const planted = bug.roots.map(([key, column]) => [key, cellOf(COURSE, column, 1)]);
      expect(report.rootCauses.map((c) => [c.key, c.cell])).toEqual(planted);
      let fixed = bytes;
      for (const r of report.rootCauses) fixed = await withFormula(fixed, r.cell, r.expectedFormula!);
      const again = (await checkWorkbookInBrowser(fixed)).report!;
      expect([report.rootCauses.map((r) => again.rows.find((row) => row.cell === r.cell && row.key === r.key)!.verdict), again.rootCauses.map((c) => c.cell)]).toEqual([bug.roots.map(() => 'ok'), planted.map(([, cell]) => cell!.replace(/5$/, '6'))]);
    });
  }

  it('checkWorkbookInBrowser(opposite sign, ∂E/∂w3 written out) gives it over row 5 with (t − a_o) as the sheet writes it', async () => {
    const root = (await checkWorkbookInBrowser(await courseWorkbook([{ ...OPPOSITE, plant: COURSE_BUGS[0]!.plant }]))).report!.first!;
    // t1 B5, t2 C5, i1 D5, w6 K5, w8 M5, a_h2 Q5, a_o1 S5, a_o2 U5: the engine's formula with each (S5 - B5) turned round.
    expect(root.expectedFormula).toBe('=(0.5*(2*(B5 - S5))*(1 - S5)*S5*K5 + 0.5*(2*(C5 - U5))*(1 - U5)*U5*M5)*(1 - Q5)*Q5*D5');
  });
});

describe('xlgrad check <course template> --recalc builtin', () => {
  it('xlgrad check correct.xlsx --json exits 0 with verdict agree', async () => {
    const r = await xlgradCheck(save(await courseWorkbook([COURSE])), '--json', '--recalc', 'builtin');
    const doc = JSON.parse(r.out.join('\n')) as Doc;
    expect([r.status, doc.verdict, doc.message.replace(/\d+ checked/, 'N checked'), doc.runs.map(runOf)]).toEqual([0, 'agree', 'all N checked cells agree with the engine', [{ sheet: 'Sheet1', network: { ...MAZUR_NETWORK, lr: 0.5 }, epochs: 60, samples: 1, mismatches: 0 }]]);
  });

  it('xlgrad check buggy.xlsx --json exits 1 and lists both root causes with their formulas and the wrong reference', async () => {
    const bug = COURSE_BUGS.at(-1)!;
    const r = await xlgradCheck(save(await courseWorkbook([{ ...COURSE, plant: bug.plant }])), '--json', '--recalc', 'builtin');
    const doc = JSON.parse(r.out.join('\n')) as { verdict: string; runs: { rootCauses: Record<string, unknown>[] }[] };
    expect([r.status, doc.verdict, doc.runs[0]!.rootCauses.map((c) => [c.quantity, c.definition, c.theirFormula, c.references])]).toEqual([1, 'mismatch', [
      ['dL_dw7_e1', 'dL_dw7_e1 = dL_dz4_e1 * a1_e1', '=(U5-C5)*U5*(1-U5)*Q5', 'uses Q5 (a_h2) where a_h1 (O5) belongs'],
      ['dL_dw3_e1', 'dL_dw3_e1 = dL_dz2_e1 * x_1', '=((S5-B5)*S5*(1-S5)*K5+(U5-C5)*U5*(1-U5)*M5)*O5*(1-O5)*D5', 'uses O5 (a_h1) where a_h2 (Q5) belongs'],
    ]]);
  });

  it('xlgrad check buggy.xlsx prints the first root cause on the first-mismatch line and the second after it', async () => {
    const r = await xlgradCheck(save(await courseWorkbook([{ ...COURSE, plant: COURSE_BUGS.at(-1)!.plant }])), '--recalc', 'builtin');
    expect([r.status, r.out.filter((l) => /^(first mismatch|root cause \d)/.test(l)).map((l) => l.split(':')[0] + ':' + l.split(':')[1]!.split(' at ')[0])]).toEqual([1, ['first mismatch: dL_dw7_e1', 'root cause 2 of 2: dL_dw3_e1']]);
  });

  it('xlgrad check six-sheets.xlsx exits 0 and ends with the verdict of all six runs', async () => {
    const r = await xlgradCheck(save(await courseWorkbook(SIX)), '--recalc', 'builtin');
    expect([r.status, r.out.filter((l) => l.startsWith('== run')).length, r.out.at(-1)!.replace(/\d+ checked/, 'N checked')]).toEqual([0, 6, 'agree: all N checked cells in 6 runs agree with the engine']);
  });

  it('xlgrad check --print-map of the course template prints JSON that --map reads back', async () => {
    const path = save(await courseWorkbook([{ ...COURSE, plant: COURSE_BUGS[0]!.plant }]));
    const printed = await xlgradCheck(path, '--print-map', '--recalc', 'builtin');
    const map = save(new TextEncoder().encode(printed.out.join('\n')), 'course-map.json');
    const [rows, mapped] = [await xlgradCheck(path, '--recalc', 'builtin', '--json'), await xlgradCheck(path, '--map', map, '--recalc', 'builtin', '--json')];
    // Without the headings, a mapping file's wrong reference is named by quantity (a1_e1) instead of heading (a_h1).
    const roots = (r: typeof rows) => (JSON.parse(r.out.join('\n')) as Doc).runs.map((run) => run.rootCauses.map(({ references: _, ...c }) => c));
    expect([printed.status, JSON.parse(printed.out.join('\n')).w3_e2, mapped.status, roots(mapped)]).toEqual([0, 'Sheet1!H6', 1, roots(rows)]);
  });

  it('xlgrad check --map (only inputs and initial weights) exits 2: no computed cell was checked', async () => {
    const path = save(await courseWorkbook([COURSE]));
    const only = Object.fromEntries([...['x_1', 'x_2', 'y_1', 'y_2'].map((k, i) => [k, cellOf(COURSE, ['i1', 'i2', 't1', 't2'][i]!, 1)]), ...MAZUR.w.map((_, i) => [`w${i + 1}_e1`, cellOf(COURSE, `w${i + 1}`, 1)])]);
    const map = save(new TextEncoder().encode(JSON.stringify(only)), 'only-inputs.json');
    const [text, json] = [await xlgradCheck(path, '--map', map, '--recalc', 'builtin'), await xlgradCheck(path, '--map', map, '--recalc', 'builtin', '--json')];
    expect([text.status, text.out.at(-1), json.status, JSON.parse(json.out.join('\n')).verdict]).toEqual([2, 'no computed cell was checked: only inputs and initial weights were found, so nothing agrees or disagrees.', 2, 'unusable']);
  });

  it('xlgrad check --json (unusable input) prints the unusable document and exits 2', async () => {
    const r = await xlgradCheck(save(new TextEncoder().encode('x,y\n1,1\n'), 'notes.xlsx'), '--json');
    expect([r.status, JSON.parse(r.out.join('\n')).verdict, r.err]).toEqual([2, 'unusable', []]);
  });
});

describe.skipIf(SKIP_LIBREOFFICE)('xlgrad check <course template> through LibreOffice', () => {
  it('xlgrad check correct.xlsx (columns reordered) exits 0 with every checked cell agreeing', async () => {
    const r = await xlgradCheck(save(await courseWorkbook([REORDERED])));
    expect([r.status, r.err, r.out.at(-1)!.replace(/\d+ checked/, 'N checked')]).toEqual([0, [], 'all N checked cells agree with the engine (0 mismatches).']);
  });
});

describe('the example workbooks in examples/ (the README runs these)', () => {
  const example = (name: string) => join(dirname(fileURLToPath(import.meta.url)), '..', 'examples', name);
  it('xlgrad check examples/course.xlsx --recalc builtin agrees (exit 0)', async () => {
    const r = await xlgradInProcess('check', example('course.xlsx'), '--recalc', 'builtin', '--json');
    expect([r.code, JSON.parse(r.out.join('\n')).verdict]).toEqual([0, 'agree']);
  });
  it('xlgrad check examples/course-buggy.xlsx --recalc builtin names ∂E/∂w3 of iteration 1 as the one root cause (exit 1)', async () => {
    const r = await xlgradInProcess('check', example('course-buggy.xlsx'), '--recalc', 'builtin', '--json');
    const doc = JSON.parse(r.out.join('\n'));
    expect([r.code, doc.verdict, doc.runs[0].rootCauses.map((c: { quantity: string; cell: string }) => [c.quantity, c.cell])]).toEqual([1, 'mismatch', [['dL_dw3_e1', 'Sheet1!AA5']]]);
  });
});
