// Vite plugin: every Notebook Kit file `notebooks/<name>.html` is served (and
// built) as the editor page at `/<name>.html`, with the notebook's source
// embedded for the editor to read; `/` (index.html) is the article. The
// notebook file itself stays a plain Notebook Kit document.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { deserialize } from '@observablehq/notebook-kit';
import type { Plugin } from 'vite';
import { compileAll, type CompiledCell } from './compileCell.ts';
import { IMPORT } from './localizeImports.ts';

/** The file `/` shows. */
export const FRONT_PAGE = 'article.html';

export const isNotebook = (html: string) => /<notebook[\s>]/i.test(html);

/** The notebooks in `dir`, for the build's inputs (index.html included: it is the front page). */
export function pages(dir: string): Record<string, string> {
  const files = readdirSync(dir).filter((f) => f.endsWith('.html') && (f === 'index.html' || isNotebook(readFileSync(join(dir, f), 'utf8'))));
  return Object.fromEntries(files.map((f) => [basename(f, '.html'), join(dir, f)]));
}

/** The notebook's cells compiled as the page runs them (compileCell.ts), read with jsdom's DOMParser as Notebook Kit's own build does. */
export async function compiledCells(source: string): Promise<Record<string, CompiledCell>> {
  // jsdom has no type declarations here; only its DOMParser is used.
  const jsdom = 'jsdom';
  const { JSDOM } = (await import(jsdom)) as { JSDOM: new () => { window: { DOMParser: new () => DOMParser } } };
  return compileAll(deserialize(source, { parser: new new JSDOM().window.DOMParser() }).cells);
}

/**
 * The editor page for a notebook's source, with its cells compiled (so the
 * page parses none on opening). JSON with `<` escaped cannot end the script
 * element early.
 */
export function editorPage(source: string, file: string, compiled: Record<string, CompiledCell> = {}): string {
  // The title is copied as written: in the notebook file it is already HTML text.
  const title = /<title>([\s\S]*?)<\/title>/i.exec(source)?.[1]?.trim() || basename(file, '.html');
  const json = JSON.stringify({ file, source, compiled }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${title}</title>
  <link rel="icon" href="data:,">
</head>
<body>
<main></main>
<script type="application/json" id="notebook-source">${json}</script>
<script type="module" src="./editor/main.ts"></script>
</body>
</html>
`;
}

/**
 * In the built page, `<link rel="modulepreload">` for the chunks of the
 * libraries its cells import (found in the embedded compiled cells, resolved
 * by the config's aliases) and the chunks they import: the browser fetches and
 * compiles them beside the page's own script instead of after it has run.
 */
function preloadCellLibraries(): Plugin {
  let root = '';
  let aliases: { find: string | RegExp; replacement: string }[] = [];
  return {
    name: 'xlgrad-preload-cell-libraries',
    configResolved(config) {
      root = config.root;
      aliases = config.resolve.alias as typeof aliases;
    },
    transformIndexHtml: {
      order: 'post',
      handler(html, ctx) {
        const bundle = ctx.bundle;
        if (!bundle) return html;
        const specifiers = new Set([...html.matchAll(new RegExp(`${IMPORT}\\(\\\\"([^"\\\\]+)\\\\"\\)`, 'g'))].map((m) => m[1]!));
        const files = new Set([...specifiers].flatMap((s) => {
          const alias = aliases.find((a) => (typeof a.find === 'string' ? a.find === s : a.find.test(s)));
          return alias ? [resolve(root, alias.replacement)] : [];
        }));
        const chunks = Object.values(bundle).filter((c) => c.type === 'chunk');
        const wanted = new Set<string>();
        const add = (fileName: string) => {
          if (wanted.has(fileName)) return;
          wanted.add(fileName);
          const c = bundle[fileName];
          if (c?.type === 'chunk') for (const i of c.imports) add(i);
        };
        for (const c of chunks) if (c.facadeModuleId && files.has(c.facadeModuleId)) add(c.fileName);
        for (const c of ctx.chunk ? [ctx.chunk.fileName, ...ctx.chunk.imports] : []) wanted.delete(c);
        return { html, tags: [...wanted].map((f) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `./${f}` }, injectTo: 'head' as const })) };
      },
    },
  };
}

export function notebookPages(): Plugin[] {
  return [preloadCellLibraries(), {
    name: 'xlgrad-notebook-pages',
    transformIndexHtml: {
      order: 'pre',
      async handler(html, ctx) {
        const dir = dirname(ctx.filename);
        const front = basename(ctx.filename) === 'index.html' && existsSync(join(dir, FRONT_PAGE));
        const file = front ? FRONT_PAGE : basename(ctx.filename);
        const source = front ? readFileSync(join(dir, FRONT_PAGE), 'utf8') : html;
        return isNotebook(source) ? editorPage(source, file, await compiledCells(source)) : html;
      },
    },
  }];
}
