// The page's fixes found by trying it in real Chromium as a learner would:
// bounded work from a link, only valid state in the URL, printing, the charts'
// words, the sticky epoch picker, the workbook built off the main thread,
// accessibility, a phone's width and one vocabulary for errors.

import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activations } from '../notebooks/cells/activations.ts';
import { activationChart, lossChart } from '../notebooks/cells/charts.ts';
import { num } from '../notebooks/cells/format.ts';
import { checkInput, rawInputOf, type RawInput } from '../notebooks/cells/input.ts';
import { ARTICLE } from '../src/config.ts';
import { buildWorkbook, type Progress } from '../src/workbook/buildWorkbook.ts';
import { ROOT, offlineContext, settled, siteInChromium } from './chromium.ts';

/** What a cell displays, found by a name it defines (`data-cell` lists them; `data-cell-id` is Notebook Kit's number). */
const cell = (name: string) => `[data-cell~="${name}"] > .cell-output`;
/** The link's notice. */
const NOTICE = `${cell('hash')} .notice`;
/** The article's epoch-1 loss, as recorded by PyTorch (fixtures/pytorch/article.json). */
const ARTICLE_LOSS = '2.8952391';

let browser: Browser;
let site: { url: string };
let close: (() => Promise<void>) | undefined;
const problems: string[] = [];

async function open(hash = '', viewport = { width: 1200, height: 900 }): Promise<{ page: Page; context: BrowserContext }> {
  const context = await offlineContext(browser, site.url, { viewport });
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await page.goto(site.url + hash);
  return { page, context };
}

const loaded = (page: Page, loss = ARTICLE_LOSS, timeout = 20_000) =>
  page.waitForFunction((l) => document.querySelector('[data-cell="summary"] [data-value="loss"]')?.textContent === l, loss, { timeout });


/** Whether the element's box lies within the viewport. */
const onScreen = (page: Page, selector: string) => page.locator(selector).first().evaluate((el) => {
  const r = el.getBoundingClientRect();
  return r.height > 0 && r.top >= 0 && r.bottom <= innerHeight;
});

beforeAll(async () => {
  ({ site, browser, close } = await siteInChromium('xlgrad-fixes-'));
});

afterAll(() => close?.());

describe('a shared link', () => {
  it('asking for a 64-64-64-64-1 network renders the article and a message within seconds', async () => {
    const ones = Array(64).fill(1).join(',');
    const started = Date.now();
    const { page, context } = await open(`#layers=64-64-64-64-1&x=${ones}&y=1&lr=0.01&epochs=5000`);
    await loaded(page, ARTICLE_LOSS, 10_000);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await page.locator(NOTICE).textContent()).toContain('layers: 64-64-64-64-1 has 12,545 parameters; at most 400 on the page; use the CLI (`xlgrad run`) for more');
    expect(await onScreen(page, NOTICE)).toBe(true);
    await context.close();
  });

  it('keeps its valid parts: a bad learning rate falls back to the default, x = 2 and 3 epochs stay', async () => {
    const { page, context } = await open('#layers=1-2-2-1&x=2&y=1&lr=abc&epochs=3');
    await page.waitForFunction(() => document.querySelector('[data-cell="summary"]')?.textContent?.includes('after 3 epochs'));
    expect(await page.locator('[data-field="x.0"] input[type=number]').inputValue()).toBe('2');
    expect(await page.locator('[data-field="lr"] input').inputValue()).toBe('0.01');
    expect(await page.locator(NOTICE).textContent()).toContain('learning rate: must be a number, got "abc"');
    expect(await onScreen(page, NOTICE)).toBe(true);
    await context.close();
  });

  it('a bad link opened while the reader is far down the page is shown where the reader is', async () => {
    const { page, context } = await open();
    await loaded(page);
    await page.locator('h2#slice').scrollIntoViewIfNeeded();
    await page.evaluate(() => (location.hash = '#layers=1-2-2-1&x=1&y=1&lr=-1&epochs=2'));
    await expect.poll(() => page.locator(NOTICE).textContent()).toContain('learning rate: must be a number > 0, got -1');
    await expect.poll(() => onScreen(page, NOTICE)).toBe(true);
    await context.close();
  });
});

