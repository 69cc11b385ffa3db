// What a cell may import. Notebook Kit's transpiler turns `import {trace} from
// "xlgrad"` into `await import("xlgrad")`, and `npm:` specifiers into CDN URLs.
// The page fetches nothing from outside its origin, so every import(…) in a
// transpiled cell is rewritten to ask this table, which knows the modules
// bundled with the page and refuses the rest with one line.

import { parseExpressionAt, type Node } from 'acorn';
import { simple } from 'acorn-walk';

/** The modules a cell can import, loaded on first use (each is a chunk of the page). */
export const LIBRARIES: Readonly<Record<string, () => Promise<unknown>>> = {
  xlgrad: () => import('../../src/api.ts'),
  'xlgrad/notebook': () => import('../notebook.ts'),
};

/** The import function cells call instead of import(). */
export function importLocal(specifier: unknown): Promise<unknown> {
  const load = typeof specifier === 'string' && Object.hasOwn(LIBRARIES, specifier) ? LIBRARIES[specifier]! : undefined;
  if (!load) {
    const known = Object.keys(LIBRARIES).map((k) => `"${k}"`).join(' and ');
    return Promise.reject(new Error(`import ${JSON.stringify(specifier)}: a cell can import ${known}; nothing is fetched from the network`));
  }
  return load();
}

export const IMPORT = '__xlgradImport';

/**
 * `body` (a transpiled cell: one arrow function) with each `import(x, …)` call
 * replaced by `__xlgradImport(x)`. Found by parsing, not by searching the text,
 * so a string that merely contains "import(" is left alone.
 */
export function localizeImports(body: string): string {
  const ast = parseExpressionAt(body, 0, { ecmaVersion: 'latest', sourceType: 'module', allowAwaitOutsideFunction: true });
  const spans: { start: number; end: number; source: Node }[] = [];
  simple(ast, {
    ImportExpression(node) {
      const n = node as unknown as { start: number; end: number; source: Node };
      spans.push({ start: n.start, end: n.end, source: n.source });
    },
  });
  // Replace from the end so earlier offsets stay valid; a nested import( inside
  // another's arguments cannot happen in practice and would be replaced whole.
  let out = body;
  for (const s of spans.sort((a, b) => b.start - a.start)) {
    out = `${out.slice(0, s.start)}${IMPORT}(${body.slice(s.source.start, s.source.end)})${out.slice(s.end)}`;
  }
  return out;
}
