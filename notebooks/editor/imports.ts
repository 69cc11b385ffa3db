// What a cell may import. Notebook Kit's transpiler turns `import {trace} from
// "xlgrad"` into `await import("xlgrad")`, and `npm:` specifiers into CDN URLs.
// The page fetches nothing from outside its origin, so every import(…) in a
// transpiled cell is rewritten to ask this table, which knows the modules
// bundled with the page and refuses the rest with one line.

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

export { IMPORT, localizeImports } from './localizeImports.ts';
