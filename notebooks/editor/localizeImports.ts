// A transpiled cell's import(…) calls pointed at the page's own modules
// (imports.ts): pure text in, text out, so the build can do it too (pages.ts).

import { parseExpressionAt, type Node } from 'acorn';
import { simple } from 'acorn-walk';

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
