// The article built by Notebook Kit's own builder (`npm run build:notebook-kit`,
// its page and runtime instead of xlgrad's editor) runs in Chromium and
// fetches nothing from outside 127.0.0.1.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import article from '../fixtures/pytorch/article.json' with { type: 'json' };
import { num } from '../notebooks/cells/format.ts';
import { launchChromium, ROOT, serve } from './chromium.ts';

let browser: Browser | undefined;
let out: string | undefined;
afterAll(async () => {
  await browser?.close();
  if (out) rmSync(out, { recursive: true, force: true });
});

describe('notebooks build (Notebook Kit)', () => {
  it('notebooks build --root notebooks -- article.html gives a page that computes the article offline', async () => {
    out = mkdtempSync(join(tmpdir(), 'xlgrad-kit-'));
    execFileSync(join(ROOT, 'node_modules/.bin/notebooks'), ['build', '--root', 'notebooks', '--out', out, '--', 'article.html'], { cwd: ROOT, stdio: 'pipe' });
    const site = await serve(out);
    try {
      browser = await launchChromium();
      const context = await browser.newContext();
      const outside: string[] = [];
      await context.route('**/*', (route) => {
        const url = route.request().url();
        if (url.startsWith(site.url) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
        outside.push(url);
        return route.abort();
      });
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${site.url}article.html`);
      const loss = num(article.epochs[0]!.loss);
      await page.waitForFunction((l) => document.body.innerText.includes(`Epoch 1: L = ${l}`), loss, { timeout: 30_000 });
      // The derivatives are typeset when scrolled to.
      for (let y = 0; y < (await page.evaluate(() => document.body.scrollHeight)); y += 600) {
        await page.evaluate((to) => window.scrollTo(0, to), y);
        await page.waitForTimeout(50);
      }
      await expect.poll(() => page.locator('.katex').count()).toBeGreaterThan(20);
      expect(outside).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await site.close();
    }
  });
});
