// The checker on workbooks as they come from the field: written by other
// spreadsheet programs, with numbers stored as text, with sheets that repeat
// the same labels, and out of its scope (Solver, macros, not a network). Every
// workbook is built here by our own code (courseWorkbook.ts, exceljs, the zip
// helpers), never copied.

import ExcelJS from 'exceljs';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkWorkbookInBrowser } from '../src/check/checkWorkbookInBrowser.ts';
import { missingSummary } from '../src/check/missingSummary.ts';
import { parseHeaderLabel } from '../src/check/headerLabel.ts';
import { parseLabel } from '../src/check/label.ts';
import { cellOf, courseWorkbook, MAZUR, type Sheet } from './courseWorkbook.ts';
import { xlgradInProcess } from './helpers.ts';
import { readParts, textPart, writeZip } from './zipFiles.ts';
import mazur from '../fixtures/pytorch/mazur-nobias.json' with { type: 'json' };

const SKIP_LIBREOFFICE = process.env.XLGRAD_SKIP_LIBREOFFICE === '1';
const COURSE: Sheet = { name: 'Sheet1', lr: 0.5, iterations: 20 };
const dir = mkdtempSync(join(tmpdir(), 'xlgrad-field-'));
let saved = 0;
const save = (bytes: Uint8Array, name = `field${++saved}.xlsx`) => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};

/** The workbook's zip with one part's text replaced (or added). */
function withPart(bytes: Uint8Array, name: string, text: string): Uint8Array {
  const parts = readParts(bytes);
  return writeZip(parts.some((p) => p.name === name) ? parts.map((p) => (p.name === name ? textPart(name, text) : p)) : [...parts, textPart(name, text)]);
}

// Document properties exceljs refuses: app.xml without its root element, core.xml with an entity it does not know.
const BROKEN_APP = '<?xml version="1.0" encoding="UTF-8"?>\n';
const BROKEN_CORE = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY who "me">]><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>&who;&nbsp;</dc:creator></cp:coreProperties>';

describe('document properties exceljs cannot parse', () => {
  const broken = async () => withPart(withPart(await courseWorkbook([COURSE]), 'docProps/app.xml', BROKEN_APP), 'docProps/core.xml', BROKEN_CORE);

  it('exceljs itself refuses the workbook (what the checker works around)', async () => {
    const wb = new ExcelJS.Workbook();
    await expect(wb.xlsx.load(Buffer.from(await broken()) as unknown as ArrayBuffer)).rejects.toThrow();
  });

  it('checkWorkbookInBrowser(broken docProps) leaves them out, says so, and checks the workbook', async () => {
    const r = await checkWorkbookInBrowser(await broken());
    expect([r.error, r.result?.verdict, r.result?.notes]).toEqual([undefined, 'agree', [expect.stringMatching(/^document properties docProps\/app\.xml, docProps\/core\.xml could not be read \(.+\); left out, they hold nothing the check needs$/)]]);
  });

  it('xlgrad check (broken docProps) --recalc builtin --out marked.xlsx writes a copy exceljs reads, with the wrong cell red', async () => {
    const bytes = withPart(await courseWorkbook([{ ...COURSE, plant: { g5: '=({a_o1}-{t1})*{a_o2}*(1-{a_o2})*{a_h1}' } }]), 'docProps/app.xml', BROKEN_APP);
    const out = join(dir, 'marked-broken.xlsx');
    const r = await xlgradInProcess('check', save(bytes), '--recalc', 'builtin', '--out', out);
    const copy = new ExcelJS.Workbook();
    await copy.xlsx.load(readFileSync(out) as unknown as ArrayBuffer);
    const cell = copy.getWorksheet('Sheet1')!.getCell(cellOf(COURSE, 'g5', 1).split('!')[1]!);
    expect([r.code, r.out[0]?.startsWith('note: document properties docProps/app.xml, docProps/core.xml could not be read'), (cell.fill as ExcelJS.FillPattern).fgColor?.argb]).toEqual([1, true, 'FFFFC7CE']);
  });

  it.skipIf(SKIP_LIBREOFFICE)('xlgrad check (broken docProps) through LibreOffice agrees', async () => {
    const r = await xlgradInProcess('check', save(await broken()), '--json');
    expect([r.code, JSON.parse(r.out.join('\n')).verdict]).toEqual([0, 'agree']);
  });
});

