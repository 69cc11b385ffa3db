// The five-way table's workbook column: the workbook laid out once per
// network and settings, its formulas recalculated by fast-formula-parser with
// each change's x and parameters in its Inputs sheet.

import { describe, expect, it } from 'vitest';
import articleFixture from '../fixtures/pytorch/article.json' with { type: 'json' };
import { ARTICLE, type Config } from '../src/config.ts';
import { layoutWorkbook } from '../src/workbook/layout.ts';
import { dataName, epochName } from '../src/workbook/names.ts';
import { epochDetail, paramsAt, train } from '../notebooks/cells/training.ts';
import { networkFor, workbookGradients } from '../notebooks/steps.ts';

const withX = (x: number): Config => ({ ...ARTICLE, x: [[x]] });

describe('workbookGradients(net, config, params)', () => {
  it('gives the recorded PyTorch gradients of the article\'s epochs, then follows x and the parameters from one call to the next', () => {
    const net = networkFor()(ARTICLE);
    for (const e of articleFixture.epochs) {
      const { grads } = workbookGradients(net, ARTICLE, e.params);
      for (const p of net.params) expect(Math.abs(grads[p]! - (e.grads as Record<string, number>)[p]!), `${p}, epoch ${e.epoch}`).toBeLessThan(1e-6);
    }
    // x from 1.5 up keeps both first-layer ReLUs alive, so every gradient changes with x.
    for (const x of [1.5, 2, 2.5, -1, 1.5]) {
      const config = withX(x);
      const training = train(net, config);
      for (const epoch of [1, 2]) {
        const params = paramsAt(training, net, epoch);
        // xlgrad's own engine in float64, which shares nothing with the formula engine.
        const backprop = epochDetail(net, { ...config, dtype: 'float64' }, params, false).grads.backprop;
        const { grads, formulas } = workbookGradients(net, config, params);
        for (const p of net.params) expect(Math.abs(grads[p]! - backprop[p]!), `${p} at x = ${x}, epoch ${epoch}`).toBeLessThan(1e-12);
        expect(formulas).toBeGreaterThan(0);
      }
    }
  });

  it('the layout it reuses has the same formulas for other inputs, and its numbers differ only in the cells it fills: x, y and the parameters entering the epoch', () => {
    const net = networkFor()(ARTICLE);
    // Formula cells also carry their cached result and notes their text (dead ReLU, non-zero gradient), which no formula reads.
    const cellsOf = (config: Config, params: Record<string, number>) =>
      layoutWorkbook({ ...config, epochs: 1, init: { params } }, { numeric: false }).sheets
        .filter((s) => s.name === 'Inputs' || /^Epoch /.test(s.name))
        .flatMap((s) => s.cells.map((c) => ({ ...c, at: `${s.name}!${c.address}` })));
    const formulas = (cells: ReturnType<typeof cellsOf>) => new Map(cells.filter((c) => c.formula !== undefined).map((c) => [c.at, c.formula]));
    const numbers = (cells: ReturnType<typeof cellsOf>) => new Map(cells.filter((c) => c.formula === undefined && typeof c.value === 'number').map((c) => [c.at, c]));
    const a = cellsOf(ARTICLE, articleFixture.epochs[0]!.params);
    const b = cellsOf({ ...ARTICLE, x: [[2.5]], y: [[-3]] }, articleFixture.epochs[1]!.params);
    expect(formulas(b)).toEqual(formulas(a));
    const [na, nb] = [numbers(a), numbers(b)];
    expect([...nb.keys()]).toEqual([...na.keys()]);
    const differing = [...na].filter(([k, c]) => c.value !== nb.get(k)!.value).map(([, c]) => c.name).sort();
    const filled = [...net.params.map((p) => epochName(p, 1)), ...[...net.x, ...net.y].map((n) => dataName(n, 1, 1))].sort();
    // The article's second epoch moves only w8, b4 and b5 (the others' gradients are 0).
    expect(differing).toEqual(['b4_e1', 'b5_e1', 'w8_e1', 'x_1', 'y_1']);
    for (const name of differing) expect(filled).toContain(name);
  });

  it('workbookGradients(…) lays out and recalculates nothing until its gradients are read', () => {
    const net = networkFor()(ARTICLE);
    const read: string[] = [];
    // The parameters behind a proxy that notes every read.
    const params = new Proxy(articleFixture.epochs[0]!.params as Record<string, number>, { get: (t, k) => (read.push(String(k)), t[k as string]) });
    const column = workbookGradients(net, ARTICLE, params);
    expect(read).toEqual([]);
    expect(Math.abs(column.grads.w8! - articleFixture.epochs[0]!.grads.w8)).toBeLessThan(1e-6);
    expect(read).toContain('w8');
  });
});
