// Vite plugin: every Notebook Kit file `notebooks/<name>.html` is served (and
// built) as the editor page at `/<name>.html`, with the notebook's source
// embedded for the editor to read; `/` (index.html) is the article. The
// notebook file itself stays a plain Notebook Kit document.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Plugin } from 'vite';

/** The file `/` shows. */
export const FRONT_PAGE = 'article.html';

export const isNotebook = (html: string) => /<notebook[\s>]/i.test(html);

/** The notebooks in `dir`, for the build's inputs (index.html included: it is the front page). */
export function pages(dir: string): Record<string, string> {
  const files = readdirSync(dir).filter((f) => f.endsWith('.html') && (f === 'index.html' || isNotebook(readFileSync(join(dir, f), 'utf8'))));
  return Object.fromEntries(files.map((f) => [basename(f, '.html'), join(dir, f)]));
}

/** The editor page for a notebook's source. JSON with `<` escaped cannot end the script element early. */
export function editorPage(source: string, file: string): string {
  // The title is copied as written: in the notebook file it is already HTML text.
  const title = /<title>([\s\S]*?)<\/title>/i.exec(source)?.[1]?.trim() || basename(file, '.html');
  const json = JSON.stringify({ file, source }).replace(/</g, '\\u003c');
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

export function notebookPages(): Plugin {
  return {
    name: 'xlgrad-notebook-pages',
    transformIndexHtml: {
      order: 'pre',
      handler(html, ctx) {
        const dir = dirname(ctx.filename);
        const front = basename(ctx.filename) === 'index.html' && existsSync(join(dir, FRONT_PAGE));
        const file = front ? FRONT_PAGE : basename(ctx.filename);
        const source = front ? readFileSync(join(dir, FRONT_PAGE), 'utf8') : html;
        return isNotebook(source) ? editorPage(source, file) : html;
      },
    },
  };
}
