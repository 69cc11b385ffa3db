// For Notebook Kit's own builder (notebooks/vite.config.ts): its library's
// `html` (htl) and `tex` (KaTeX) load from a CDN; this module stands in for
// both, with KaTeX and its stylesheet bundled, so the built page fetches
// nothing from outside its origin.

import 'katex/dist/katex.min.css';

export { html, tex } from './builtins.ts';
