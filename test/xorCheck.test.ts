import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { xlgradInProcess } from './helpers.ts';
import { checkWorkbookInBrowser } from '../src/check/checkWorkbookInBrowser.ts';
import { parseSampleHeading } from '../src/check/headerLabel.ts';
import { parseQuantity } from '../src/check/mapping.ts';
import { readXlsx } from '../src/check/readXlsx.ts';
import { recalculateBook } from '../src/check/recalculateBook.ts';
import { xorCell, xorWorkbook, type XorSheet } from './xorWorkbook.ts';
import { withFormula } from './withFormula.ts';
import ExcelJS from 'exceljs';
import { annotateWorkbook } from '../src/check/annotate.ts';
import { oppositeSigns } from '../src/check/oppositeSign.ts';
import { ARTICLE, normalizeConfig } from '../src/config.ts';
import { networkOf } from '../src/train.ts';

type Doc = {
  verdict: string;
  message: string;
  runs: { sheet: string; network: Record<string, unknown> & { inferred: string[] }; epochs: number; samples: number; checked: number; mismatches: number; rootCauses: { quantity: string; cell: string; expectedFormula: string | null; references: string | null }[]; notes: string[] }[];
};

const docOf = async (sheet: XorSheet = {}) => (await checkWorkbookInBrowser(await xorWorkbook(sheet))).document as Doc;
const at = (id: string, k: number) => `XOR!${xorCell(id, k)}`;

/**
 * Cells checked, counted from the layout by hand: each iteration, per sample
 * h1 h2 o δo δh1 δh2 (6 × 4), E_total and 9 gradients; from the second on, the
 * 9 updated parameters too. x1 x2 y, the first weights and the per-sample E are not.
 */
const CHECKED = 60 * (6 * 4 + 1 + 9) + 59 * 9;

describe('parseSampleHeading', () => {
  it.each([
    ['h1 (2)', { label: { kind: 'unit', role: 'hidden', index: 1 }, sample: 2 }],
    ['h1_s3', { label: { kind: 'unit', role: 'hidden', index: 1 }, sample: 3 }],
    ['out_h1[4]', { label: { kind: 'unit', role: 'hiddenAct', index: 1 }, sample: 4 }],
    ['x2 (sample 2)', { label: { kind: 'unit', role: 'input', index: 2 }, sample: 2 }],
    ['t (2)', { label: { kind: 'unit', role: 'target', index: 1 }, sample: 2 }],
    ['y', { label: { kind: 'unit', role: 'target', index: 1 } }],
    ['ŷ', { label: { kind: 'unit', role: 'outputAct', index: 1 } }],
    ['δh2', { label: { kind: 'gradient', of: { kind: 'unit', role: 'hiddenPre', index: 2 } } }],
    ['delta_o', { label: { kind: 'gradient', of: { kind: 'unit', role: 'outputPre', index: 1 } } }],
    ['t', { label: { kind: 'counter' } }],
  ])('parseSampleHeading(%j)', (text, expected) => {
    expect(parseSampleHeading(text)).toEqual(expected);
  });
});

describe('parseQuantity with samples', () => {
  it.each([
    ['x_1_s2', { key: 'x_1_s2', name: 'x1_n2', epoch: 0 }],
    ['z3_n2_e1', { key: 'z3_n2_e1', name: 'z3_n2', epoch: 1 }],
    ['dL_dz2_n4_e7', { key: 'dL_dz2_n4_e7', name: 'dL_dz2_n4', epoch: 7 }],
    ['w1_n2_e1', undefined],
    ['dL_dw1_n2_e1', undefined],
  ])('parseQuantity(%j)', (key, expected) => {
    expect(parseQuantity(key)).toEqual(expected);
  });
});

