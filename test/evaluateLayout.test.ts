import { describe, expect, it } from 'vitest';
import { ARTICLE, type Config } from '../src/config.ts';
import { Graph } from '../src/graph.ts';
import { opNames, ops } from '../src/ops.ts';
import { print } from '../src/print.ts';
import { preset } from '../src/presets.ts';
import { evaluateLayout, prepareLayout, type SheetInput } from '../src/workbook/evaluateLayout.ts';
import { layoutWorkbook } from '../src/workbook/layout.ts';

const plain = (r: ReturnType<typeof evaluateLayout>) => Object.fromEntries(r.cells);

describe('evaluateLayout', () => {
  it('evaluateLayout(sheets) resolves plain references, ranges and functions', () => {
    const sheets: SheetInput[] = [{ name: 'S', cells: { A1: { value: 2 }, A2: { value: 3 }, B1: { formula: '=A1*A2+1' }, B2: { formula: 'SUM(A1:A2)' }, B3: { formula: 'MAX(0,-A1)' }, B4: { formula: 'MIN(A1:A2,-1)' } } }];
    expect(plain(evaluateLayout(sheets))).toEqual({ 'S!A1': 2, 'S!A2': 3, 'S!B1': 7, 'S!B2': 5, 'S!B3': 0, 'S!B4': -1 });
  });

  it('evaluateLayout(sheets) resolves quoted and absolute cross-sheet references', () => {
    const sheets: SheetInput[] = [
      { name: 'Inputs', cells: [{ address: 'B2', value: 0.5 }] },
      { name: 'Epoch 1', cells: { B3: { formula: 'Inputs!$B$2*4' } } },
      { name: "Bob's", cells: { A1: { formula: "'Epoch 1'!B3+1" } } },
      { name: 'Epoch 2', cells: { A1: { formula: "'Bob''s'!A1*10" } } },
    ];
    expect(plain(evaluateLayout(sheets))).toEqual({ 'Inputs!B2': 0.5, 'Epoch 1!B3': 2, "Bob's!A1": 3, 'Epoch 2!A1': 30 });
  });

  it('evaluateLayout(sheets, names) resolves defined names, including short ones the parser would read as columns', () => {
    const sheets: SheetInput[] = [
      { name: 'Inputs', cells: { B1: { value: 0.01 }, B2: { value: 3, name: 'x_1' } } },
      { name: 'Epoch 1', cells: { C5: { formula: 'lr*100+x_1', name: 'w1_e1' }, C6: { formula: 'w1_e1*2' } } },
    ];
    const r = evaluateLayout(sheets, { lr: { sheet: 'Inputs', address: '$B$1' } });
    expect(plain(r)['Epoch 1!C6']).toBe(8);
    expect(r.names).toEqual({ lr: 0.01, x_1: 3, w1_e1: 4 });
  });

  it('prepareLayout(sheets, names)(values) recalculates with new numbers in named value cells, each call from the sheets\' own otherwise', () => {
    const sheets: SheetInput[] = [
      { name: 'Inputs', cells: { B1: { value: 0.01 }, B2: { value: 3, name: 'x_1' }, B3: { value: 5, name: 'w1_e1' } } },
      { name: 'Epoch 1', cells: { C5: { formula: 'lr*100+x_1*w1_e1', name: 'z1_e1' }, C6: { formula: 'z1_e1*2', name: 'L_e1' } } },
    ];
    const recalculate = prepareLayout(sheets, { lr: { sheet: 'Inputs', address: '$B$1' } }, { only: ['L_e1'] });
    // 2 · (0.01 · 100 + 3 · 5) = 32; with x_1 = 4: 2 · (1 + 20) = 42; with lr = 0.02 and w1_e1 = −1: 2 · (2 + 3 · −1) = −2.
    expect(recalculate().names).toEqual({ L_e1: 32 });
    expect(recalculate({ x_1: 4 }).names).toEqual({ L_e1: 42 });
    expect(recalculate({ lr: 0.02, w1_e1: -1 }).names).toEqual({ L_e1: -2 });
    expect(recalculate().cells.get('Inputs!B2')).toBe(3);
    expect(() => recalculate({ z1_e1: 1 })).toThrow('prepareLayout: z1_e1 names no value cell of this workbook');
  });

  it('evaluateLayout(sheets) evaluates a cell referring forwards and a chain of 5,000 cells without recursion', () => {
    const cells: Record<string, { value?: number; formula?: string }> = { A1: { formula: 'A5000+1' }, A5000: { value: 0 } };
    for (let r = 2; r < 5000; r++) cells[`A${r}`] = { formula: `A${r + 1}+1` };
    const r = evaluateLayout([{ name: 'S', cells }]);
    expect(r.cells.get('S!A1')).toBe(1);
    expect(r.cells.get('S!A2')).toBe(4998);
  });

  it('evaluateLayout(sheets) turns a cycle into #CYCLE! and leaves the rest alone', () => {
    const sheets: SheetInput[] = [{ name: 'S', cells: { A1: { formula: 'B1+1' }, B1: { formula: 'A1+1' }, C1: { formula: 'A1*2' }, D1: { formula: 'D1' }, E1: { formula: '1+1' } } }];
    expect(plain(evaluateLayout(sheets))).toEqual({ 'S!A1': { error: '#CYCLE!' }, 'S!B1': { error: '#CYCLE!' }, 'S!C1': { error: '#CYCLE!' }, 'S!D1': { error: '#CYCLE!' }, 'S!E1': 2 });
  });

  it('evaluateLayout(sheets) gives error values for bad formulas, unknown sheets and names, and strings, 1E5 and blanks as Excel does', () => {
    const sheets: SheetInput[] = [{ name: 'S', cells: { A1: { formula: '1/0' }, A2: { formula: 'A1+' }, A3: { formula: 'Nope!A1' }, A4: { formula: 'nosuchname+1' }, A5: { formula: '"a""b"&"E5"' }, A6: { formula: '1E5+Z99' }, A7: { formula: 'A1+1' } } }];
    expect(plain(evaluateLayout(sheets))).toEqual({
      'S!A1': { error: '#DIV/0!' }, 'S!A2': { error: '#ERROR!' }, 'S!A3': { error: '#REF!' }, 'S!A4': { error: '#NAME?' },
      'S!A5': 'a"bE5', 'S!A6': 100000, 'S!A7': { error: '#DIV/0!' },
    });
  });

  it('evaluateLayout(sheets) reads numbers in exponent notation exactly', () => {
    const sheets: SheetInput[] = [{ name: 'S', cells: { A1: { formula: '1.5E-7' }, A2: { formula: '2e3*1' }, A3: { formula: '0.25E+1' }, A4: { formula: '1e-300' } } }];
    expect(plain(evaluateLayout(sheets))).toEqual({ 'S!A1': 1.5e-7, 'S!A2': 2000, 'S!A3': 2.5, 'S!A4': 1e-300 });
  });

  it('evaluateLayout(sheets, names, {only}) recalculates only what the targets need', () => {
    const sheets: SheetInput[] = [{ name: 'My sheet', cells: { A1: { value: 2 }, B1: { formula: 'A1*3', name: 'b_1' }, C1: { formula: 'B1+1' }, D1: { formula: '1/0' } } }];
    const r = evaluateLayout(sheets, {}, { only: ["'My sheet'!C1"] });
    expect(plain(r)).toEqual({ 'My sheet!A1': 2, 'My sheet!B1': 6, 'My sheet!C1': 7 });
    expect(r.names).toEqual({});
    expect(evaluateLayout(sheets, {}, { only: ['b_1'] }).names).toEqual({ b_1: 6 });
  });

  it.each([
    [0.7, -1.3, 2.5],
    [-3.2, 0.4, -0.6],
    [0, 2, 3],
  ])('evaluateLayout(every op of the rule table as a formula at (%s, %s, %s)) computes what the op evaluates to', (a, b, c) => {
    // LN, SQRT, ABS, two-argument MAX and three-argument nodes, each printed by the rule table and read by the independent engine.
    const inputs = [{ address: 'A1', value: a, name: 'arg_a' }, { address: 'A2', value: b, name: 'arg_b' }, { address: 'A3', value: c, name: 'arg_c' }];
    const used = opNames.filter((op) => a > 0 || (op !== 'log' && op !== 'sqrt'));
    const cells = used.map((op, i) => {
      const g = new Graph();
      const args = ['arg_a', 'arg_b', 'arg_c'].slice(0, ops[op].arity).map((n) => g.input(n));
      const id = g.let('out', g.apply(op as Parameters<Graph['apply']>[0], ...args));
      return { address: `B${i + 1}`, formula: print(g, id, { style: 'formula', ref: (n) => n.name! }) };
    });
    const r = evaluateLayout([{ name: 'S', cells: [...inputs, ...cells] }]);
    const far = used.flatMap((op, i) => {
      const want = ops[op].eval(a, b, c), got = r.cells.get(`S!B${i + 1}`);
      return typeof got === 'number' && Math.abs(got - want) <= 1e-15 * Math.max(1, Math.abs(want)) ? [] : [`${op}: =${cells[i]!.formula} gave ${JSON.stringify(got)}, the op ${want}`];
    });
    expect(far).toEqual([]);
    expect(used.length).toBe(a > 0 ? opNames.length : opNames.length - 2);
  });

  it.each([
    ['article', ARTICLE],
    ['kink', preset('kink')],
    ['sigmoid-mse', preset('sigmoid-mse')],
    ['deep-tanh', preset('deep-tanh')],
    ['wide-relu for 3 epochs, float64', { ...preset('wide-relu'), epochs: 3, dtype: 'float64' } as Config],
    ['mazur-nobias (no biases) for 2 epochs', { ...preset('mazur-nobias'), epochs: 2 } as Config],
  ])('evaluateLayout(layoutWorkbook(%s)) reproduces every cached result within 1e-12', (_, config) => {
    const layout = layoutWorkbook(config);
    const r = evaluateLayout(layout.sheets, layout.names);
    const mismatches: string[] = [];
    let checked = 0;
    for (const sheet of layout.sheets) {
      for (const c of sheet.cells) {
        if (c.formula === undefined || c.result === undefined) continue;
        const got = r.cells.get(`${sheet.name}!${c.address}`);
        checked++;
        const ok = typeof c.result === 'number' && typeof got === 'number' ? Math.abs(got - c.result) <= 1e-12 * Math.max(1, Math.abs(c.result)) : JSON.stringify(got) === JSON.stringify(c.result);
        if (!ok) mismatches.push(`${sheet.name}!${c.address} =${c.formula}: cached ${JSON.stringify(c.result)}, recalculated ${JSON.stringify(got)}`);
      }
    }
    expect(checked).toBeGreaterThan(50);
    expect(mismatches.slice(0, 5)).toEqual([]);
    // A name of a range gives its top-left cell.
    for (const [name, target] of Object.entries(layout.names)) {
      expect(r.names[name], name).toEqual(r.cells.get(`${target.sheet}!${target.address.replace(/\$/g, '').split(':')[0]}`));
    }
  });
});
