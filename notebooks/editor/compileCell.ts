// A cell's source as the page runs it: Notebook Kit's transpiler, then every
// import(…) pointed at the page's own modules. Parsing every cell costs the
// page a few hundred milliseconds on opening, so the build compiles the cells
// of the notebook it embeds (pages.ts) and the page looks them up by source;
// a cell the reader edits, adds or opens from a file is compiled here.

import { transpile, type Cell } from '@observablehq/notebook-kit';
import { localizeImports } from './localizeImports.ts';

/** What defineCell needs of a transpiled cell; plain data, so it can be embedded as JSON. */
export interface CompiledCell {
  body: string;
  inputs: string[];
  outputs: string[];
  output?: string;
  autodisplay: boolean;
}

/** Everything of a cell that transpiling reads: two cells with the same key compile to the same thing. */
export const cellKey = (c: Cell): string => JSON.stringify([c.mode, c.value, c.output ?? null, c.hidden, c.format ?? null, c.database ?? null]);

/** Throws the cell's syntax error. */
export function compileCell(cell: Cell): CompiledCell {
  const t = transpile(cell);
  return { body: localizeImports(t.body), inputs: t.inputs ?? [], outputs: t.outputs ?? [], ...(t.output === undefined ? {} : { output: t.output }), autodisplay: t.autodisplay ?? false };
}

/** The compiled form of every cell that compiles, by cellKey: what the build embeds in the page. */
export function compileAll(cells: readonly Cell[]): Record<string, CompiledCell> {
  const table: Record<string, CompiledCell> = {};
  for (const cell of cells) {
    try {
      table[cellKey(cell)] = compileCell(cell);
    } catch {
      // A cell with a syntax error is compiled again in the page, which shows the error in the cell.
    }
  }
  return table;
}

const built = new Map<string, CompiledCell>();

/** Adds the build's compiled cells (from compileAll) to those `compiled` looks up. */
export function usePrecompiled(table: Readonly<Record<string, CompiledCell>>): void {
  for (const [key, c] of Object.entries(table)) built.set(key, c);
}

/** The cell compiled: by the build when its source is the built one, else now. */
export const compiled = (cell: Cell): CompiledCell => built.get(cellKey(cell)) ?? compileCell(cell);
