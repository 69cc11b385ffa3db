// The article notebook end to end in real Chromium: the static build served
// from 127.0.0.1, driven like a user would, with every request checked. Cells
// are found by the names they define (`data-cell="summary"`); Notebook Kit
// numbers its cells, and `data-cell-id` holds that number.

import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { num } from '../notebooks/cells/format.ts';
import { ARTICLE } from '../src/config.ts';
import { preset } from '../src/presets.ts';
import { epochDetails, trace } from '../src/trace.ts';
import { zipDirectory } from '../src/workbook/zipDirectory.ts';
import { zipPartText } from '../src/workbook/zipPartText.ts';
import { ROOT, offlineContext, settled as settledIn, siteInChromium } from './chromium.ts';

let browser: Browser;
let site: { url: string };
let close: (() => Promise<void>) | undefined;
let out: string;
let page: Page;
const outside: string[] = [];
const problems: string[] = [];
const requested: string[] = [];

// textContent, not innerText: a section scrolled out of view is not rendered, but its text is there.
const text = async (selector: string) => (await page.locator(selector).first().textContent()) ?? '';
const html = (selector: string) => page.locator(selector).first().innerHTML();
/** Resolves once every cell recomputed by the last change has been drawn. */
const settled = () => settledIn(page);

beforeAll(async () => {
  ({ dir: out, site, browser, close } = await siteInChromium('xlgrad-site-'));
  // Anything not served by our own 127.0.0.1 server is recorded and refused.
  const context = await offlineContext(browser, site.url, { outside });
  page = await context.newPage();
  page.on('request', (r) => requested.push(r.url()));
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
  });
  await page.goto(site.url);
  await page.waitForFunction(() => document.querySelector('[data-cell="summary"] [data-value="loss"]')?.textContent === '2.8952391', null, { timeout: 30_000 });
  await settled();
});

afterAll(() => close?.());

