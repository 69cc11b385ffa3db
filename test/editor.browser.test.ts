// The notebook editor in real Chromium, driven as a learner would: edit a
// cell's code and press Shift+Enter, add a cell, save, reload, revert, open a
// Notebook Kit file written by hand. Every request must stay on 127.0.0.1.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import article from '../fixtures/pytorch/article.json' with { type: 'json' };
import { num } from '../notebooks/cells/format.ts';
import { ARTICLE, normalizeConfig } from '../src/config.ts';
import { epochDetails, trace } from '../src/trace.ts';
import { offlineContext, settled as settledIn, siteInChromium } from './chromium.ts';

let browser: Browser;
let context: BrowserContext;
let site: { url: string };
let close: (() => Promise<void>) | undefined;
let out: string;
let page: Page;
const outside: string[] = [];
const requested: string[] = [];
const problems: string[] = [];

const LOSS = '[data-cell="summary"] [data-value="loss"]';
const text = async (selector: string) => (await page.locator(selector).first().textContent()) ?? '';
const settled = () => settledIn(page);

/** Replaces the source in the cell's editor (opening it if needed) and presses Shift+Enter. */
async function edit(cell: string, source: string): Promise<void> {
  const el = page.locator(cell);
  if (!(await el.locator('.cm-content').isVisible())) await el.locator('[data-action="edit"]').click();
  await el.locator('.cm-content').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.insertText(source);
  await page.keyboard.press('Shift+Enter');
}

const saved = (): Promise<string> =>
  Promise.all([page.waitForEvent('download'), page.locator('[data-action="save"]').click()]).then(async ([d]) => {
    const file = join(out, d.suggestedFilename());
    await d.saveAs(file);
    return readFileSync(file, 'utf8');
  });

const openFile = (name: string, source: string) =>
  page.locator('input[type=file][aria-label="open a notebook file"]').setInputFiles({ name, mimeType: 'text/html', buffer: Buffer.from(source) });

beforeAll(async () => {
  ({ dir: out, site, browser, close } = await siteInChromium('xlgrad-editor-'));
  context = await offlineContext(browser, site.url, { outside });
  page = await context.newPage();
  page.on('request', (r) => requested.push(r.url()));
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(`${site.url}article.html`);
  await page.waitForFunction((s) => document.querySelector(s)?.textContent === '2.8952391', LOSS, { timeout: 30_000 });
  await settled();
});

afterAll(() => close?.());

