// The proof: workbooks recalculated by a real spreadsheet engine (LibreOffice,
// headless) give the engine's float64 numbers for every named quantity.
// Each file is recalculated once in beforeAll and shared by the assertions.
// Without LibreOffice these tests fail with the install hint, unless
// XLGRAD_SKIP_LIBREOFFICE=1 says to skip them.

import ExcelJS from 'exceljs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.ts';
import { ARTICLE, normalizeConfig, type Config } from '../src/config.ts';
import { fixtures, type Fixture } from '../src/fixtures.ts';
import { buildWorkbook } from '../src/workbook/buildWorkbook.ts';
import { recalculatedValues } from '../src/workbook/columnValues.ts';
import { compareValues, type Computed } from '../src/workbook/compareValues.ts';
import { engineValues } from '../src/workbook/engineValues.ts';
import { layoutWorkbook, stepsOf, type LayoutKind } from '../src/workbook/layout.ts';
import { INSTALL_HINT, libreOfficeStatus, recalculate } from '../src/libreoffice/libreoffice.ts';
import { columnRowName, finalName } from '../src/workbook/names.ts';
import { farFromRecording, firstSteps, recordedValues } from './workbookRecording.ts';

const skip = process.env.XLGRAD_SKIP_LIBREOFFICE === '1';
const dir = mkdtempSync(join(tmpdir(), 'xlgrad-lo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * A net whose z1 sums 256 products, too long for one formula: it is split into
 * helper cells, in the forward pass and in every row of the numeric table.
 * (Wider nets cost LibreOffice seconds per thousand names; test/workbook.test.ts
 * checks [1024, 2, 1024] with the independent formula engine instead.)
 */
const WIDE = normalizeConfig({ layers: [256, 1, 1], x: Array.from({ length: 256 }, (_, i) => (i % 7) / 7 - 0.4), y: [0.3], lr: 0.01, epochs: 1 });
/** LibreOffice starts take seconds, mostly waiting: run a few at once. */
const CONCURRENCY = 3;
/** Steps of each recorded run exported here (whole epochs): LibreOffice's time grows with them (mazur-nobias records 100). */
const STEPS = 4;

/**
 * Every recording, in both layouts: several samples, mini-batches with a
 * partial last batch, no biases, momentum, nesterov, dampening, weight decay,
 * Adam, cross-entropy and BCE with logits.
 */
const recorded = fixtures.filter((f) => f.name !== 'article');
const runs: { name: string; config: Config; layout: LayoutKind; fixture?: Fixture }[] = [
  { name: 'article', config: ARTICLE, layout: 'sheets', fixture: fixtures.find((f) => f.name === 'article')! },
  ...recorded.map((f) => ({ name: f.name, config: firstSteps(f, STEPS), layout: 'sheets' as const, fixture: f })),
  ...[fixtures.find((f) => f.name === 'article')!, ...recorded].map((f) => ({ name: `${f.name} rows`, config: firstSteps(f, STEPS), layout: 'rows' as const, fixture: f })),
  { name: 'wide-256-1-1', config: WIDE, layout: 'sheets' },
];
const computed = new Map<string, Record<string, Computed>>();

async function xlgrad(...argv: string[]): Promise<{ code: number; out: string[] }> {
  const out: string[] = [];
  const code = await main(argv, { out: (s) => out.push(s), err: (s) => out.push(s) });
  return { code, out };
}

describe.skipIf(skip)('workbooks recalculated by LibreOffice', () => {
  beforeAll(async () => {
    const status = libreOfficeStatus();
    if (!status.ok) throw new Error(`${status.message} (or set XLGRAD_SKIP_LIBREOFFICE=1 to skip these tests; install: ${INSTALL_HINT})`);
    const queue = [...runs];
    const worker = async () => {
      for (let r = queue.shift(); r; r = queue.shift()) {
        const file = join(dir, `${r.name.replace(' ', '-')}.xlsx`);
        writeFileSync(file, await buildWorkbook(r.config, { layout: r.layout }));
        computed.set(r.name, recalculatedValues(await recalculate(file, { timeoutMs: 300_000 })));
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  }, 600_000);

  it('the wide workbook really splits its formulas into helper cells', () => {
    expect(layoutWorkbook(WIDE).sheets[1]!.cells.filter((c) => c.style === 'helper' && c.formula).length).toBeGreaterThan(2);
  });

  it.each(runs.map((r) => [r.name, r.config, r.layout] as const))('recalculate(export(%s)): every named value equals the engine\'s float64 value', (name, config, layout) => {
    const expected = engineValues(config, { layout });
    const result = compareValues(expected, computed.get(name)!);
    expect(result.mismatches).toEqual([]);
    expect(result.count).toBe(expected.size);
  });

  it('the recordings exported include one without biases', () => {
    expect(runs.find((r) => r.name === 'mazur-nobias')?.config.bias).toEqual([false, false]);
  });

  it.each(runs.filter((r) => r.fixture).map((r) => [r.name, r] as const))('recalculate(export(%s)) equals the PyTorch recording (float64: 1e-12 relative; float32: 1e-5)', (name, r) => {
    const got = computed.get(name)!;
    const f = r.fixture!;
    const want = recordedValues(f, stepsOf(r.config), r.layout);
    expect([...want.keys()].filter((n) => got[n] === undefined)).toEqual([]);
    expect(farFromRecording(want, (n) => got[n]?.value, f.config.dtype)).toEqual([]);
  });

  it('xlgrad verify article.xlsx: 0 mismatches, exit 0', async () => {
    const r = await xlgrad('verify', join(dir, 'article.xlsx'));
    expect(r.out).toHaveLength(1);
    expect(r.out[0]).toMatch(/^189 values, max relative difference (0|\de-\d+), 0 mismatches$/);
    expect(r.code).toBe(0);
  });

  it.each(['ce3-minibatch-momentum', 'minibatch-partial-rows'])('xlgrad verify %s.xlsx (mini-batches, a partial batch, momentum, cross-entropy): 0 mismatches, exit 0', async (name) => {
    const r = await xlgrad('verify', join(dir, `${name}.xlsx`));
    expect(r.out[0]).toMatch(/^[\d,]+ values, max relative difference (0|\de-\d+), 0 mismatches$/);
    expect(r.code).toBe(0);
  });

  it('xlgrad verify on a workbook with one formula changed names the quantity, exit 1', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(join(dir, 'article.xlsx'));
    // dL_dw8 = dL_dz5 · a4; the tampered cell multiplies by a3 instead.
    const cell = wb.getWorksheet('Epoch 1')!.getCell('B21');
    expect((cell.value as { formula: string }).formula).toBe('dL_dz5_e1*a4_e1');
    cell.value = { formula: 'dL_dz5_e1*a3_e1', result: 0 };
    const file = join(dir, 'tampered.xlsx');
    await wb.xlsx.writeFile(file);
    const r = await xlgrad('verify', file);
    expect(r.code).toBe(1);
    expect(r.out[0]).toMatch(/^189 values, max relative difference .*, \d+ mismatches$/);
    expect(r.out.slice(1).map((l) => l.trim().split(':')[0])).toContain('dL_dw8_e1');
  });
});

describe.skipIf(skip)('rows-layout workbooks recalculated by LibreOffice', () => {
  const mazur = fixtures.find((f) => f.name === 'mazur-nobias')!;
  const file = join(dir, 'mazur-rows.xlsx');
  let got: Record<string, Computed> = {};

  beforeAll(async () => {
    const status = libreOfficeStatus();
    if (!status.ok) throw new Error(`${status.message} (or set XLGRAD_SKIP_LIBREOFFICE=1 to skip these tests; install: ${INSTALL_HINT})`);
    writeFileSync(file, await buildWorkbook(mazur.config, { layout: 'rows' }));
    got = recalculatedValues(await recalculate(file, { timeoutMs: 300_000 }));
  }, 600_000);

  it('recalculate(export(mazur-nobias, rows)): every row of every column equals the engine\'s float64 value', () => {
    const expected = engineValues(mazur.config, { layout: 'rows' });
    // x_1, x_2, y_1, y_2, lr; w1_init …; per step 8 parameters, 9 forward values, 16 adjoints; w1_final …
    expect(expected.size).toBe(5 + 8 + 100 * (8 + 9 + 16) + 8);
    const result = compareValues(expected, got);
    expect(result.mismatches).toEqual([]);
  });

  it('recalculate(export(mazur-nobias, rows)) equals PyTorch\'s float64 recording within 1e-12 relative, all 100 steps', () => {
    const far: string[] = [];
    const check = (n: string, want: number) => {
      const v = got[n]?.value as number;
      if (!(Math.abs(v - want) <= 1e-12 * Math.abs(want))) far.push(`${n}: PyTorch ${want}, workbook ${v}`);
    };
    mazur.epochs.forEach((e, i) => {
      for (const [p, v] of Object.entries(e.params)) check(columnRowName(p, i + 1), v);
      for (const [n, v] of Object.entries(e.nodes)) check(columnRowName(n, i + 1), v);
      for (const [p, v] of Object.entries(e.grads)) check(columnRowName(`dL_d${p}`, i + 1), v);
    });
    for (const [p, v] of Object.entries(mazur.final)) check(finalName(p), v);
    expect(mazur.epochs).toHaveLength(100);
    expect(far).toEqual([]);
  });

  it('xlgrad verify <rows workbook>: every row compared, 0 mismatches, exit 0; one formula changed: that row named, exit 1', async () => {
    const r = await xlgrad('verify', file);
    expect(r.out[0]).toMatch(/^3,321 values, max relative difference (0|\de-\d+), 0 mismatches$/);
    expect(r.code).toBe(0);
    // dL_dw5 = dL_dz3 · a1 (Training: Z = X·L); step 7's cell multiplies by a2 (M) instead.
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const cell = wb.getWorksheet('Training')!.getCell('Z9');
    expect((cell.value as { formula: string }).formula).toBe('X9*L9');
    cell.value = { formula: 'X9*M9', result: 0 };
    const tampered = join(dir, 'mazur-rows-tampered.xlsx');
    await wb.xlsx.writeFile(tampered);
    const t = await xlgrad('verify', tampered);
    expect(t.code).toBe(1);
    expect(t.out.slice(1).map((l) => l.trim().split(':')[0])).toContain('dL_dw5_col[7]');
  });
});
