// For Notebook Kit's own builder, run from the repository's root:
//   npx notebooks build --root notebooks -- article.html
// It builds the notebook with Notebook Kit's page and runtime instead of
// xlgrad's editor; this file tells Vite what a cell's `import … from "xlgrad"`
// means, and replaces the two modules of Notebook Kit's library that the
// article uses and that it would load from a CDN (htl's html, KaTeX's tex).
// (npm start and npm run build use ../vite.config.ts.)

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^xlgrad$/, replacement: here('../src/api.ts') },
      { find: /^xlgrad\/notebook$/, replacement: here('./notebook.ts') },
      { find: /^https:\/\/cdn\.jsdelivr\.net\/npm\/htl\/\+esm$/, replacement: here('./editor/kitLibrary.ts') },
      // Notebook Kit's runtime/stdlib/tex.js, imported as "./tex.js" by its recommendedLibraries.js.
      { find: /^\.\/tex\.js$/, replacement: here('./editor/kitLibrary.ts') },
    ],
  },
  // The workbook worker (render/download.ts) loads exceljs with a dynamic import, which needs module workers.
  worker: { format: 'es' },
});
