// Shared by the browser test and the notebook benchmark: build the static
// site, serve it from 127.0.0.1, and drive the system's Chromium (never a
// downloaded browser) with everything that would reach the network switched off.

import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';

export const ROOT = resolve(import.meta.dirname, '..');
export const CHROMIUM = '/usr/bin/chromium';
const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** `npm run build` into `outDir` (default dist/), quietly. */
export async function buildSite(outDir = join(ROOT, 'dist')): Promise<string> {
  await build({ configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir } });
  return outDir;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2', '.woff': 'font/woff', '.ttf': 'font/ttf', '.json': 'application/json',
};

/** A static file server for `dir` on a free 127.0.0.1 port. */
export async function serve(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(/^(\.\.[/\\])+/, '');
    let file = join(dir, path);
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((ok) => server.close(() => ok())) };
}

/**
 * What every browser test starts from: a temporary folder (`dir`, for the
 * test's own files such as downloads) with the site built in `dir/site`,
 * served from 127.0.0.1, and the system's Chromium. `close` undoes it all.
 */
export async function siteInChromium(prefix: string): Promise<{ dir: string; site: { url: string }; browser: Browser; close: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let site: Awaited<ReturnType<typeof serve>> | undefined, browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await site?.close();
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    site = await serve(await buildSite(join(dir, 'site')));
    browser = await launchChromium();
  } catch (e) {
    await close();
    throw e;
  }
  return { dir, site, browser, close };
}

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: the browser tests drive the system's Chromium. Install it with: apt-get install -y --no-install-recommends chromium`);
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}

/**
 * A browser context that lets the page reach only `siteUrl` (and data:/blob:
 * URLs it makes itself): anything else is refused and, when `outside` is
 * given, recorded there, so a test can assert that nothing left the machine.
 */
export async function offlineContext(browser: Browser, siteUrl: string, options: { viewport?: { width: number; height: number }; outside?: string[] } = {}): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport: options.viewport ?? { width: 1200, height: 900 }, acceptDownloads: true });
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(siteUrl) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    options.outside?.push(url);
    return route.abort();
  });
  return context;
}

/** Resolves once the page has nothing left to compute or draw (the page's tracker, window.xlgrad). */
export const settled = (page: Page): Promise<void> =>
  page.evaluate(() => {
    const x = (window as unknown as { xlgrad: { tracker: { pending: Set<string> }; settled: () => Promise<void> } }).xlgrad;
    return x.tracker.pending.size === 0 ? undefined : x.settled();
  });