describe('numbers stored as text', () => {
  const asText = { ...COURSE, asText: ['i1', 'i2', 'w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7', 'w8'] };

  it('checkWorkbookInBrowser(initial weights and inputs typed as text) reads them as numbers, with a note naming them', async () => {
    const r = await checkWorkbookInBrowser(await courseWorkbook([asText]));
    expect([r.error, r.result?.verdict, r.result?.notes]).toEqual([undefined, 'agree', ['numbers stored as text, read as numbers: Sheet1!D5 ("0.05"), Sheet1!E5 ("0.1"), Sheet1!F5 ("0.15"), Sheet1!G5 ("0.2"), … (10 cells)']]);
  });

  it.skipIf(SKIP_LIBREOFFICE)('xlgrad check (initial weights typed as text) through LibreOffice agrees and says so', async () => {
    const r = await xlgradInProcess('check', save(await courseWorkbook([asText])));
    expect([r.code, r.out[0]!.startsWith('note: numbers stored as text, read as numbers: Sheet1!D5 ("0.05")')]).toEqual([0, true]);
  });
});

describe('an update mapped for epoch k+1 with nothing else of that epoch', () => {
  const inputs = { x_1: 'Sheet1!D5', x_2: 'Sheet1!E5', y_1: 'Sheet1!B5', y_2: 'Sheet1!C5', lr: 'Sheet1!H2', ...Object.fromEntries(MAZUR.w.map((_, i) => [`w${i + 1}_e1`, cellOf(COURSE, `w${i + 1}`, 1)])) };

  it.each([
    ['w1 after one update, and nothing else', { w1_e2: cellOf(COURSE, 'w1', 2) }, 'w1_e2', 1],
    ['w1 after two updates, with z1 of the first epoch', { z1_e1: cellOf(COURSE, 'h1', 1), w1_e3: cellOf(COURSE, 'w1', 3) }, 'w1_e3', 2],
  ] as const)('checkWorkbookInBrowser(a mapping with %s) checks it against the parameters after the run, as PyTorch has them', async (_, extra, key, after) => {
    const r = await checkWorkbookInBrowser(await courseWorkbook([COURSE]), { map: JSON.stringify({ ...inputs, ...extra }) });
    const row = r.report!.rows.find((row) => row.key === key)!;
    expect([r.result?.verdict, row.verdict, Math.abs(row.expected - mazur.epochs[after]!.params.w1) <= 1e-15]).toEqual(['agree', 'ok', true]);
  });
});

/** A workbook with the same labelled block (Mazur's forward pass, labels beside values) on each of the given sheets. */
async function labelledSheets(names: string[], withGradients = true): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  for (const name of names) {
    const ws = wb.addWorksheet(name);
    const rows: [string, number | string][] = [
      ['x1', MAZUR.x[0]!], ['x2', MAZUR.x[1]!], ['y1', MAZUR.y[0]!], ['y2', MAZUR.y[1]!],
      ...MAZUR.w.map((w, i): [string, number] => [`w${i + 1}`, w]),
      ['z1', '=B5*B1+B6*B2'], ['z2', '=B7*B1+B8*B2'], ['a1', '=1/(1+EXP(-B13))'], ['a2', '=1/(1+EXP(-B14))'],
      ['z3', '=B9*B15+B10*B16'], ['z4', '=B11*B15+B12*B16'], ['yhat1', '=1/(1+EXP(-B17))'], ['yhat2', '=1/(1+EXP(-B18))'],
      ['L', '=0.5*((B19-B3)^2+(B20-B4)^2)'],
      ...(withGradients ? [['dL/dw5', '=(B19-B3)*B19*(1-B19)*B15'] as [string, string]] : []),
    ];
    rows.forEach(([label, v], i) => {
      ws.getCell(`A${i + 1}`).value = label;
      ws.getCell(`B${i + 1}`).value = typeof v === 'number' ? v : ({ formula: v.slice(1) } as ExcelJS.CellFormulaValue);
    });
  }
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