describe('the notebook in Chromium', () => {
  it('shows the article: epoch-1 loss 2.8952391, every cell drawn, none failed', async () => {
    for (const cell of await page.locator('[data-cell-id]').all()) {
      await cell.scrollIntoViewIfNeeded();
      await settled();
    }
    expect(await text('[data-cell="summary"] [data-value="loss"]')).toBe('2.8952391');
    expect(await text('[data-cell="forward"]')).toContain('2.8952391');
    expect(await text('[data-cell="gradients"]')).toContain('recorded PyTorch');
    expect(await page.locator('[data-cell] .cell-error').count()).toBe(0);
    for (const chart of ['combination', 'activations', 'loss', 'trajectories', 'slice']) {
      expect(await page.locator(`[data-cell="${chart}"] svg path`).count(), chart).toBeGreaterThan(0);
    }
    expect(await page.locator('[data-cell="derivatives"] .katex').count()).toBeGreaterThan(20);
    expect(requested.filter((u) => /exceljs/.test(u))).toEqual([]);
  });

  it('steps through one training step: units one by one, gradients back edge by edge with the non-zero ones circled, then the update', async () => {
    const player = page.locator('[data-cell~="steps"] .step-through');
    await player.scrollIntoViewIfNeeded();
    await settled();
    await player.locator('svg [data-key="z5"]').waitFor();
    const frame = async () => Number(await player.getAttribute('data-frame'));
    const on = (ring: string) => player.locator(`[data-ring="${ring}"].on`).count();
    const step = (n = 1) => Array.from({ length: n }).reduce<Promise<void>>((p) => p.then(() => player.locator('[data-action="step"]').click()), Promise.resolve());
    expect(await frame()).toBe(0);
    expect(await player.locator('.unit.pending').count()).toBe(5);
    // Frame 4: unit 3, read from w3, w4 and units 1 and 2, with PyTorch's recorded z3.
    await step(3);
    expect(await player.locator('.unit.pending').count()).toBe(2);
    expect(await player.locator('.unit.current').getAttribute('data-key')).toBe('z3');
    expect((await player.locator('.read').evaluateAll((els) => els.map((e) => e.getAttribute('data-key')))).sort()).toEqual(['w3', 'w4', 'z1', 'z2']);
    expect(await player.locator('.formula').textContent()).toContain('z3 = w3 · a1 + w4 · a2 + b3 = (−0.27234524) · 0 + 0.18961589 · 0 + (−0.062751517) = −0.062751517');
    // The keyboard works the controls: on to unit 4, the output with the loss, and ∂L/∂ŷ back at the output.
    await player.locator('[data-action="step"]').focus();
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Enter');
    expect(await frame()).toBe(6);
    expect(await player.getAttribute('data-phase')).toBe('backward');
    // Then ∂L/∂w8 = −0.63674814 (PyTorch's), circled, and w7's 0, not.
    await step();
    expect(await player.locator('.formula').textContent()).toBe('∂L/∂w8 = ∂L/∂z5 · a4 = (−3.4030805) · 0.18710934 = −0.63674814');
    expect(await on('w8')).toBe(1);
    expect(await player.locator('[data-grad="w8"]').textContent()).toBe('∂ −0.637');
    await step();
    expect(await player.locator('.formula').textContent()).toBe('∂L/∂w7 = ∂L/∂z5 · a3 = (−3.4030805) · 0 = 0');
    expect(await on('w7')).toBe(0);
    expect(await player.locator('[data-grad="w7"].on').textContent()).toBe('∂ 0');
    // Play runs on by itself; Pause stops it.
    await player.locator('[data-action="play"]').click();
    await expect.poll(frame, { timeout: 5000 }).toBeGreaterThanOrEqual(10);
    await player.locator('[data-action="play"]').click();
    expect(await player.locator('[data-action="play"]').getAttribute('aria-pressed')).toBe('false');
    const paused = await frame();
    await page.waitForTimeout(1500);
    expect(await frame()).toBe(paused);
    // Unit 3's ReLU is off: its ∂L/∂z3 is 0 and it is not circled; unit 4's is.
    await player.locator('input[type=range]').fill('19');
    expect(await player.getAttribute('data-phase')).toBe('update');
    await player.locator('[data-action="back"]').click();
    expect(await on('z3')).toBe(0);
    expect(await on('z4')).toBe(1);
    // The update: w8's label shows PyTorch's w8 after the step (−0.13262524), b4 and b5 moved too.
    await player.locator('[data-action="step"]').click();
    expect(await player.locator('text.weight[data-param="w8"]').textContent()).toBe('w₈ -0.133');
    expect(await player.locator('.formula').textContent()).toContain('3 of 13 parameters moved');
    await player.locator('[data-action="start"]').click();
    expect(await frame()).toBe(0);
    expect(await player.locator('text.weight[data-param="w8"]').textContent()).toBe('w₈ -0.139');
  });

  it('moving the x slider updates the loss, the forward table, the TeX and the charts', async () => {
    const before = { forward: await html('[data-cell="forward"]'), tex: await html('[data-cell="derivatives"]'), chart: await html('[data-cell="loss"] svg'), diagram: await html('[data-cell="diagram"]') };
    await page.locator('[data-field="x.0"] input[type=range]').fill('2');
    await page.waitForFunction(() => document.querySelector('[data-cell="summary"] [data-value="loss"]')?.textContent !== '2.8952391');
    await settled();
    const expected = epochDetails(trace({ ...ARTICLE, x: [[2]] }, { numeric: false }))[0]!.loss;
    expect(await text('[data-cell="summary"] [data-value="loss"]')).toBe(num(expected));
    const shown = async (selector: string) => {
      await page.locator(selector).first().scrollIntoViewIfNeeded();
      await settled();
      return html(selector);
    };
    await expect.poll(() => shown('[data-cell="forward"]')).not.toBe(before.forward);
    expect(await text('[data-cell="forward"]')).toContain(num(expected));
    await expect.poll(() => shown('[data-cell="derivatives"]')).not.toBe(before.tex);
    await expect.poll(() => shown('[data-cell="loss"] svg')).not.toBe(before.chart);
    await expect.poll(() => shown('[data-cell="diagram"]')).not.toBe(before.diagram);
    await page.locator('[data-field="x.0"]').scrollIntoViewIfNeeded();
    expect(page.url()).toContain('x=2');
  });

  it('a bad learning rate is reported at its input and the page keeps the last good state', async () => {
    const loss = await text('[data-cell="summary"] [data-value="loss"]');
    await page.locator('[data-field="lr"] input').fill('abc');
    await expect.poll(() => text('[data-field="lr"] .message')).toBe('learning rate: must be a number, got "abc"');
    expect(await text('[data-cell="checked"]')).toContain('last valid inputs');
    expect(await text('[data-cell="summary"] [data-value="loss"]')).toBe(loss);
    await page.locator('[data-field="epochs"] input').fill('1e400');
    await page.locator('[data-field="lr"] input').fill('0.01');
    await expect.poll(() => text('[data-field="epochs"] .message')).toBe('epochs: 1e400 is too large for a double; must be a finite number');
    await page.locator('[data-field="epochs"] input').fill('2');
    await expect.poll(() => page.locator('.field.invalid').count()).toBe(0);
    await settled();
    expect(problems).toEqual([]);
  });

  it('Download builds the workbook for the current inputs, with its named cells', async () => {
    expect(requested.filter((u) => /exceljs/.test(u))).toEqual([]);
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-cell="download"] .cell-output button.download').click()]);
    const file = join(out, download.suggestedFilename());
    await download.saveAs(file);
    expect(requested.some((u) => /exceljs/.test(u))).toBe(true);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(file);
    const valueOf = (name: string) => {
      const [range] = wb.definedNames.getRanges(name).ranges;
      const m = /^'?(.+?)'?!\$?([A-Z]+)\$?(\d+)$/.exec(range!)!;
      const cell = wb.getWorksheet(m[1]!)!.getCell(`${m[2]}${m[3]}`);
      return typeof cell.value === 'object' && cell.value !== null && 'result' in cell.value ? cell.value.result : cell.value;
    };
    expect(valueOf('x_1')).toBe(2);
    expect(valueOf('lr')).toBe(0.01);
    for (const name of ['w1_e1', 'L_e1', 'dL_dw8_e1', 'dL_db5_e2']) expect(typeof valueOf(name), name).toBe('number');
    // The loss chart, its parts deflated by the browser's CompressionStream, reads the Inputs sheet's loss column.
    const bytes = new Uint8Array(readFileSync(file));
    const entries = zipDirectory(bytes);
    expect(zipPartText(bytes, entries, 'xl/charts/chart1.xml')).toMatch(/<c:yVal><c:numRef><c:f>Inputs!\$N\$4:\$N\$\d+<\/c:f>/);
  });

  it('uploading the downloaded workbook checks it in the browser: every checked cell agrees', async () => {
    const file = readdirSync(out).find((f) => f.endsWith('.xlsx'))!;
    await page.locator('[data-control="upload"]').scrollIntoViewIfNeeded();
    await page.locator('[data-control="upload"]').setInputFiles(join(out, file));
    const verdict = page.locator('[data-cell="checkReport"] .verdict');
    await expect.poll(() => verdict.textContent(), { timeout: 30_000 }).toMatch(/^All \d+ checked cells agree with the engine\.$/);
    expect(await page.locator('[data-cell="checkReport"] pre').textContent()).toContain('dL_dw8_e1');
  });

  it('uploading a workbook with a bug shows its root cause first: the cell, the expected formula over the learner\'s cells and the wrong reference', async () => {
    // examples/course-buggy.xlsx (test/makeExamples.ts): ∂E/∂w3 takes a_h1's σ′ where a_h2's belongs.
    await page.locator('[data-control="upload"]').setInputFiles(join(ROOT, 'examples', 'course-buggy.xlsx'));
    const report = page.locator('[data-cell="checkReport"]');
    await expect.poll(() => report.locator('.verdict').textContent(), { timeout: 30_000 }).toMatch(/^\d+ of \d+ checked cells disagree with the engine, from one root cause; the others follow from it\.$/);
    const first = report.locator('.root-causes li').first();
    expect(await first.locator('strong').textContent()).toBe('Sheet1!AA5');
    expect(await first.locator('.references').textContent()).toBe('uses O5 (a_h1) where a_h2 (Q5) belongs');
    expect(await first.locator('dd').nth(1).textContent()).toMatch(/^=.*Q5.*$/);
    // The root causes come before the full report, which starts folded.
    expect(await report.evaluate((el) => {
      const roots = el.querySelector('.root-causes')!, full = el.querySelector('details')!;
      return Boolean(roots.compareDocumentPosition(full) & Node.DOCUMENT_POSITION_FOLLOWING) && !full.open;
    })).toBe(true);
  });

  it('uploading an .ods shows one line: save it as .xlsx, or check it with xlgrad check on the command line', async () => {
    // What an .ods starts with: a zip whose first, stored entry is `mimetype`.
    const ods = Buffer.from('PK\x03\x04\x14\x00\x00\x00\x00\x00mimetypeapplication/vnd.oasis.opendocument.spreadsheetPK', 'latin1');
    await page.locator('[data-control="upload"]').setInputFiles({ name: 'net.ods', mimeType: 'application/vnd.oasis.opendocument.spreadsheet', buffer: ods });
    const verdict = page.locator('[data-cell="checkReport"] .verdict.error');
    await expect.poll(() => verdict.textContent(), { timeout: 30_000 }).toBe('net.ods: is an OpenDocument spreadsheet (.ods), which cannot be read here; save it as an Excel Workbook (.xlsx) (LibreOffice: File › Save As), or check it on the command line, xlgrad check net.ods, which converts it through LibreOffice');
  });

  it('a malformed link says so and keeps the defaults', async () => {
    const other = await page.context().newPage();
    await other.goto(`${site.url}#layers=banana`);
    await other.waitForFunction(() => document.querySelector('[data-cell="summary"] [data-value="loss"]')?.textContent === '2.8952391');
    expect(await other.locator('[data-cell="hash"] .notice').textContent()).toBe('Part of the link could not be used (layers must look like 1-2-2-1, got "banana"); the page shows the default for it and keeps the rest.');
    await other.close();
  });

  it('choosing the bias-free preset mazur-nobias shows its eight weights and no bias, as recorded by PyTorch', async () => {
    const config = preset('mazur-nobias');
    expect(config.bias).toEqual([false, false]);
    const expected = num(epochDetails(trace(config, { numeric: false }))[0]!.loss);
    await page.locator('[data-field="preset"]').scrollIntoViewIfNeeded();
    await page.locator('[data-field="preset"] select').selectOption('mazur-nobias');
    await page.waitForFunction((loss) => document.querySelector('[data-cell="summary"] [data-value="loss"]')?.textContent === loss, expected);
    await settled();
    expect(await text('[data-cell="input"] .arch')).toContain('no bias in Linear layers 1, 2');
    await page.locator('[data-cell="gradients"]').scrollIntoViewIfNeeded();
    await settled();
    await expect.poll(() => page.locator('[data-cell="gradients"] tbody th').allTextContents()).toEqual(['w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7', 'w8'].map((w) => `●${w}`));
    expect(await text('[data-cell="gradients"]')).toContain('recorded PyTorch');
    expect(await page.locator('[data-cell] .cell-error').count()).toBe(0);
    await expect.poll(() => page.url()).toContain('bias=0-0');
    await page.locator('[data-field="preset"] select').selectOption('article');
    await page.waitForFunction(() => document.querySelector('[data-cell="summary"] [data-value="loss"]')?.textContent === '2.8952391');
    await settled();
  });

  it('draws the decision boundary, and choosing another data set redraws it with that set\'s points', async () => {
    const boundary = '[data-cell="boundary"]';
    await page.locator(boundary).scrollIntoViewIfNeeded();
    await settled();
    // The points layer: one symbol per sample (32 moons), over a 40 × 40 heat map.
    const points = () => page.locator(`${boundary} .mark-symbol.role-mark path`).count();
    await expect.poll(points).toBe(32);
    expect(await page.locator(`${boundary} .mark-rect.role-mark path`).count()).toBe(1600);
    expect(await text('.own-summary')).toMatch(/^After 300 epochs the loss is [\d.]+ and \d+% of the 32 points are on the right side\.$/);
    const before = await html(`${boundary} svg`);
    await page.locator('[data-cell="ownSettings"] select').first().selectOption({ label: 'rings: a ring inside a ring, 28 points' });
    await settled();
    await expect.poll(points).toBe(28);
    expect(await html(`${boundary} svg`)).not.toBe(before);
    expect(await text('.own-summary')).toMatch(/of the 28 points are on the right side\.$/);
    await expect.poll(() => page.url()).toContain('own=rings%2C6%2Ctanh');
    expect(await page.locator('[data-cell="ownLoss"] svg path').count()).toBeGreaterThan(0);
    expect(await page.locator('[data-cell] .cell-error').count()).toBe(0);
  });

  it('the loss chart\'s log scale is kept in the link: a reload shows it again', async () => {
    const box = page.locator('[data-cell~="logLoss"] input[type=checkbox]');
    await box.scrollIntoViewIfNeeded();
    await box.check();
    await settled();
    await expect.poll(() => page.url()).toContain('&log=1');
    await page.reload();
    await page.waitForFunction(() => document.querySelector('[data-cell="summary"] [data-value="loss"]')?.textContent, null, { timeout: 30_000 });
    await page.locator('[data-cell~="logLoss"]').scrollIntoViewIfNeeded();
    await settled();
    expect(await page.locator('[data-cell~="logLoss"] input[type=checkbox]').isChecked()).toBe(true);
    await page.locator('[data-cell="loss"]').scrollIntoViewIfNeeded();
    await settled();
    await expect.poll(() => text('[data-cell="loss"]')).toContain('Loss over epochs, log scale');
  });

  it('loads nothing from outside 127.0.0.1 and logs no error; screenshot in test/output/notebook.png', async () => {
    mkdirSync(join(ROOT, 'test/output'), { recursive: true });
    // Scroll through once so every section has drawn its latest value.
    for (const cell of await page.locator('[data-cell-id]').all()) await cell.scrollIntoViewIfNeeded();
    await page.evaluate(() => window.scrollTo(0, 0));
    await settled();
    await page.screenshot({ path: join(ROOT, 'test/output/notebook.png'), fullPage: true });
    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
  });
});
