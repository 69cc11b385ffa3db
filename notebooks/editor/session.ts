// A notebook running in a page: one element per cell, in the file's order,
// each cell defined on one runtime module. Editing a cell redefines it and the
// runtime recomputes what depends on it; adding, deleting and moving cells
// change the element list and the module together. `toNotebook()` gives back
// the Notebook Kit document for serialize().

import { Runtime, type Module } from '@observablehq/runtime';
import { toCell, toNotebook, type Cell, type Notebook } from '@observablehq/notebook-kit';
import { BUILTINS } from './builtins.ts';
import { defineCell, deleteCell, type CellHooks, type DefinedCell } from './defineCell.ts';

export interface CellEntry {
  cell: Cell;
  /** The cell's element, `[data-cell-id]`: output and, in the page, its editor. */
  el: HTMLElement;
  /** Where the cell's value or error is drawn. */
  out: HTMLElement;
  defined: DefinedCell;
}

/**
 * The runtime normally waits for the next animation frame before it
 * recomputes. An input event already arrives between frames, so waiting only
 * delays the answer by most of a frame: compute in a microtask instead, and
 * the browser paints the result in the frame that was coming anyway.
 */
function computeAtOnce(runtime: Runtime): void {
  const r = runtime as unknown as { _computeSoon: () => Promise<void>; _computeNow: () => Promise<void>; _disposed: boolean };
  r._computeSoon = function () {
    return Promise.resolve().then(() => (this._disposed ? undefined : this._computeNow()));
  };
}

export class Session {
  readonly runtime: Runtime;
  readonly main: Module;
  readonly entries: CellEntry[] = [];
  private readonly meta: Omit<Notebook, 'cells'>;

  constructor(notebook: Notebook, readonly root: HTMLElement, private readonly hooks: CellHooks = {}) {
    this.meta = { title: notebook.title, theme: notebook.theme, readOnly: notebook.readOnly };
    this.runtime = new Runtime(BUILTINS);
    computeAtOnce(this.runtime);
    this.main = this.runtime.module();
    for (const cell of notebook.cells) this.entries.push(this.create(cell));
    root.replaceChildren(...this.entries.map((e) => e.el));
  }

  private create(cell: Cell): CellEntry {
    const el = document.createElement('div');
    el.className = `cell cell-${cell.mode}`;
    el.dataset.cellId = String(cell.id);
    const out = document.createElement('div');
    out.className = 'cell-output';
    el.append(out);
    const entry: CellEntry = { cell, el, out, defined: defineCell(this.main, cell, out, this.hooks) };
    this.label(entry);
    return entry;
  }

  /** `data-cell` lists the names a cell defines, so a reader (or a test) can find `training`. */
  private label(e: CellEntry): void {
    if (e.defined.names.length) e.el.dataset.cell = e.defined.names.join(' ');
    else delete e.el.dataset.cell;
  }

  entry(id: number): CellEntry {
    const e = this.entries.find((x) => x.cell.id === id);
    if (!e) throw new Error(`no cell ${id} in this notebook`);
    return e;
  }

  /** The cell with new source: redefined, and its dependents follow. */
  update(id: number, value: string): void {
    const e = this.entry(id);
    e.cell = toCell({ ...e.cell, value });
    deleteCell(e.defined);
    e.defined = defineCell(this.main, e.cell, e.out, this.hooks);
    this.label(e);
  }

  /** A new empty cell after `afterId` (at the top when undefined). */
  insert(afterId: number | undefined, mode: Cell['mode'] = 'js', value = ''): CellEntry {
    const id = Math.max(0, ...this.entries.map((e) => e.cell.id)) + 1;
    const entry = this.create(toCell({ id, mode, value, pinned: true }));
    const at = afterId === undefined ? 0 : this.entries.indexOf(this.entry(afterId)) + 1;
    const next = this.entries[at];
    this.entries.splice(at, 0, entry);
    this.root.insertBefore(entry.el, next?.el ?? null);
    return entry;
  }

  remove(id: number): void {
    const e = this.entry(id);
    deleteCell(e.defined);
    this.entries.splice(this.entries.indexOf(e), 1);
    e.el.remove();
  }

  /** Moves a cell up (−1) or down (+1); the order is the document's, the values do not change. */
  move(id: number, by: -1 | 1): void {
    const e = this.entry(id);
    const i = this.entries.indexOf(e);
    const j = i + by;
    if (j < 0 || j >= this.entries.length) return;
    this.entries.splice(i, 1);
    this.entries.splice(j, 0, e);
    const next = this.entries[j + 1];
    this.root.insertBefore(e.el, next?.el ?? null);
  }

  toNotebook(): Notebook {
    return toNotebook({ ...this.meta, cells: this.entries.map((e) => e.cell) });
  }

  dispose(): void {
    this.runtime.dispose();
  }
}