describe('the notebook editor in Chromium', () => {
  it('every cell has its element [data-cell-id]; only pinned cells show their source until "edit" is pressed', async () => {
    const ids = await page.locator('[data-cell-id]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.cellId));
    expect(ids.length).toBe(66);
    expect(new Set(ids).size).toBe(66);
    expect(await page.locator('[data-cell="training"]').getAttribute('data-cell-id')).toBe('20');
    expect(await page.locator('.cm-editor:visible').count()).toBe(0);
    await page.locator('[data-cell="training"] [data-action="edit"]').click();
    expect(await page.locator('[data-cell="training"] .cm-content').textContent()).toBe('const training = train(net, config)');
    await page.locator('[data-cell="training"] [data-action="edit"]').click();
    expect(await page.locator('[data-cell="training"] .cm-editor').isVisible()).toBe(false);
  });

  it('editing a cell and pressing Shift+Enter re-runs it and every cell that depends on it', async () => {
    const before = { forward: await page.locator('[data-cell="forward"]').innerHTML(), tex: await page.locator('[data-cell="derivatives"]').innerHTML() };
    await edit('[data-cell="config"]', 'const config = ({...keepConfig(checked), x: [[2]]})');
    const expected = num(epochDetails(trace({ ...ARTICLE, x: [[2]] }, { numeric: false }))[0]!.loss);
    await page.waitForFunction(([s, v]) => document.querySelector(s!)?.textContent === v, [LOSS, expected]);
    await settled();
    // Tables and TeX off screen draw when scrolled to.
    const shown = async (selector: string) => {
      await page.locator(selector).scrollIntoViewIfNeeded();
      return page.locator(selector).innerHTML();
    };
    await expect.poll(() => shown('[data-cell="forward"]')).not.toBe(before.forward);
    expect(await text('[data-cell="forward"]')).toContain(expected);
    await expect.poll(() => shown('[data-cell="derivatives"]')).not.toBe(before.tex);
    expect(await page.locator('[data-cell] .cell-error').count()).toBe(0);
  });

  it('an error stays in its cell, and the cell recovers when fixed', async () => {
    await edit('[data-cell="loss"]', 'const loss = lossChart(training, epoch');
    await expect.poll(() => page.locator('.cell-error').allTextContents()).toEqual([expect.stringMatching(/^SyntaxError: /)]);
    // The cell defines nothing while broken; the rest of the article is unaffected.
    expect(await page.locator('[data-cell="trajectories"] svg path').count()).toBeGreaterThan(0);
    await edit('[data-cell-id="38"]', 'const loss = lossChart(training, epoch, logLoss);\ndisplay(await chart(loss));');
    await expect.poll(() => page.locator('.cell-error').count()).toBe(0);
    await expect.poll(() => page.locator('[data-cell="loss"] svg path').count()).toBeGreaterThan(0);
  });

  it('a new cell that imports xlgrad shows a number', async () => {
    await page.locator('[data-cell="training"]').hover();
    await page.locator('[data-cell="training"] [data-action="add"]').click();
    const cell = page.locator('[data-cell="training"] + [data-cell-id]');
    expect(await cell.getAttribute('data-cell-id')).toBe('67');
    expect(await cell.locator('.cm-editor').isVisible()).toBe(true);
    await cell.locator('.cm-content').click();
    await page.keyboard.insertText('import {trace} from "xlgrad";\ndisplay(trace({layers: [1, 2, 2, 1], x: [1], y: [1], lr: 0.01, epochs: 2}).epochs[0].loss);');
    await page.keyboard.press('Shift+Enter');
    await expect.poll(() => cell.locator('.cell-output').textContent()).toBe(String(article.epochs[0]!.loss));
  });

  it('move and delete: the order changes, and deleting a cell others need says so in them', async () => {
    await page.locator('[data-cell-id="67"] [data-action="up"]').click();
    expect(await page.locator('[data-cell-id="67"] + [data-cell-id]').getAttribute('data-cell')).toBe('training');
    await page.locator('[data-cell-id="67"] [data-action="down"]').click();
    await page.locator('[data-cell="fixture"]').hover();
    await page.locator('[data-cell="fixture"] [data-action="delete"]').click();
    expect(await page.locator('[data-cell="fixture"]').count()).toBe(0);
    await expect.poll(() => text('[data-cell="summary"] .cell-error')).toBe('fixture is not defined');
  });

  it('edits survive a reload; Save downloads a Notebook Kit file with them; Revert returns to the file', async () => {
    await page.reload();
    await page.waitForFunction(() => document.querySelector('[data-cell="summary"] .cell-error')?.textContent === 'fixture is not defined');
    expect(await text('.notebook-status')).toMatch(/^edited copy of article\.html/);
    await expect.poll(() => page.locator('[data-cell-id="67"] .cell-output').textContent()).toBe(String(article.epochs[0]!.loss));
    const file = await saved();
    expect(file).toMatch(/^<!doctype html>\n<notebook theme="air">/);
    expect(file).toContain('const config = ({...keepConfig(checked), x: [[2]]})');
    expect(file).toContain('<script id="67" type="module" pinned="">');
    expect(file).not.toContain('const fixture = fixtureFor(config)');

    await page.locator('[data-action="revert"]').click();
    await page.waitForFunction((s) => document.querySelector(s)?.textContent === '2.8952391', LOSS);
    expect(await page.locator('[data-cell-id="67"]').count()).toBe(0);
    expect(await text('.notebook-status')).toBe('article.html');

    // Open the saved file: the edits are back.
    await openFile('article.html', file);
    await expect.poll(() => page.locator('[data-cell-id="67"] .cell-output').textContent()).toBe(String(article.epochs[0]!.loss));
    expect(await page.locator('[data-cell="fixture"]').count()).toBe(0);
    await page.locator('[data-action="revert"]').click();
    await page.waitForFunction((s) => document.querySelector(s)?.textContent === '2.8952391', LOSS);
  });

  it('a Notebook Kit file written by hand opens and runs, Markdown, TeX and xlgrad included', async () => {
    const handWritten = `<!doctype html>
<notebook theme="slate">
  <title>By hand</title>
  <script id="7" type="text/markdown">
    # Written by hand

    The loss after one step is \${num(first)}, and \${tex\`\\hat y\`} is the prediction.
  </script>
  <script id="3" type="module">
    import {trace} from "xlgrad";
    import {num} from "xlgrad/notebook";
  </script>
  <script id="4" type="module" pinned>
    const first = trace({layers: [1, 2, 2, 1], x: [1], y: [1], lr: 0.01, epochs: 1}).epochs[0].loss
  </script>
</notebook>
`;
    await openFile('hand.html', handWritten);
    await page.waitForFunction(() => /after one step is \d/.test(document.querySelector('[data-cell-id="7"] p')?.textContent ?? ''));
    expect(await text('[data-cell-id="7"] h1')).toBe('Written by hand');
    expect(await text('[data-cell-id="7"] p')).toContain(`The loss after one step is ${num(article.epochs[0]!.loss)}, and `);
    expect(await page.locator('[data-cell-id="7"] .katex').count()).toBe(1);
    expect(await page.locator('[data-cell-id="4"] .cm-editor').isVisible()).toBe(true);
    expect(await page.locator('[data-cell-id="3"] .cm-editor').isVisible()).toBe(false);
    expect(await page.locator('.cell-error').count()).toBe(0);
    await page.locator('[data-action="revert"]').click();
    await page.waitForFunction((s) => document.querySelector(s)?.textContent === '2.8952391', LOSS);
  });

  it('every notebooks/*.html is a page: /lesson.html runs its four cells', async () => {
    const other = await context.newPage();
    await other.goto(`${site.url}lesson.html`);
    const run = trace(normalizeConfig({ layers: [1, 2, 1], x: [1], y: [1], lr: 0.1, epochs: 20, init: { torchSeed: 0 } }), { numeric: false });
    const last = num(epochDetails(run).at(-1)!.loss);
    await other.waitForFunction((l) => document.querySelector('[data-cell-id="4"] p')?.textContent?.startsWith(`After 20 epochs the loss is ${l}`), last);
    expect(await other.locator('.cell-error').count()).toBe(0);
    expect(await other.title()).toBe('A lesson in four cells');
    await other.close();
  });

  it('no request leaves the machine and the page logged no error', async () => {
    expect(requested.length).toBeGreaterThan(5);
    expect(requested.filter((u) => !u.startsWith(site.url) && !u.startsWith('data:') && !u.startsWith('blob:'))).toEqual([]);
    expect(outside).toEqual([]);
    expect(problems).toEqual([]);
  });
});
