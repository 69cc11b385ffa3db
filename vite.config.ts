// The notebook's dev server (`npm start`) and static build (`npm run build` → dist/).
// Everything is bundled from node_modules: the built site makes no request
// outside its own origin.

import { defineConfig, type Plugin } from 'vite';

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
  plugins: [katexFontSwap()],
  build: {
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