describe('the same labels on several sheets, no headings', () => {
  it('checkWorkbookInBrowser(one block on one sheet) checks it (the block the next tests repeat)', async () => {
    const r = await checkWorkbookInBrowser(await labelledSheets(['Sheet1']));
    expect([r.error, r.result?.verdict, r.report?.architecture]).toEqual([undefined, 'agree', '2-2-2 sigmoid without biases, loss half_squared_error']);
  });

  it('checkWorkbookInBrowser(the same block on sheets "lr 0.1" and "lr 0.5") refuses to read them as successive epochs, in one line', async () => {
    const r = await checkWorkbookInBrowser(await labelledSheets(['lr 0.1', 'lr 0.5']));
    expect(r.error).toBe(`label "w1" is on 2 sheets ('lr 0.1'!A5, 'lr 0.5'!A5) without an "Epoch k" heading, so it is not clear whether each sheet is the next epoch or a run of its own: name the sheets "Epoch 1", "Epoch 2", … (or add the headings) if they are epochs, or give one mapping per run with --map (a list)`);
  });
});

describe('workbooks out of scope: exit 2 and one line', () => {
  it('xlgrad check (a forward pass and no gradient, as Solver leaves it) exits 2: no gradient cells', async () => {
    const r = await xlgradInProcess('check', save(await labelledSheets(['Solver'], false)), '--recalc', 'builtin', '--json');
    const doc = JSON.parse(r.out.join('\n'));
    expect([r.code, doc.verdict, doc.message]).toEqual([2, 'unusable', "no gradient and no weight update found, only a forward pass: xlgrad checks backpropagation (a network trained by Excel's Solver has no gradient cells); label the gradients (∂E/∂w1, dL/dw1) or the updated weights"]);
  });

  it('checkWorkbookInBrowser(a forward pass and no gradient) gives the same line as its error, beside the report of what was read', async () => {
    const r = await checkWorkbookInBrowser(await labelledSheets(['Solver'], false));
    expect([r.result?.verdict, r.error?.startsWith('no gradient and no weight update found'), r.report?.mismatches]).toEqual(['unusable', true, 0]);
  });

  it('xlgrad check (a data table: x, y and a label column) exits 2: no weights, not a network', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('Data');
    ws.addRow(['x', 'y', 'class']);
    for (let i = 0; i < 30; i++) ws.addRow([i / 10, (i * i) / 100, i % 2]);
    const r = await xlgradInProcess('check', save(new Uint8Array(await wb.xlsx.writeBuffer())), '--recalc', 'builtin');
    expect([r.code, r.err]).toEqual([2, ['xlgrad check: no weights found (no cell labelled w1, w2, … beside, above or as a column heading): this does not look like a neural network xlgrad can check; label the weights, or give a mapping file with --map']]);
  });

  it('xlgrad check (an .xlsx holding macros, xl/vbaProject.bin) exits 2: macros', async () => {
    const path = save(withPart(await courseWorkbook([COURSE]), 'xl/vbaProject.bin', 'not really VBA'), 'macros.xlsx');
    const r = await xlgradInProcess('check', path, '--recalc', 'builtin');
    expect([r.code, r.err]).toEqual([2, [`xlgrad check: ${path}: is a macro-enabled workbook (.xlsm), which is not checked; save a copy as an Excel Workbook (.xlsx)`]]);
  });
});

