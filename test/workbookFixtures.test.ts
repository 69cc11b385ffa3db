// Every recorded PyTorch run, exported in both layouts and recalculated from
// the formula text by an independent engine (fast-formula-parser, through
// evaluateLayout): every named value equals the engine's float64 run, and
// PyTorch's recording within the dtype's tolerance. The same with LibreOffice
// is in workbookLibreOffice.test.ts.

import { describe, expect, it } from 'vitest';
import { fixtures } from '../src/fixtures.ts';
import { columnValues } from '../src/workbook/columnValues.ts';
import { compareValues, type Computed } from '../src/workbook/compareValues.ts';
import { engineValues } from '../src/workbook/engineValues.ts';
import { evaluateLayout, type Value } from '../src/workbook/evaluateLayout.ts';
import { layoutPlanned, layoutWorkbook, planLayout, sheetCells, sheetsCellCount, stepsOf, type WorkbookLayout } from '../src/workbook/layout.ts';
import { farFromRecording, firstSteps, recordedValues } from './workbookRecording.ts';

/** Steps of each recording laid out here: enough for a second epoch of every mini-batch run, and the optimizer state's second update. */
const STEPS = 4;

const asComputed = (v: Value | undefined): Computed | undefined =>
  v === undefined ? undefined : typeof v === 'object' && v !== null && 'error' in v ? { error: (v as { error: string }).error } : { value: v as number };

/** The layout's named values, a column's rows as `<q>_col[k]`, recalculated by fast-formula-parser. */
function recalculate(layout: WorkbookLayout): Record<string, Computed> {
  const r = evaluateLayout(layout.sheets.map((s) => ({ name: s.name, cells: sheetCells(s) })), layout.names);
  const single = Object.fromEntries(Object.entries(r.names).filter(([n]) => !layout.names[n]!.address.includes(':')).map(([n, v]) => [n, asComputed(v as Value)!]));
  return { ...single, ...columnValues(layout.names, (sheet, address) => asComputed(r.cells.get(`${sheet}!${address}`) as Value | undefined)) };
}

describe.each(['sheets', 'rows'] as const)('layoutWorkbook(fixture, {layout: %s}) recalculated by fast-formula-parser', (layout) => {
  it.each(fixtures.map((f) => [f.name, f] as const))('%s: every name equals the engine\'s float64 run and PyTorch\'s recording; the Comparison sheet passes every step', (_, f) => {
    const config = firstSteps(f, STEPS);
    const laidOut = layoutWorkbook(config, { layout });
    const got = recalculate(laidOut);
    // The Comparison sheet: L, every parameter and gradient of every step and the final parameters beside PyTorch's; all pass.
    const comparison = laidOut.sheets.find((s) => s.name === 'Comparison')!;
    const marks = comparison.cells.filter((c) => c.address.startsWith('G') && c.formula).map((c) => c.result);
    const P = Object.keys(f.init).length;
    expect(marks).toHaveLength(stepsOf(config) * (1 + 2 * P) + P);
    expect(new Set(marks)).toEqual(new Set(['pass']));
    const expected = engineValues(config, { layout });
    expect(compareValues(expected, got).mismatches).toEqual([]);
    const recorded = recordedValues(f, stepsOf(config), layout);
    // Every recorded quantity has its cell: parameters, each sample's nodes, L, gradients, optimizer state, final parameters.
    expect([...recorded.keys()].filter((n) => got[n] === undefined)).toEqual([]);
    expect(farFromRecording(recorded, (n) => got[n]?.value, f.config.dtype)).toEqual([]);
  });
});

describe('sheetsCellCount(plan, numeric): the size checked before a sheets layout is written', () => {
  it.each(fixtures.map((f) => [f.name, f] as const))('%s: no sheet writes more cells, rows or columns than counted', (_, f) => {
    const planned = planLayout(firstSteps(f, STEPS), { layout: 'sheets' });
    const layout = layoutPlanned(planned);
    const count = sheetsCellCount(planned.plan, planned.numeric);
    const written = layout.sheets.reduce((n, s) => n + sheetCells(s).length, 0);
    const at = layout.sheets.flatMap((s) => s.cells.map((c) => /^([A-Z]+)(\d+)$/.exec(c.address)!));
    const column = (letters: string) => [...letters].reduce((n, ch) => n * 26 + ch.charCodeAt(0) - 64, 0);
    expect(written).toBeLessThanOrEqual(count.cells);
    expect(Math.max(...at.map((m) => Number(m[2])))).toBeLessThanOrEqual(count.rows);
    expect(Math.max(...at.map((m) => column(m[1]!)))).toBeLessThanOrEqual(count.columns);
  });
});
