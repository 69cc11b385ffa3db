import ExcelJS from 'exceljs';
import { inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ARTICLE, normalizeConfig, type Config } from '../src/config.ts';
import { evaluate } from '../src/evaluate.ts';
import { fixtures, type Fixture } from '../src/fixtures.ts';
import { expressions } from '../src/algebra.ts';
import { Graph } from '../src/graph.ts';
import { print } from '../src/print.ts';
import { buildWorkbook } from '../src/workbook/buildWorkbook.ts';
import { epochShape, epochSheet } from '../src/workbook/epochSheet.ts';
import { engineValues } from '../src/workbook/engineValues.ts';
import { evaluateLayout } from '../src/workbook/evaluateLayout.ts';
import { DOS_DATE, DOS_TIME } from '../src/workbook/fixZipDates.ts';
import { layoutWorkbook, type LayoutCell, type WorkbookLayout } from '../src/workbook/layout.ts';
import { planWorkbook } from '../src/workbook/plan.ts';
import { runWorkbook } from '../src/workbook/runWorkbook.ts';
import { dataName, epochName, finalName, parseName, stepName } from '../src/workbook/names.ts';
import { splitFormulas } from '../src/workbook/splitFormulas.ts';
import { preset } from '../src/presets.ts';
import { writeWorkbook } from '../src/workbook/writeWorkbook.ts';
import { entryData, zipDirectory } from '../src/workbook/zipDirectory.ts';
import { snapshot } from './helpers.ts';
import mazurRecording from '../fixtures/pytorch/mazur-nobias.json' with { type: 'json' };

const cellsOf = (layout: WorkbookLayout) => layout.sheets.flatMap((s) => s.cells.map((c) => ({ sheet: s.name, ...c })));

