// The notebook's dev server (`npm start`) and static build (`npm run build` → dist/).
// Every Notebook Kit file notebooks/<name>.html is a page (/ is the article);
// everything is bundled from node_modules: the built site makes no request
// outside its own origin.

import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { notebookPages, pages } from './notebooks/editor/pages.ts';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * KaTeX's stylesheet declares its fonts with `font-display: block`, which hides
 * formula text until the fonts arrive; `swap` shows it at once in a fallback
 * font, so fonts never hold up the first render.
 */
function katexFontSwap(): Plugin {
  return {
    name: 'xlgrad-katex-font-swap',
    transform(code, id) {
      if (!/katex[\\/]dist[\\/]katex(\.min)?\.css/.test(id)) return null;
      return { code: code.replace(/font-display:\s*block/g, 'font-display:swap'), map: null };
    },
  };
}

export default defineConfig({
  root: 'notebooks',
  base: './',
  plugins: [katexFontSwap(), notebookPages()],
  // What a cell's `import … from "xlgrad"` means, for any Vite build of a
  // notebook (the page itself resolves cells' imports in editor/imports.ts).
  resolve: {
    alias: [
      { find: /^xlgrad$/, replacement: here('./src/api.ts') },
      { find: /^xlgrad\/notebook$/, replacement: here('./notebooks/notebook.ts') },
      // Notebook Kit's TypeScript cells need the whole compiler; the page leaves it out.
      { find: /^typescript$/, replacement: here('./notebooks/editor/noTypescript.ts') },
    ],
  },
  build: {
    rollupOptions: { input: pages(here('./notebooks')) },
    outDir: '../dist',
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 2000,
  },
  // The workbook worker loads exceljs with a dynamic import, which needs module workers.
  worker: { format: 'es' },
  server: { host: '127.0.0.1', port: 5173, strictPort: true },
  preview: { host: '127.0.0.1', port: 4173, strictPort: true },
});