describe('the URL hash', () => {
  it('records only validated inputs: with a bad learning rate typed, moving a slider writes the last valid one, and a reload keeps every setting', async () => {
    const { page, context } = await open();
    await loaded(page);
    await page.locator('[data-field="epochs"] input').fill('4');
    await expect.poll(() => page.url()).toContain('epochs=4');
    await page.locator('[data-field="lr"] input').fill('abc');
    await expect.poll(() => page.locator('[data-field="lr"] .message').textContent()).toBe('learning rate: must be a number, got "abc"');
    await page.locator(`${cell('coefficients')} input[type=range]`).first().fill('1.5');
    await expect.poll(() => page.url()).toMatch(/coef=1\.5/);
    expect(page.url()).toContain('lr=0.01');
    expect(page.url()).not.toContain('abc');
    await page.reload();
    await page.waitForFunction(() => document.querySelector('[data-cell="summary"]')?.textContent?.includes('after 4 epochs'));
    expect(await page.locator(NOTICE).isHidden()).toBe(true);
    expect(await page.locator(`${cell('coefficients')} input[type=number]`).first().inputValue()).toBe('1.5');
    await context.close();
  });
});

describe('activationChart(activations())', () => {
  it('draws f(x) solid and f′(x) dashed, as its title says', async () => {
    const chart = activationChart(activations());
    const title = chart.spec.title as { text: string; subtitle: string[] };
    expect(title.subtitle).toEqual(['f(x) solid, their derivatives f′(x) dashed']);
    const view = new View(parse(compile(chart.spec as unknown as TopLevelSpec).spec), { renderer: 'none' });
    view.data('table', chart.values);
    await view.runAsync();
    const dash = view.scale('strokeDash') as (kind: string) => number[];
    const solid = (d: number[]) => d.length === 2 && d[1] === 0;
    expect(solid(dash('f(x)'))).toBe(true);
    expect(solid(dash("f'(x)"))).toBe(false);
    view.finalize();
  });
});

describe('printing', () => {
  it('print media draws every section, including those never scrolled into view', async () => {
    const { page, context } = await open();
    await loaded(page);
    await settled(page);
    const drawn = (name: string) => page.locator(cell(name)).evaluate((el) => el.querySelector('svg, table, .katex') !== null);
    // The far sections wait for the reader: nothing there yet.
    expect(await drawn('slice')).toBe(false);
    await page.emulateMedia({ media: 'print' });
    for (const name of ['combination', 'activations', 'diagram', 'forward', 'derivatives', 'gradients', 'sgd', 'loss', 'trajectories', 'slice']) {
      await expect.poll(() => drawn(name), { message: name }).toBe(true);
    }
    const pdf = await page.pdf();
    expect(pdf.length).toBeGreaterThan(10_000);
    await context.close();
  });
});

describe('the epoch picker', () => {
  it('stays reachable below the inputs, and each section says which epoch it shows', async () => {
    const { page, context } = await open();
    await loaded(page);
    for (const id of ['#forward', '#gradients', '#slice', '#check']) {
      await page.locator(`h2${id}`).evaluate((h) => h.scrollIntoView({ block: 'center' }));
      expect(await onScreen(page, '.epoch-picker input'), id).toBe(true);
    }
    await page.locator('h2#slice').evaluate((h) => h.scrollIntoView({ block: 'center' }));
    expect(await page.locator('h2#slice .epoch-tag').textContent()).toBe('epoch 1 of 2');
    await page.locator('.epoch-picker input').fill('2');
    await expect.poll(() => page.locator('h2#slice .epoch-tag').textContent()).toBe('epoch 2 of 2');
    expect(await page.locator('h2#gradients .epoch-tag').textContent()).toBe('epoch 2 of 2');
    expect(await page.locator('h2#forward .epoch-tag').textContent()).toBe('epoch 2 highlighted');
    await context.close();
  });
});

/** Scrolls through every cell so each draws, then back to the top. */
async function drawEverything(page: Page): Promise<void> {
  for (const section of await page.locator('[data-cell-id]').all()) {
    await section.scrollIntoViewIfNeeded();
    await settled(page);
  }
  await page.evaluate(() => window.scrollTo(0, 0));
}

