// The notebook in Chromium: how long the static build takes to show the
// article (beside a blank page's load from the same server, on the same run),
// how long a slider change takes to reach every cell drawn on screen (charts
// included; with the inputs on screen, and with sections 5–7 on screen), how
// long re-running an edited cell and its dependents takes, and how big the
// bundle is. Goals: first render ≤ 1.5 s median; slider median ≤ 16 ms and
// p95 ≤ 50 ms at 2 and at 1,000 epochs; an edited cell re-run ≤ 50 ms median;
// exceljs, CodeMirror and KaTeX fonts off the first render's path.

import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Page } from 'playwright-core';
import { siteInChromium } from '../chromium.ts';

const CHANGES = 30;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const ms = (v: number) => `${v.toFixed(1)} ms`;
const p95 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(0.95 * xs.length) - 1]!;

// The in-page code is text: tsx would wrap named functions in a helper that
// does not exist in the page.
const SLIDER_TIMES = `async (n) => {
  const x = window.xlgrad;
  const slider = document.querySelector('[data-field="x.0"] input[type=range]');
  const total = [];
  const draws0 = x.tracker.draws;
  for (let i = 0; i < n; i++) {
    // x from 1.5 up: both first-layer units alive, so every cell changes.
    slider.value = String(1.5 + 0.02 * (i % 40));
    const done = x.settled();
    const t0 = performance.now();
    slider.dispatchEvent(new Event('input', { bubbles: true }));
    await done;
    total.push(performance.now() - t0);
  }
  return { total, cells: (x.tracker.draws - draws0) / n };
}`;

/** Times from the slider's input event to the moment every recomputed cell is drawn. */
async function sliderTimes(page: Page, n: number): Promise<{ total: number[]; cells: number }> {
  return page.evaluate(`(${SLIDER_TIMES})(${n})`);
}

async function setEpochs(page: Page, epochs: number): Promise<void> {
  await page.locator('[data-field="epochs"] input').fill(String(epochs));
  await page.waitForFunction(`document.querySelector('[data-cell="summary"]')?.textContent?.includes('after ${epochs.toLocaleString('en-US')} epochs')`);
  await page.waitForTimeout(300);
}

const DRAWN = `new Promise((resolve) => {
  const check = () => {
    const x = window.xlgrad;
    const shown = document.querySelector('[data-cell="summary"] [data-value="loss"]')?.textContent === '2.8952391';
    if (x && shown && x.tracker.pending.size === 0 && document.querySelector('[data-cell="combination"] svg')) resolve(performance.now());
    else setTimeout(check, 2);
  };
  check();
})`;

/** Milliseconds from navigation to a blank page's load event, from the same server: the floor under firstRender. */
async function blankLoad(page: Page, url: string): Promise<number> {
  await page.goto(url);
  return page.evaluate('new Promise((r) => (document.readyState === "complete" ? r(performance.now()) : addEventListener("load", () => r(performance.now()))))');
}

/**
 * Milliseconds from Shift+Enter in an edited cell to the moment the cell and
 * every dependent cell on screen are drawn again, measured from Node (so it
 * includes two round trips to the browser, well under a millisecond here).
 */
async function editTimes(page: Page, id: number, sources: string[]): Promise<number[]> {
  const cell = page.locator(`[data-cell-id="${id}"]`);
  await cell.scrollIntoViewIfNeeded();
  if (!(await cell.locator('.cm-content').isVisible())) {
    await cell.hover();
    await cell.locator('[data-action="edit"]').click();
  }
  const times: number[] = [];
  for (const source of sources) {
    await cell.locator('.cm-content').click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.insertText(source);
    // The next settled state, asked for before the re-run starts (as sliderTimes does).
    await page.evaluate('void (window.editDone = window.xlgrad.settled())');
    const t0 = performance.now();
    await page.keyboard.press('Shift+Enter');
    await page.evaluate('window.editDone');
    times.push(performance.now() - t0);
  }
  return times;
}

/** Milliseconds from navigation to the article's loss on screen with every cell drawn. */
async function firstRender(page: Page, url: string): Promise<number> {
  await page.goto(url);
  return page.evaluate(DRAWN);
}