describe('missingSummary', () => {
  const params = ['w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7', 'w8'];

  it('missingSummary(the course template\'s 488 missing keys) is two lines: the intermediate derivatives, and the parameters after the last update', () => {
    const derivatives = ['dL_dyhat2', 'dL_dyhat1', 'dL_dz4', 'dL_dz3', 'dL_da2', 'dL_da1', 'dL_dz2', 'dL_dz1'];
    const missing = [...Array.from({ length: 60 }, (_, k) => derivatives.map((d) => `${d}_e${k + 1}`)).flat(), ...params.map((p) => `${p}_final`)];
    expect([missing.length, missingSummary(missing, params, 60)]).toEqual([488, [
      'not in the workbook, checked through the cells computed from them: dL_da1, dL_da2, dL_dyhat1, dL_dyhat2, dL_dz1, dL_dz2, dL_dz3, dL_dz4 (in all 60 epochs)',
      'not in the workbook: the parameters after the last update',
    ]]);
  });

  it('missingSummary(gradients never shown, a weight missing in two epochs, one final parameter) names each once', () => {
    const missing = ['dL_dw1_e1', 'dL_dw1_e2', 'dL_dw1_e3', 'z1_e1', 'z1_e2', 'z1_e3', 'w3_e2', 'w3_e3', 'w8_final'];
    expect(missingSummary(missing, params, 3)).toEqual([
      'not in the workbook, so not checked: gradients dL_dw1 (in all 3 epochs)',
      'not in the workbook, so not checked: forward values z1 (in all 3 epochs)',
      'missing in some epochs only: w3 (epoch 2, 3)',
      'not in the workbook: w8 after the last update',
    ]);
  });

  it('checkWorkbookInBrowser(the course template) prints no list of hundreds of keys', async () => {
    const r = await checkWorkbookInBrowser(await courseWorkbook([COURSE]));
    expect(r.lines.filter((l) => l.startsWith('not in the workbook'))).toEqual([
      'not in the workbook, checked through the cells computed from them: dL_da1, dL_da2, dL_dyhat1, dL_dyhat2, dL_dz1, dL_dz2, dL_dz3, dL_dz4 (in all 20 epochs)',
      'not in the workbook: the parameters after the last update',
    ]);
  });
});