/** axe-core's critical and serious violations on the page as it is now. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: join(ROOT, 'node_modules/axe-core/axe.min.js') });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (c: Document, o: object) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.filter((v) => v.impact === 'critical' || v.impact === 'serious').map((v) => `${v.id} (${v.impact}): ${v.nodes.length} × ${v.nodes[0]!.target.join(' ')}`);
  });
}

describe('accessibility', () => {
  it.each([[1200, 900], [390, 844]])('axe-core finds no critical or serious violation at %i px', async (width, height) => {
    const { page, context } = await open('', { width, height });
    await loaded(page);
    await drawEverything(page);
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });

  it('axe-core finds none in the editor either: open CodeMirror editors, the cell tools shown, the notebook bar', async () => {
    const { page, context } = await open();
    await loaded(page);
    // A JavaScript cell, a Markdown cell and a cell that displays nothing, each with its editor open (its tools then show).
    for (const id of ['2', '5', '17']) {
      await page.locator(`[data-cell-id="${id}"]`).hover();
      await page.locator(`[data-cell-id="${id}"] [data-action="edit"]`).click();
      await expect.poll(() => page.locator(`[data-cell-id="${id}"] .cm-content`).isVisible()).toBe(true);
    }
    expect(await page.locator('.cell.editing .cell-tools button').count()).toBeGreaterThanOrEqual(3 * 6);
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });
});

describe('a 390 px phone', () => {
  it('draws the diagram and chart text at 11 px or more, and the five-way table fits without sideways scrolling', async () => {
    const { page, context } = await open('', { width: 390, height: 844 });
    await loaded(page);
    await drawEverything(page);
    const sizes = await page.evaluate(() => {
      const smallest: Record<string, number> = {};
      for (const t of document.querySelectorAll<SVGTextElement>('[data-cell] svg text')) {
        if (!t.textContent || t.getBoundingClientRect().width === 0) continue;
        const name = t.closest('[data-cell]')!.getAttribute('data-cell')!;
        // The scale of the text's transform (rotated axis titles included).
        const m = t.getScreenCTM();
        const px = parseFloat(getComputedStyle(t).fontSize) * (m ? Math.hypot(m.a, m.b) : 1);
        smallest[name] = Math.min(smallest[name] ?? Infinity, Math.round(px * 10) / 10);
      }
      return smallest;
    });
    expect(Object.keys(sizes).sort()).toEqual(['activations', 'boundary', 'combination', 'diagram', 'loss', 'ownLoss', 'slice', 'steps', 'trajectories']);
    for (const [name, px] of Object.entries(sizes)) expect(px, name).toBeGreaterThanOrEqual(11);
    const widths = await page.locator(cell('gradients')).evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth, page: document.documentElement.scrollWidth }));
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    expect(widths.page).toBeLessThanOrEqual(390);
    await context.close();
  });
});

describe('the step-through on a 390 px phone', () => {
  it('scrolls the drawing sideways to the unit or edge each frame computes', async () => {
    const { page, context } = await open('', { width: 390, height: 844 });
    await loaded(page);
    const player = page.locator('.step-through');
    await player.scrollIntoViewIfNeeded();
    // Drawn once on screen.
    await player.locator('svg [data-key="z5"]').waitFor();
    const inView = (key: string) => player.evaluate((el, k) => {
      const d = el.querySelector('.drawing')!.getBoundingClientRect(), r = el.querySelector(`[data-key="${k}"]`)!.getBoundingClientRect();
      return r.left >= d.left - 1 && r.right <= d.right + 1;
    }, key);
    expect(await inView('z5')).toBe(false);
    // Frame 7: the backward pass starts at the output unit, off screen to the right.
    await player.locator('input[type=range]').fill('6');
    expect(await inView('z5')).toBe(true);
    await player.locator('[data-action="start"]').click();
    expect(await inView('x1')).toBe(true);
    await context.close();
  });
});

describe('buildWorkbook(config, options, onProgress)', () => {
  it('reports the layout, each of the five sheets and the zip, in order, and writes the same bytes as without it', async () => {
    const seen: Progress[] = [];
    const bytes = await buildWorkbook(ARTICLE, {}, (p) => seen.push(p));
    // The article's sheets layout: Inputs, Epoch 1, Epoch 2, Comparison, Config.
    expect(seen).toEqual([
      { step: 'layout', done: 1, total: 7 },
      { step: 'sheet', done: 2, total: 7 },
      { step: 'sheet', done: 3, total: 7 },
      { step: 'sheet', done: 4, total: 7 },
      { step: 'sheet', done: 5, total: 7 },
      { step: 'zip', done: 6, total: 7 },
    ]);
    expect(Buffer.from(bytes).equals(Buffer.from(await buildWorkbook(ARTICLE)))).toBe(true);
  });
});

describe('the Download button', () => {
  it('builds a 1,000-epoch workbook off the page thread, with progress, and Cancel stops it', async () => {
    const { page, context } = await open('#layers=1-2-2-1&x=1&y=1&lr=0.01&epochs=1000');
    await page.waitForFunction(() => document.querySelector('[data-cell="summary"]')?.textContent?.includes('after 1,000 epochs'));
    const downloads: string[] = [];
    page.on('download', (d) => downloads.push(d.suggestedFilename()));
    await page.locator(`${cell('download')} button.download`).click();
    const status = page.locator(`${cell('download')} .status`);
    await expect.poll(() => status.textContent(), { timeout: 20_000 }).toMatch(/^building the workbook: .+… \d+ s$/);
    // While the worker builds, the page answers within a frame or two.
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      waits.push(await page.evaluate(() => new Promise<number>((done) => { const t = performance.now(); requestAnimationFrame(() => done(performance.now() - t)); })));
    }
    expect(Math.max(...waits)).toBeLessThan(200);
    await page.locator(`${cell('download')} button.cancel`).click();
    await expect.poll(() => status.textContent()).toBe('cancelled; nothing was saved');
    expect(await page.locator(`${cell('download')} button.cancel`).isHidden()).toBe(true);
    expect(await page.locator(`${cell('download')} button.download`).isEnabled()).toBe(true);
    await page.waitForTimeout(500);
    expect(downloads).toEqual([]);
    await context.close();
  });
});

describe('one vocabulary for errors', () => {
  const article = () => rawInputOf(ARTICLE, 'article');
  const bad: [string, Partial<RawInput>][] = [
    ['learning rate 0', { lr: '0' }], ['learning rate -1', { lr: '-1' }], ['learning rate abc', { lr: 'abc' }], ['learning rate empty', { lr: '' }],
    ['epochs 0', { epochs: '0' }], ['epochs 2.5', { epochs: '2.5' }], ['epochs 10^6', { epochs: '1000000' }], ['epochs 10^7', { epochs: '10000000' }],
    ['seed 1.5', { seed: '1.5' }], ['seed 2^60', { seed: String(2 ** 60) }],
    ['a 1024-unit layer', { layers: [1, 1024, 1], bias: [true, true] }], ['a 2000-unit layer', { layers: [1, 2000, 1], bias: [true, true] }],
  ];
  it.each(bad)('checkInput with %s names the page\'s inputs, never "lr", and quotes only the page\'s bounds', (_, change) => {
    const { errors } = checkInput({ ...article(), ...change } as RawInput);
    expect(errors.length).toBeGreaterThan(0);
    for (const { message } of errors) {
      expect(message).not.toMatch(/\blr\b|init\.|torchSeed/);
      // Any bound quoted is one the page checks: 5,000 epochs, 400 parameters (not the CLI's 1,000,000 or 1024).
      const bounds = [...message.matchAll(/(?:at most|from \d+ to) (\d+(?:,\d{3})*)/g)].map((m) => m[1]);
      for (const b of bounds) expect(['5,000', '400']).toContain(b);
    }
  });

  it('the page says at most 5,000 epochs and 400 parameters, the numbers it checks', () => {
    expect(checkInput({ ...article(), epochs: '5000' }).errors).toEqual([]);
    expect(checkInput({ ...article(), epochs: '5001' }).errors[0]?.message).toContain('at most 5,000 on the page');
    // 1-133-1: 133 + 133 weights, 133 + 1 biases = 400 parameters; 1-134-1 has 403.
    expect(checkInput({ ...article(), layers: [1, 133, 1], bias: [true, true], weights: {} }).errors).toEqual([]);
    expect(checkInput({ ...article(), layers: [1, 134, 1], bias: [true, true], weights: {} }).errors[0]?.message).toBe('layers: 1-134-1 has 403 parameters; at most 400 on the page; use the CLI (`xlgrad run`) for more');
  });
});

describe('the diagram explains itself', () => {
  it('shows a unit\'s or an edge\'s formula with the numbers plugged in on keyboard focus, hover and tap', async () => {
    // The article's epoch 1 as recorded by PyTorch: ∂L/∂w8 = ∂L/∂z5 · a4, and ∂L/∂z5 = ∂L/∂b5.
    const recorded = (await import('../fixtures/pytorch/article.json', { with: { type: 'json' } })).default.epochs[0]!;
    const n = (v: number) => num(v).replace('-', '\u2212');
    const { page, context } = await open();
    await loaded(page);
    await page.locator('h2#network').scrollIntoViewIfNeeded();
    await settled(page);
    const panel = page.locator(`${cell('diagram')} .formula`);
    await page.locator(`${cell('diagram')} [data-key="z5"]`).focus();
    await expect.poll(() => panel.textContent()).toContain(`ŷ1 = z5 = ${n(recorded.yhat[0]!)}`);
    expect(await panel.textContent()).toContain(`L = (ŷ1 \u2212 y1)^2 = ((${n(recorded.yhat[0]!)}) \u2212 1)^2 = ${n(recorded.loss)}`);
    const edge = (await page.locator(`${cell('diagram')} [data-key="w8"] line:not(.hit)`).boundingBox())!;
    await page.mouse.move(edge.x + edge.width / 2, edge.y + edge.height / 2);
    await expect.poll(() => panel.textContent()).toBe(`w8 = ${n(recorded.params.w8!)}\n∂L/∂w8 = ∂L/∂z5 · a4 = (${n(recorded.grads.b5!)}) · ${n(recorded.nodes.a4!)} = ${n(recorded.grads.w8!)}`);
    const unit = (await page.locator(`${cell('diagram')} [data-key="x1"] circle`).boundingBox())!;
    await page.mouse.click(unit.x + unit.width / 2, unit.y + unit.height / 2);
    await expect.poll(() => panel.textContent()).toBe('x1 = 1');
    // The tab order reaches the units and edges.
    expect(await page.locator(`${cell('diagram')} [data-formula][tabindex="0"]`).count()).toBe(8 + 6); // 8 edges and 6 units (1-2-2-1)
    await context.close();
  });
});

describe('the loss chart', () => {
  it('lossChart(training, epoch, true) draws the loss on a log axis, leaving out a loss of exactly 0', async () => {
    const t = { epochs: 3, losses: Float64Array.from([4, 0, 0.01]), params: new Float64Array(0) };
    const chart = lossChart(t, 1, true);
    expect(chart.values.map((d) => d.epoch)).toEqual([1, 3]);
    const view = new View(parse(compile(chart.spec as unknown as TopLevelSpec).spec), { renderer: 'none' });
    view.data('table', chart.values);
    await view.runAsync();
    expect((view.scale('y') as { type: string }).type).toBe('log');
    view.finalize();
  });

  it('has a log-scale checkbox that redraws it', async () => {
    const { page, context } = await open('#layers=1-2-2-1&x=1&y=1&lr=0.01&epochs=300');
    await page.waitForFunction(() => document.querySelector('[data-cell="summary"]')?.textContent?.includes('after 300 epochs'));
    await page.locator(cell('loss')).scrollIntoViewIfNeeded();
    await settled(page);
    const title = () => page.locator(`${cell('loss')} svg`).textContent();
    expect(await title()).toContain('Loss over epochs');
    expect(await title()).not.toContain('log scale');
    await page.getByLabel('log scale for the loss').check();
    await expect.poll(title).toContain('Loss over epochs, log scale');
    await context.close();
  });
});