function bundle(dir: string): string[] {
  const assets = join(dir, 'assets');
  const files = readdirSync(assets).map((f) => ({ f, size: statSync(join(assets, f)).size, gz: /\.(js|css)$/.test(f) ? gzipSync(readFileSync(join(assets, f))).length : 0 }));
  const kb = (b: number) => `${(b / 1024).toFixed(0)} kB`;
  const lines = files.filter((x) => /\.(js|css)$/.test(x.f)).sort((a, b) => b.size - a.size).map((x) => `  ${x.f.padEnd(36)} ${kb(x.size).padStart(8)}  (gzip ${kb(x.gz)})`);
  const fonts = files.filter((x) => /\.(woff2?|ttf)$/.test(x.f));
  lines.push(`  KaTeX fonts: ${fonts.length} files, ${kb(fonts.reduce((s, x) => s + x.size, 0))} (fetched only when a formula needs one; font-display: swap)`);
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  lines.push(`  index.html loads: ${[...html.matchAll(/(?:src|href)="\.\/assets\/([^"]+)"/g)].map((m) => m[1]).join(', ')}`);
  return lines;
}

export async function bench(): Promise<void> {
  const { dir, site, browser, close } = await siteInChromium('xlgrad-bench-');
  writeFileSync(join(dir, 'site', 'blank.html'), '<!doctype html><title>blank</title>');
  try {
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));

    const loads: number[] = [], blanks: number[] = [];
    for (let i = 0; i < 5; i++) {
      blanks.push(await blankLoad(page, `${site.url}blank.html?run=${i}`));
      loads.push(await firstRender(page, `${site.url}?run=${i}`));
    }
    console.log(`first render of the static build (navigation → article drawn), 5 loads: median ${ms(median(loads))}, max ${ms(Math.max(...loads))}  (goal ≤ 1500 ms); a blank page from the same server, interleaved: median ${ms(median(blanks))}`);
    console.log(`  exceljs requested before Download: ${requests.some((u) => /exceljs/.test(u)) ? 'YES' : 'no'}; CodeMirror requested before an editor opens: ${requests.some((u) => /cellEditor/.test(u)) ? 'YES' : 'no'}; KaTeX fonts requested: ${requests.filter((u) => /KaTeX_/.test(u)).length}`);

    // The reader moves the x slider with the inputs on screen, then with
    // sections 5–7 (forward pass, derivatives, five-way table) on screen.
    for (const epochs of [2, 1000]) {
      if (epochs !== 2) {
        await page.locator('[data-field="x.0"]').scrollIntoViewIfNeeded();
        await setEpochs(page, epochs);
      }
      for (const [where, target] of [['the inputs', '[data-field="x.0"]'], ['sections 5–7', 'h2#derivatives']] as const) {
        await page.locator(target).scrollIntoViewIfNeeded();
        await page.waitForTimeout(300);
        await sliderTimes(page, 5); // warm-up
        const { total, cells } = await sliderTimes(page, CHANGES);
        console.log(`x slider with ${where} on screen → every cell drawn, ${epochs} epochs, ${CHANGES} changes, ${cells.toFixed(0)} cells each: median ${ms(median(total))}, p95 ${ms(p95(total))}, max ${ms(Math.max(...total))}  (goal median ≤ 16 ms, p95 ≤ 50 ms)`);
      }
    }

    // The reader edits the cell `const training = train(net, config)` and
    // re-runs it: training, and every cell that depends on it, again.
    await firstRender(page, `${site.url}?edit`);
    const training = await page.locator('[data-cell~="training"]').first().getAttribute('data-cell-id');
    const sources = Array.from({ length: CHANGES + 5 }, (_, i) => `const training = train(net, config) // edit ${i}`);
    const edits = (await editTimes(page, Number(training), sources)).slice(5);
    console.log(`edited cell (training) re-run → it and its dependents on screen drawn, ${CHANGES} edits: median ${ms(median(edits))}, p95 ${ms(p95(edits))}  (goal median ≤ 50 ms)`);
    console.log('bundle (dist/assets):');
    for (const line of bundle(join(dir, 'site'))) console.log(line);
  } finally {
    await close();
  }
}