/** Named cells' values: a constant's value, a formula's cached result. */
function namedValues(layout: WorkbookLayout): Record<string, unknown> {
  const at = new Map(cellsOf(layout).map((c) => [`${c.sheet}!${c.address}`, c]));
  return Object.fromEntries(Object.entries(layout.names).map(([n, { sheet, address }]) => {
    // A name of a column (L_steps) has no one value.
    const c = at.get(`${sheet}!${address}`);
    return [n, c === undefined ? undefined : c.formula === undefined ? c.value : c.result];
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

  it('layoutWorkbook(config, {layout: \'sheets\'}) caches exactly the engine\'s float64 value of every name, for the article and every fixture (first 3 epochs)', () => {
    for (const config of [ARTICLE, ...fixtures.map((f) => ({ ...f.config, epochs: Math.min(f.config.epochs, 3) }))]) {
      const cached = namedValues(layoutWorkbook(config, { layout: 'sheets' }));
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

/** Mazur's worked example (2-2-2 sigmoid, ½·squared error, one sample) with his weights and no biases. */
const MAZUR: Config = normalizeConfig({
  layers: [2, 2, 2], bias: false, activation: 'sigmoid', outputActivation: 'sigmoid', loss: 'half_squared_error',
  x: [0.05, 0.1], y: [0.01, 0.99], lr: 0.5, epochs: 2, dtype: 'float64',
  init: { params: { w1: 0.15, w2: 0.2, w3: 0.25, w4: 0.3, w5: 0.4, w6: 0.45, w7: 0.5, w8: 0.55 } },
});

/** Formula of each named cell. */
const formulas = (layout: WorkbookLayout) => new Map(cellsOf(layout).filter((c) => c.name).map((c) => [c.name!, c.formula]));

describe('layoutWorkbook without biases', () => {
  it('layoutWorkbook(Mazur without biases) writes z = Σ w·a with no bias anywhere', () => {
    const layout = layoutWorkbook(MAZUR);
    const names = Object.keys(layout.names);
    expect(names.filter((n) => /^b\d/.test(n))).toEqual([]);
    expect(names).toEqual(expect.arrayContaining(['w8_e1', 'z4_e2', 'yhat2_e1', 'dL_dw5_e2', 'num_dL_dw8_e2', 'w8_final', 'x_2', 'y_2']));
    const at = formulas(layout);
    // z1 = w1·x1 + w2·x2, z3 = w5·a1 + w6·a2 (nn.Linear's weight is out × in, row-major); L = ½ Σ (ŷ − y)²; ∂L/∂w5 = ∂L/∂z3 · a1.
    expect(Object.fromEntries(['z1_e1', 'z3_e1', 'a1_e1', 'L_e1', 'dL_dz3_e1', 'dL_dw5_e1'].map((n) => [n, at.get(n)]))).toEqual({
      z1_e1: 'w1_e1*x_1 + w2_e1*x_2',
      z3_e1: 'w5_e1*a1_e1 + w6_e1*a2_e1',
      a1_e1: '(1/(1+EXP(-z1_e1)))',
      L_e1: '0.5*((yhat1_e1 - y_1)^2 + (yhat2_e1 - y_2)^2)',
      dL_dz3_e1: 'dL_dyhat1_e1*(1 - yhat1_e1)*yhat1_e1',
      dL_dw5_e1: 'dL_dz3_e1*a1_e1',
    });
    const inputs = layout.sheets[0]!.cells;
    expect(inputs.find((c) => c.value === 'w5' && c.address.startsWith('A'))?.address.slice(1)).toBe(inputs.find((c) => c.value === 'weight of a1 in z3')?.address.slice(1));
    expect(inputs.some((c) => typeof c.value === 'string' && c.value.endsWith('no Linear layer has a bias'))).toBe(true);
  });

  it('layoutWorkbook(Mazur without biases) caches the engine\'s values and PyTorch\'s float64 recording', () => {
    const cached = namedValues(layoutWorkbook(MAZUR));
    const expected = Object.fromEntries(engineValues(MAZUR));
    expect(Object.fromEntries(Object.keys(expected).map((n) => [n, cached[n]]))).toEqual(expected);
    // The recording: PyTorch 1.13, the same net and weights in float64 (fixtures/pytorch/mazur-nobias.json).
    const rec = mazurRecording as unknown as Fixture;
    expect(rec.config).toMatchObject({ layers: [2, 2, 2], bias: false, lr: 0.5, dtype: 'float64', init: MAZUR.init });
    const far: string[] = [];
    const near = (n: string, want: number) => {
      const v = cached[n] as number;
      if (!(Math.abs(v - want) <= 1e-12 * Math.abs(want))) far.push(`${n}: PyTorch ${want}, workbook ${v}`);
    };
    rec.epochs.slice(0, 2).forEach((e, i) => {
      for (const [p, v] of Object.entries(e.params)) near(epochName(p, i + 1), v);
      for (const [n, v] of Object.entries(e.nodes)) near(epochName(n, i + 1), v);
      for (const [p, v] of Object.entries(e.grads)) near(epochName(`dL_d${p}`, i + 1), v);
    });
    for (const [p, v] of Object.entries(rec.epochs[2]!.params)) near(finalName(p), v);
    expect(far).toEqual([]);
  });

  it('layoutWorkbook(mixed bias flags) names biases only for the layers that have them, and its formulas recompute the engine\'s values', () => {
    // The mixed-bias recording's architecture ([2, 3, 2, 1], bias [false, true, false]) on its first sample.
    const f = fixtures.find((x) => x.name === 'mixed-bias')!;
    const config: Config = { ...f.config, x: [f.config.x[0]!], y: [f.config.y[0]!], batchSize: 1, optimizer: { name: 'sgd', momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 } };
    expect(config.bias).toEqual([false, true, false]);
    const layout = layoutWorkbook(config);
    expect(Object.keys(layout.names).filter((n) => /^b\d+_e1$/.test(n)).sort()).toEqual(['b1_e1', 'b2_e1']);
    expect(formulas(layout).get('z4_e1')).toBe('w7_e1*a1_e1 + w8_e1*a2_e1 + w9_e1*a3_e1 + b1_e1');
    const { names } = evaluateLayout(layout.sheets, layout.names);
    const far = [...engineValues(config)].filter(([n, e]) => !(Math.abs((names[n] as number) - e) <= Math.max(1e-15, 1e-12 * Math.abs(e))));
    expect(far).toEqual([]);
  });
});

describe('layoutWorkbook of model-v2 runs: samples, mini-batches, optimizer state, cross-entropy and BCE', () => {
  const twoEpochs = (name: string) => ({ ...preset(name), epochs: 2 });
  const formulasOf = (config: Config) => formulas(layoutWorkbook(config, { layout: 'sheets' }));

  it('layoutWorkbook(minibatch-partial): a sheet per batch, per-sample names, the partial batch reduced over its one sample', () => {
    const layout = layoutWorkbook(twoEpochs('minibatch-partial'), { layout: 'sheets' });
    expect(layout.sheets.map((s) => s.name)).toEqual(['Inputs', 'Epoch 1 batch 1', 'Epoch 1 batch 2', 'Epoch 1 batch 3', 'Epoch 2 batch 1', 'Epoch 2 batch 2', 'Epoch 2 batch 3', 'Comparison', 'config']);
    const f = formulas(layout);
    // Batch 1 holds samples 1 and 2, batch 3 sample 5 alone; MSELoss divides by the batch's element count.
    expect(f.get('z1_n2_e1b1')).toBe('w1_e1b1*x_1_s2 + w2_e1b1*x_2_s2 + b1_e1b1');
    expect(f.get('L_e1b1')).toBe('((yhat1_n1_e1b1 - y_1_s1)^2 + (yhat1_n2_e1b1 - y_1_s2)^2)/2');
    expect(f.get('L_e1b3')).toBe('(yhat1_e1b3 - y_1_s5)^2');
    expect(f.get('w1_e2b1')).toBe('w1_e1b3 - lr*dL_dw1_e1b3');
  });

  it('layoutWorkbook(momentum-dampening): the buffer is the first gradient, then μ·buf + (1 − τ)·g, and θ moves by lr·buf', () => {
    const f = formulasOf(twoEpochs('momentum-dampening'));
    expect(f.get('mom_w1_e1b1')).toBe('dL_dw1_e1b1');
    expect(f.get('mom_w1_e1b2')).toBe('mom_w1_e1b1*0.8 + 0.7*dL_dw1_e1b2');
    expect(f.get('w1_e1b2')).toBe('w1_e1b1 - lr*mom_w1_e1b1');
  });

  it('layoutWorkbook(sgd-nesterov-wd): weight decay inside the buffer, the nesterov step g + μ·buf', () => {
    const f = formulasOf(twoEpochs('sgd-nesterov-wd'));
    expect(f.get('mom_w1_e2')).toBe('mom_w1_e1*0.9 + 1*(dL_dw1_e2 + 0.01*w1_e2)');
    expect(f.get('w1_e3') ?? f.get('w1_final')).toBe('w1_e2 - lr*(dL_dw1_e2 + 0.01*w1_e2 + 0.9*mom_w1_e2)');
  });

  it('layoutWorkbook(adam): m and v as cells, θ − s·m / (√v / c2 + ε) with the step\'s s and c2 beside them', () => {
    const layout = layoutWorkbook(twoEpochs('adam'), { layout: 'sheets' });
    const f = formulas(layout);
    expect(f.get('m_w1_e2')).toBe('m_w1_e1*0.9 + 0.09999999999999998*dL_dw1_e2');
    expect(f.get('v_w1_e2')).toBe('v_w1_e1*0.999 + 0.0010000000000000009*dL_dw1_e2*dL_dw1_e2');
    const next = f.get('w1_final')!;
    const [, s, c2] = /^w1_e2 \+ \(-(B\d+)\)\*m_w1_e2\/\(SQRT\(v_w1_e2\)\/(B\d+) \+ 1e-8\)$/.exec(next)!;
    const sheet = layout.sheets.find((x) => x.name === 'Epoch 2')!;
    const value = (a: string) => sheet.cells.find((c) => c.address === a)!.value;
    // torch.optim.Adam at step 2: lr / (1 − 0.9²) and √(1 − 0.999²) in double (a square is one correctly rounded product).
    expect(value(s!)).toBe(preset('adam').lr / (1 - 0.9 * 0.9));
    expect(value(c2!)).toBe(Math.sqrt(1 - 0.999 * 0.999));
  });

  it('layoutWorkbook(ce3-minibatch-momentum): log-softmax with the max subtracted, the class as one-hot targets', () => {
    const f = formulasOf(twoEpochs('ce3-minibatch-momentum'));
    const m = 'MAX(MAX(yhat1_n1_e1b1,yhat2_n1_e1b1),yhat3_n1_e1b1)';
    expect(f.get('logp1_n1_e1b1')).toBe(`yhat1_n1_e1b1 - ${m} - LN(EXP(yhat1_n1_e1b1 - ${m}) + EXP(yhat2_n1_e1b1 - ${m}) + EXP(yhat3_n1_e1b1 - ${m}))`);
    expect(f.get('L_e1b2')).toBe('(-(y_1_s5*logp1_n1_e1b2 + y_2_s5*logp2_n1_e1b2 + y_3_s5*logp3_n1_e1b2) + (-(y_1_s6*logp1_n2_e1b2 + y_2_s6*logp2_n2_e1b2 + y_3_s6*logp3_n2_e1b2)))/2');
  });

  it('layoutWorkbook(bce-adam-float64): BCE with logits as softplus(ŷ) − y·ŷ, softplus written so it never overflows', () => {
    const f = formulasOf(twoEpochs('bce-adam-float64'));
    expect(f.get('L_e1')).toMatch(/^\(\(MAX\(yhat1_n1_e1,0\)\+LN\(1\+EXP\(-ABS\(yhat1_n1_e1\)\)\)\) - y_1_s1\*yhat1_n1_e1 \+ .*\)\/5$/);
  });

  it('layoutWorkbook(a run with too many cells for the sheets layout) is refused with one line before any work', () => {
    const config = { ...preset('xor'), epochs: 20_000 };
    expect(() => layoutWorkbook(config, { layout: 'sheets' })).toThrow(/^workbook: 9 parameters × 20,000 steps need up to [\d,]+ cells in the sheets layout; at most 2,000,000 are written \(use --layout rows, fewer epochs or a smaller network\)$/);
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

  it('splitFormulas(graph of 3-argument nodes, budget) keeps every formula within the budget and every value exact', () => {
    // acc ← acc − w_i·x_i (subMul) and acc ← acc + w_i·x_i (addMul), 300 times: one long left-nested expression.
    const g = new Graph();
    const E = expressions(g);
    const env: Record<string, number> = { x0: 0.5 };
    let acc = g.input('x0');
    for (let i = 1; i <= 300; i++) {
      env[`w${i}`] = Math.sin(i);
      env[`x${i}`] = Math.cos(i) / i;
      acc = (i % 2 ? E.subMul : E.addMul)(acc, g.param(`w${i}`), g.input(`x${i}`));
    }
    const out = g.let('out', acc);
    const split = splitFormulas(g, { maxLength: 400, maxDepth: 16, refLength: (n) => n.name!.length, helperLength: 6 });
    expect(split.helpers.size).toBeGreaterThan(3);
    const lets = split.graph.nodes.filter((n) => n.op === 'let');
    const printed = lets.map((n) => print(split.graph, n.id, { style: 'formula', ref: (m) => (split.helpers.has(m.id) ? 'XFD999' : m.name!) }));
    expect(Math.max(...printed.map((f) => f.length))).toBeLessThanOrEqual(400);
    expect(Math.max(...printed.map(depth))).toBeLessThanOrEqual(16);
    expect(new Set(split.graph.nodes.map((n) => n.op))).toEqual(new Set(['input', 'param', 'subMul', 'addMul', 'let']));
    expect(evaluate(split.graph, env)[split.map[out]!]).toBe(evaluate(g, env)[out]);
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

describe('the workbook naming scheme (src/workbook/names.ts)', () => {
  it('stepName(q, t, batches) names step t by its epoch, and by epoch and batch when an epoch has several', () => {
    expect([stepName('w1', 3, 1), stepName('w1', 1, 3), stepName('w1', 3, 3), stepName('z3_n2', 4, 3)]).toEqual(['w1_e3', 'w1_e1b1', 'w1_e1b3', 'z3_n2_e2b1']);
    expect([dataName('x1', 1, 1), dataName('x1', 3, 5), dataName('y2', 5, 5)]).toEqual(['x_1', 'x_1_s3', 'y_2_s5']);
  });

  it('parseName(name) reads back steps, batches, samples and the numeric table\'s names', () => {
    expect(parseName('z3_n2_e1b2')).toEqual({ quantity: 'z3_n2', epoch: 1, batch: 2, kind: 'epoch' });
    expect(parseName('mom_w1_e3')).toEqual({ quantity: 'mom_w1', epoch: 3, kind: 'epoch' });
    expect(parseName('x_1_s3')).toEqual({ quantity: 'x1', sample: 3, kind: 'input' });
    expect(parseName('y_2')).toEqual({ quantity: 'y2', kind: 'input' });
    expect(parseName('num_dL_dw1_e2b1')).toEqual({ quantity: 'w1', epoch: 2, batch: 1, kind: 'numeric' });
    expect(parseName('Lplus_b3_e4')).toEqual({ quantity: 'b3', epoch: 4, kind: 'plus' });
    expect(parseName('m_w1_col')).toEqual({ quantity: 'm_w1', kind: 'column' });
  });
});