describe('the XOR workbook: 2-2-1 sigmoid with biases, four samples full-batch', () => {
  it("xorWorkbook() recalculated reproduces PyTorch's recorded plain-SGD run (xor-sgd.json) for 60 iterations", async () => {
    const fixture = JSON.parse(readFileSync(new URL('../fixtures/pytorch/xor-sgd.json', import.meta.url), 'utf8')) as { steps: { params: Record<string, number>; nodes: Record<string, number>[]; loss: number; grads: Record<string, number> }[] };
    expect(fixture.steps.length).toBe(60);
    const cells = recalculateBook(await readXlsx(await xorWorkbook())).sheets[0]!.cells;
    const column: Record<string, string> = { a1: 'h1', a2: 'h2', yhat1: 'o' };
    const far: string[] = [];
    fixture.steps.forEach((step, i) => {
      const k = i + 1;
      const expected: [string, number][] = [
        ...Object.entries(step.params),
        ['E_total', step.loss],
        ...Object.entries(step.grads).map(([p, v]) => [`g_${p}`, v] as [string, number]),
        ...step.nodes.flatMap((nodes, s) => Object.entries(nodes).filter(([n]) => column[n]).map(([n, v]) => [`${column[n]}#${s + 1}`, v] as [string, number])),
      ];
      for (const [id, v] of expected) {
        const theirs = cells[xorCell(id, k)]!.value as number;
        if (!(Math.abs(theirs - v) <= 1e-12 * Math.max(1, Math.abs(v)))) far.push(`${id} in iteration ${k}: ${theirs} vs PyTorch ${v}`);
      }
    });
    expect(far).toEqual([]);
  });

  const layouts: [string, XorSheet][] = [
    ['blocks repeated per sample (x1 x2 y h1 h2 o E δo δh1 δh2)', {}],
    ['headings with the sample in parentheses, h1 (2)', { heading: (h, s) => `${h} (${s})` }],
    ['headings with _s, h1_s2', { heading: (h, s) => `${h}_s${s}` }],
    ['headings out_h1[3], o[3]', { heading: (h, s) => `${/^h\d$/.test(h) ? `out_${h}` : h}[${s}]` }],
  ];
  for (const [name, sheet] of layouts) {
    it(`checkWorkbookInBrowser(XOR, ${name}) infers the network and agrees over 60 iterations`, async () => {
      const doc = await docOf(sheet);
      const run = doc.runs[0]!;
      const { inferred, ...network } = run.network;
      expect([doc.verdict, doc.runs.length, run.epochs, run.samples, run.checked, run.mismatches]).toEqual(['agree', 1, 60, 4, CHECKED, 0]);
      expect(network).toEqual({ layers: [2, 2, 1], bias: true, activation: 'sigmoid', outputActivation: 'sigmoid', loss: 'half_squared_error', lr: 0.5 });
      expect(inferred).toContain('samples: 4, from the sample numbers found (x_1_s1 … x_1_s4); every iteration trains on all of them in one batch');
      expect(run.notes.some((n) => n.includes("one sample's own loss term"))).toBe(true);
    });
  }

  it('checkWorkbookInBrowser(XOR with an averaged loss and gradient) agrees with the mse network', async () => {
    // E_total = ¼Σ(y − o)², so each δo carries 2/4 = 0.5: δo = 0.5·(o − y)·o·(1 − o).
    const doc = await docOf({ variant: 'mean' });
    expect([doc.verdict, doc.runs[0]!.network.loss, doc.runs[0]!.checked]).toEqual(['agree', 'mse', CHECKED]);
  });

  it("a planted bug in sample 3's δh2 (w5 where w6 belongs) is the first and only root cause, with the expected formula in their cells", async () => {
    const doc = await docOf({ plant: { id: 'dh2', sample: 3, formula: '={do}*{w5}*{h2}*(1-{h2})' } });
    const run = doc.runs[0]!;
    expect(doc.verdict).toBe('mismatch');
    expect(run.rootCauses.map((c) => [c.quantity, c.cell])).toEqual([['dL_dz2_n3_e1', at('dh2#3', 1)]]);
    const cause = run.rootCauses[0]!;
    // δh2 of sample 3 = δo₃ · w6 · h2₃(1 − h2₃): those cells, and w6's in place of w5's.
    const refs = new Set(cause.expectedFormula!.match(/[A-Z]+\d+/g));
    expect(refs).toEqual(new Set([xorCell('do#3', 1), xorCell('w6', 1), xorCell('h2#3', 1)]));
    expect(cause.references).toBe(`uses ${xorCell('w5', 1)} (w5) where w6 (${xorCell('w6', 1)}) belongs`);
  });

  it('a planted gradient that leaves out sample 4 (∂E/∂w4) is the first and only root cause', async () => {
    const doc = await docOf({ plant: { id: 'g_w4', formula: '={dh2#1}*{x2#1}+{dh2#2}*{x2#2}+{dh2#3}*{x2#3}' } });
    const run = doc.runs[0]!;
    expect(doc.verdict).toBe('mismatch');
    expect(run.rootCauses.map((c) => [c.quantity, c.cell])).toEqual([['dL_dw4_e1', at('g_w4', 1)]]);
    expect(doc.message).toMatch(/; root cause dL_dw4_e1 at XOR!/);
  });

  it("checkWorkbookInBrowser(XOR with the updated weights in columns w1' … b3' that the next row copies) agrees", async () => {
    const doc = await docOf({ updated: (p) => `${p}'` });
    // The 9 updated parameters of the last iteration are checked too.
    expect([doc.verdict, doc.runs[0]!.epochs, doc.runs[0]!.checked]).toEqual(['agree', 60, CHECKED + 60 * 9]);
  });

  it("a planted update that adds the gradient (new b3 = b3 + η·∂E/∂b3) is the first root cause, not the next row's copy of it", async () => {
    const sheet: XorSheet = { updated: (p) => `new ${p}`, plant: { id: 'new_b3', formula: '={b3}+{lr}*{g_b3}' } };
    const doc = await docOf(sheet);
    const run = doc.runs[0]!;
    expect(doc.verdict).toBe('mismatch');
    expect(run.rootCauses.map((c) => [c.quantity, c.cell])[0]).toEqual(['b3_e2', `XOR!${xorCell('new_b3', 1, sheet)}`]);
    expect(run.rootCauses[0]!.expectedFormula).toBe(`=${xorCell('b3', 1, sheet)} - $H$2*${xorCell('g_b3', 1, sheet)}`);
  });

  it('xlgrad check xor.xlsx --recalc builtin --json, with no mapping and no config, judges the correct and the planted workbook', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xlgrad-xor-'));
    const good = join(dir, 'xor.xlsx'), bad = join(dir, 'xor-buggy.xlsx');
    writeFileSync(good, await xorWorkbook());
    writeFileSync(bad, await xorWorkbook({ plant: { id: 'dh2', sample: 3, formula: '={do}*{w5}*{h2}*(1-{h2})' } }));
    const ok = await xlgradInProcess('check', good, '--recalc', 'builtin', '--json');
    expect([ok.code, (JSON.parse(ok.out.join('\n')) as Doc).verdict]).toEqual([0, 'agree']);
    const wrong = await xlgradInProcess('check', bad, '--recalc', 'builtin', '--json');
    expect([wrong.code, (JSON.parse(wrong.out.join('\n')) as Doc).runs[0]!.rootCauses[0]!.quantity]).toEqual([1, 'dL_dz2_n3_e1']);
  });

  it('xlgrad check xor.xlsx --print-map gives per-sample keys that --map reads back to the same verdict', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'xlgrad-xor-map-'));
    const path = join(dir, 'xor.xlsx'), map = join(dir, 'map.json');
    writeFileSync(path, await xorWorkbook());
    const printed = await xlgradInProcess('check', path, '--recalc', 'builtin', '--print-map');
    const mapping = JSON.parse(printed.out.join('\n')) as Record<string, string | string[]>;
    expect([mapping.x_1_s3, mapping.dL_dz2_n3_e1, mapping.yhat1_n4_e60]).toEqual([Array.from({ length: 60 }, (_, i) => i + 1).map((k) => at('x1#3', k)), at('dh2#3', 1), at('o#4', 60)]);
    writeFileSync(map, printed.out.join('\n'));
    const r = await xlgradInProcess('check', path, '--recalc', 'builtin', '--map', map, '--json');
    expect([r.code, (JSON.parse(r.out.join('\n')) as Doc).runs[0]!.checked]).toEqual([0, CHECKED]);
  });

  it.skipIf(process.env.XLGRAD_SKIP_LIBREOFFICE === '1')('xlgrad check xor.xlsx, with no other argument, recalculates in LibreOffice and agrees', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'xlgrad-xor-lo-')), 'xor.xlsx');
    writeFileSync(path, await xorWorkbook());
    const r = await xlgradInProcess('check', path);
    expect([r.code, r.err]).toEqual([0, []]);
    expect(r.out).toContain(`all ${CHECKED} checked cells agree with the engine (0 mismatches).`);
    expect(r.out.some((l) => l.includes('60 epochs of 4 samples in one batch'))).toBe(true);
  }, 180_000);
});