describe('labels in Portuguese and Korean', () => {
  const show = (l: ReturnType<typeof parseHeaderLabel>): string | null =>
    l === undefined ? null : l.kind === 'unit' ? `${l.role} ${l.index}` : l.kind === 'gradient' ? `∂ ${show(l.of)}` : l.kind === 'graph' ? l.name : l.kind;

  it('parseHeaderLabel reads the course template\'s headings in Portuguese and Korean', () => {
    const headings = ['Época', 'entrada 1', 'alvo2', 'peso 3', 'entrada_h1', 'saída_h2', 'saída 1', 'erro1', 'erro total', 'taxa de aprendizagem', 'gradiente peso 5', '반복', '입력1', '목표 2', '가중치3', '은닉1', '출력_h2', '출력1', '오차2', '오차', '학습률', '∂오차/∂가중치8'];
    expect(headings.map((h) => show(parseHeaderLabel(h)))).toEqual([
      'counter', 'input 1', 'target 2', 'weight 3', 'hiddenPre 1', 'hiddenAct 2', 'outputAct 1', 'error 1', 'loss', 'lr', '∂ weight 5',
      'counter', 'input 1', 'target 2', 'weight 3', 'hidden 1', 'hiddenAct 2', 'outputAct 1', 'error 2', 'loss', 'lr', '∂ weight 8',
    ]);
  });

  it('parseLabel reads the same words beside a value', () => {
    const read = (s: string) => {
      const l = parseLabel(s);
      return l === undefined ? null : l.kind === 'epoch' ? `epoch ${l.epoch}` : l.kind === 'updated' ? `${l.name}+` : l.name;
    };
    expect(['Época 2', 'entrada 1', 'alvo', 'peso 3', 'novo peso 3', 'saída', 'erro total', 'taxa de aprendizagem', '반복 3', '입력2', '가중치 8', '출력', '오차', '학습률', 'dE/dw8'].map(read)).toEqual([
      'epoch 2', 'x1', 'y1', 'w3', 'w3+', 'yhat1', 'L', 'lr', 'epoch 3', 'x2', 'w8', 'yhat1', 'L', 'lr', 'dL_dw8',
    ]);
  });

  const numbered = (f: (i: number) => string, n: number, prefix = '') => Object.fromEntries(Array.from({ length: n }, (_, i) => [`${prefix}${i + 1}`, f(i + 1)]));
  const PORTUGUESE: Sheet = {
    ...COURSE, name: 'Rede', lrLabel: ['taxa de aprendizagem', 2],
    headings: {
      epoch: 'Época', t1: 'alvo1', t2: 'alvo2', i1: 'entrada 1', i2: 'entrada 2', ...numbered((i) => `peso ${i}`, 8, 'w'),
      h1: 'entrada_h1', h2: 'entrada_h2', a_h1: 'saída_h1', a_h2: 'saída_h2', o1: 'entrada_o1', o2: 'entrada_o2', a_o1: 'saída 1', a_o2: 'saída 2',
      E1: 'erro1', E2: 'erro2', E: 'erro total', ...numbered((i) => `gradiente peso ${i}`, 8, 'g'),
    },
  };
  const KOREAN: Sheet = {
    ...COURSE, name: '신경망', lrLabel: ['학습률', 1],
    headings: {
      epoch: '반복', t1: '목표1', t2: '목표2', i1: '입력1', i2: '입력2', ...numbered((i) => `가중치${i}`, 8, 'w'),
      h1: '은닉1', h2: '은닉2', a_h1: '출력_h1', a_h2: '출력_h2', o1: 'net_o1', o2: 'net_o2', a_o1: '출력1', a_o2: '출력2',
      E1: '오차1', E2: '오차2', E: '오차', ...numbered((i) => `∂오차/∂가중치${i}`, 8, 'g'),
    },
  };

  for (const [language, sheet] of [['Portuguese', PORTUGUESE], ['Korean', KOREAN]] as const) {
    it(`checkWorkbookInBrowser(the course template with ${language} headings) infers Mazur's network and agrees`, async () => {
      const r = await checkWorkbookInBrowser(await courseWorkbook([sheet]));
      expect([r.error, r.result?.verdict, r.report?.architecture, r.report?.lr, r.report?.epochs]).toEqual([undefined, 'agree', '2-2-2 sigmoid without biases, loss half_squared_error', 0.5, 20]);
    });

    it(`checkWorkbookInBrowser(the course template with ${language} headings, a_h1 where a_h2 belongs in ∂E/∂w3) names the cell and the reference`, async () => {
      const plant = { g3: '=(({a_o1}-{t1})*{a_o1}*(1-{a_o1})*{w6}+({a_o2}-{t2})*{a_o2}*(1-{a_o2})*{w8})*{a_h1}*(1-{a_h1})*{i1}' };
      const first = (await checkWorkbookInBrowser(await courseWorkbook([{ ...sheet, plant }]))).report!.first!;
      const at = (id: string) => cellOf(sheet, id, 1).split('!')[1];
      expect([first.key, first.cell, first.references]).toEqual(['dL_dw3_e1', cellOf(sheet, 'g3', 1), `uses ${at('a_h1')} (${sheet.headings!.a_h1}) where ${sheet.headings!.a_h2} (${at('a_h2')}) belongs`]);
    });
  }
});

/** Mazur's net with its weights in grids (x→h with inputs down, h→o with outputs down), the forward and backward pass labelled beside, and the updated weights in two more grids under an `Epoch 2` heading. */
async function gridWorkbook(plant: Record<string, string> = {}): Promise<Uint8Array> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('Rede');
  const put = (address: string, v: string | number) => (ws.getCell(address).value = typeof v === 'string' && v.startsWith('=') ? ({ formula: v.slice(1) } as ExcelJS.CellFormulaValue) : v);
  const beside: [string, string | number][] = [
    ['x1', 0.05], ['x2', 0.1], ['y1', 0.01], ['y2', 0.99], ['lr', 0.5], ['', ''],
    ['z1', '=E2*B1+E3*B2'], ['z2', '=F2*B1+F3*B2'], ['a1', '=1/(1+EXP(-B7))'], ['a2', '=1/(1+EXP(-B8))'],
    ['z3', '=E6*B9+F6*B10'], ['z4', '=E7*B9+F7*B10'], ['yhat1', '=1/(1+EXP(-B11))'], ['yhat2', '=1/(1+EXP(-B12))'],
    ['L', '=0.5*((B13-B3)^2+(B14-B4)^2)'], ['dL/dz3', '=(B13-B3)*B13*(1-B13)'], ['dL/dz4', '=(B14-B4)*B14*(1-B14)'],
    ['dL/dw5', '=B16*B9'], ['dL/dw6', '=B16*B10'], ['dL/dw7', '=B17*B9'], ['dL/dw8', '=B17*B10'],
    ['dL/dz1', '=(B16*E6+B17*E7)*B9*(1-B9)'], ['dL/dz2', '=(B16*F6+B17*F7)*B10*(1-B10)'],
    ['dL/dw1', '=B22*B1'], ['dL/dw2', '=B22*B2'], ['dL/dw3', '=B23*B1'], ['dL/dw4', '=B23*B2'],
  ];
  beside.forEach(([label, v], i) => {
    if (label === '') return;
    put(`A${i + 1}`, label);
    put(`B${i + 1}`, plant[label] ?? v);
  });
  const grid = (row: number, corner: string, across: string[], down: string[], values: (string | number)[][]) => {
    put(`D${row}`, corner);
    across.forEach((h, j) => put(`${'EF'[j]}${row}`, h));
    down.forEach((h, i) => {
      put(`D${row + 1 + i}`, h);
      values[i]!.forEach((v, j) => put(`${'EF'[j]}${row + 1 + i}`, v));
    });
  };
  grid(1, 'pesos 1', ['h1', 'h2'], ['x1', 'x2'], [[0.15, 0.25], [0.2, 0.3]]);
  grid(5, 'pesos 2', ['h1', 'h2'], ['o1', 'o2'], [[0.4, 0.45], [0.5, 0.55]]);
  put('D20', 'Epoch 2');
  grid(21, 'pesos 1', ['h1', 'h2'], ['x1', 'x2'], [['=E2-$B$5*B24', '=F2-$B$5*B26'], ['=E3-$B$5*B25', '=F3-$B$5*B27']]);
  grid(25, 'pesos 2', ['h1', 'h2'], ['o1', 'o2'], [['=E6-$B$5*B18', '=F6-$B$5*B19'], ['=E7-$B$5*B20', '=F7-$B$5*B21']]);
  return new Uint8Array(await wb.xlsx.writeBuffer());
}

describe('weights in a grid', () => {
  it('checkWorkbookInBrowser(weights in grids, either way round) numbers them as Mazur does and agrees', async () => {
    const r = await checkWorkbookInBrowser(await gridWorkbook());
    const at = (key: string) => r.report?.mapping[key];
    expect([r.error, r.result?.verdict, r.report?.architecture, at('w2_e1'), at('w3_e1'), at('w6_e1'), at('w7_e1'), at('w6_e2')]).toEqual([
      undefined, 'agree', '2-2-2 sigmoid without biases, loss half_squared_error', ['Rede!E3'], ['Rede!F2'], ['Rede!F6'], ['Rede!E7'], ['Rede!F26'],
    ]);
  });

  it('checkWorkbookInBrowser(weights in grids, x2 where x1 belongs in dL/dw3) names the cell and the reference', async () => {
    const first = (await checkWorkbookInBrowser(await gridWorkbook({ 'dL/dw3': '=B23*B2' }))).report!.first!;
    expect([first.key, first.cell, first.references]).toEqual(['dL_dw3_e1', 'Rede!B26', 'uses B2 (x2) where x1 (B1) belongs']);
  });
});