describe('δ with the opposite sign: δo = (y − o)·o·(1 − o), w + η·δ·a', () => {
  const OPPOSITE: XorSheet = { sign: 'opposite' };
  const NOTE = 'δ and gradients with the opposite sign: δo, δh1, δh2, ∂E/∂w1, … hold −∂E/∂net and −∂E/∂w, the delta rule written δ = (t − o)·f′(net) with the update w + η·δ·a; read with that sign, and every cell after them checked as usual';

  it('oppositeSigns(reads, expected, agrees, net) reads δ and gradients each by the sign most of their cells show', () => {
    const net = networkOf(normalizeConfig(ARTICLE));
    const expected = new Map([['dL_dz3_e1', 0.5], ['dL_dz3_e2', 0.25], ['dL_dz1_e1', -2], ['dL_dw5_e1', 3], ['dL_dw5_e2', 1], ['z3_e1', 4], ['dL_dz2_e1', 0]]);
    let row = 0;
    const read = (key: string, value: number) => ({ q: parseQuantity(key)!, cell: `Sheet1!A${++row}`, value });
    const same = (a: number, b: number) => a === b;
    // δ: two cells negated, one the engine's own, and 0 says nothing; gradients: one negated, one own (a tie keeps the engine's sign); z3 is no adjoint.
    const reads = [read('dL_dz3_e1', -0.5), read('dL_dz3_e2', -0.25), read('dL_dz1_e1', -2), read('dL_dz2_e1', 0), read('dL_dw5_e1', -3), read('dL_dw5_e2', 1), read('z3_e1', -4)];
    expect([...oppositeSigns(reads, expected, same, net)]).toEqual(['delta']);
    expect([...oppositeSigns([...reads, read('dL_dw5_e1', -3)], expected, same, net)].sort()).toEqual(['delta', 'gradient']);
    expect([...oppositeSigns(reads.slice(2), expected, same, net)]).toEqual([]);
  });

  it("xorWorkbook({sign: 'opposite'}) recalculated holds PyTorch's weights and the negated gradients of xor-sgd.json for 60 iterations", async () => {
    const fixture = JSON.parse(readFileSync(new URL('../fixtures/pytorch/xor-sgd.json', import.meta.url), 'utf8')) as { steps: { params: Record<string, number>; grads: Record<string, number> }[] };
    const cells = recalculateBook(await readXlsx(await xorWorkbook(OPPOSITE))).sheets[0]!.cells;
    const far: string[] = [];
    fixture.steps.forEach((step, i) => {
      const expected = [...Object.entries(step.params), ...Object.entries(step.grads).map(([p, v]) => [`g_${p}`, -v] as [string, number])];
      for (const [id, v] of expected) {
        const theirs = cells[xorCell(id, i + 1)]!.value as number;
        if (!(Math.abs(theirs - v) <= 1e-12 * Math.max(1, Math.abs(v)))) far.push(`${id} in iteration ${i + 1}: ${theirs} vs ${v}`);
      }
    });
    expect(far).toEqual([]);
  });

  it('checkWorkbookInBrowser(XOR, opposite sign) agrees over 60 iterations and says in one note that δ and the gradients are read negated', async () => {
    const doc = await docOf(OPPOSITE);
    const run = doc.runs[0]!;
    expect([doc.verdict, run.checked, run.mismatches, run.network.loss, run.notes.filter((n) => n.includes('opposite sign'))]).toEqual(['agree', CHECKED, 0, 'half_squared_error', [NOTE]]);
  });

  it('checkWorkbookInBrowser(XOR, gradient sign) has no such note', async () => {
    expect((await docOf()).runs[0]!.notes.filter((n) => n.includes('opposite sign'))).toEqual([]);
  });

  it("a planted bug in sample 3's δh2 of an opposite-sign sheet is the first and only root cause, and its expected formula typed in agrees", async () => {
    const sheet: XorSheet = { ...OPPOSITE, plant: { id: 'dh2', sample: 3, formula: '={do}*{w5}*{h2}*(1-{h2})' } };
    const bytes = await xorWorkbook(sheet);
    const { report } = await checkWorkbookInBrowser(bytes);
    const cause = report!.first!;
    expect([report!.rootCauses.map((c) => [c.key, c.cell]), cause.references, cause.sign, report!.notes.filter((n) => n.includes('opposite sign'))]).toEqual([
      [['dL_dz2_n3_e1', at('dh2#3', 1)]], `uses ${xorCell('w5', 1)} (w5) where w6 (${xorCell('w6', 1)}) belongs`, undefined, [NOTE],
    ]);
    // What it should hold is what the correct opposite-sign sheet holds there: −∂E/∂z2.
    const correct = recalculateBook(await readXlsx(await xorWorkbook(OPPOSITE))).sheets[0]!.cells[xorCell('dh2#3', 1)]!.value as number;
    expect(Math.abs(cause.expected - correct)).toBeLessThanOrEqual(1e-15);
    expect(cause.definition).toMatch(/^dL_dz2_n3_e1 = .* \(this sheet holds −dL_dz2_n3_e1: read with the opposite sign\)$/);
    // Their δo cell stands for −∂E/∂z3 in their formula written as quantities.
    expect(cause.theirFormulaNamed).toBe('(-dL_dz3_n3_e1)*w5_e1*a2_n3_e1*(1-a2_n3_e1)');
    const again = (await checkWorkbookInBrowser(await withFormula(bytes, cause.cell, cause.expectedFormula!))).report!;
    expect([again.rows.find((r) => r.cell === cause.cell)!.verdict, again.rootCauses[0]!.cell]).toEqual(['ok', at('dh2#3', 2)]);
  });

  it('a planted update that subtracts in an opposite-sign sheet is the first root cause, and the expected update adds', async () => {
    const sheet: XorSheet = { ...OPPOSITE, updated: (p) => `new ${p}`, plant: { id: 'new_b3', formula: '={b3}-{lr}*{g_b3}' } };
    const doc = await docOf(sheet);
    const cause = doc.runs[0]!.rootCauses[0]!;
    expect([cause.quantity, cause.cell, cause.expectedFormula]).toEqual(['b3_e2', `XOR!${xorCell('new_b3', 1, sheet)}`, `=${xorCell('b3', 1, sheet)} + $H$2*${xorCell('g_b3', 1, sheet)}`]);
  });

  it("a sheet whose δo changes sign from iteration 41 on mismatches there, and the root cause says the sign is flipped", async () => {
    const doc = await docOf({ ...OPPOSITE, plant: { id: 'do', formula: '=({o}-{y})*{o}*(1-{o})', from: 41 } });
    const run = doc.runs[0]!;
    // One root cause per sample: each δo of iteration 41 rests only on cells that agree.
    expect([doc.verdict, run.rootCauses.map((c) => c.cell).sort()]).toEqual(['mismatch', [1, 2, 3, 4].map((s) => at(`do#${s}`, 41)).sort()]);
    expect(run.rootCauses.every((c) => (c as { sign?: string }).sign?.startsWith(`its sign is flipped: the cell holds ${c.quantity} itself`))).toBe(true);
  });

  it("a gradient-sign sheet with sample 2's δo written (y − o)·o·(1 − o) names that cell, with the sign flipped, and nothing else", async () => {
    const doc = await docOf({ plant: { id: 'do', sample: 2, formula: '=({y}-{o})*{o}*(1-{o})' } });
    const run = doc.runs[0]!;
    expect([doc.verdict, run.rootCauses.map((c) => [c.quantity, c.cell, (c as { sign?: string }).sign]), run.notes.filter((n) => n.includes('opposite sign'))]).toEqual([
      'mismatch', [['dL_dz3_n2_e1', at('do#2', 1), "its sign is flipped: the cell holds −dL_dz3_n2_e1, while the sheet's other cells of its kind hold dL_dz3_n2_e1 with its own sign"]], [],
    ]);
  });

  it("annotateWorkbook(the sheet with sample 2's δo flipped) notes on that cell that its sign is flipped", async () => {
    const bytes = await xorWorkbook({ plant: { id: 'do', sample: 2, formula: '=({y}-{o})*{o}*(1-{o})' } });
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await annotateWorkbook(bytes, (await checkWorkbookInBrowser(bytes)).report!)) as unknown as ArrayBuffer);
    expect(String(wb.getWorksheet('XOR')!.getCell(xorCell('do#2', 1)).note).split('\n').at(-1)).toBe("its sign is flipped: the cell holds −dL_dz3_n2_e1, while the sheet's other cells of its kind hold dL_dz3_n2_e1 with its own sign");
  });

  it('xlgrad check xor-opposite.xlsx --recalc builtin prints the note, and --json carries it and exits 0', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'xlgrad-xor-sign-')), 'xor-opposite.xlsx');
    writeFileSync(path, await xorWorkbook(OPPOSITE));
    const text = await xlgradInProcess('check', path, '--recalc', 'builtin');
    expect([text.code, text.out.filter((l) => l.includes('opposite sign'))]).toEqual([0, [NOTE]]);
    const json = await xlgradInProcess('check', path, '--recalc', 'builtin', '--json');
    expect([json.code, (JSON.parse(json.out.join('\n')) as Doc).runs[0]!.notes.filter((n) => n.includes('opposite sign'))]).toEqual([0, [NOTE]]);
  });
});
