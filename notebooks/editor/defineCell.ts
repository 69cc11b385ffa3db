// One Notebook Kit cell on @observablehq/runtime: transpiled by Notebook Kit,
// its imports pointed at the page's own modules, its value or error drawn into
// the cell's element and nowhere else. Written after Notebook Kit's runtime
// `define` (a main variable per cell, one variable per declared name) but with
// no stdlib behind it: the names cells may use are in builtins.ts.

import type { Module, Observer, Variable } from '@observablehq/runtime';
import { Inspector } from '@observablehq/inspector';
import type { Cell } from '@observablehq/notebook-kit';
import { input } from './builtins.ts';
import { compiled } from './compileCell.ts';
import { IMPORT, importLocal } from './imports.ts';

/** Told when a cell starts and finishes computing (the page's tracker). */
export interface CellHooks {
  pending?(id: number): void;
  done?(id: number): void;
}

export interface DefinedCell {
  /** The names the cell gives the rest of the notebook. */
  names: string[];
  variables: Variable[];
}

// A thrown Error shows its message; other kinds (SyntaxError, TypeError) their name too. The
// runtime's own errors (an input that failed, a name not defined) read best as the message alone.
const message = (e: unknown) => (e instanceof Error ? `${e.name === 'Error' || e.name === 'RuntimeError' ? '' : `${e.name}: `}${e.message}` : String(e));

/** What `value` looks like in a cell: an element as itself, anything else through Observable's inspector. */
export function nodeOf(value: unknown, out: HTMLElement): Node {
  if ((value instanceof Element || value instanceof Text) && (!value.parentNode || out.contains(value))) return value;
  const holder = document.createElement('div');
  new Inspector(holder).fulfilled(value);
  return holder;
}

/**
 * Makes `out`'s children `nodes`, touching only what differs: an element
 * shown again by the next run (a slider being dragged, a chart) stays where
 * it is and keeps focus.
 */
export function reconcile(out: HTMLElement, nodes: readonly Node[]): void {
  const keep = new Set(nodes);
  for (const child of [...out.childNodes]) if (!keep.has(child)) child.remove();
  nodes.forEach((node, i) => {
    const at = out.childNodes[i] ?? null;
    if (at !== node) out.insertBefore(node, at);
  });
}

export function showError(out: HTMLElement, error: unknown): void {
  const box = document.createElement('div');
  box.className = 'cell-error';
  box.setAttribute('role', 'alert');
  box.textContent = message(error);
  out.replaceChildren(box);
}

/** The transpiled cell as a function, or the syntax error that stops it. */
function compile(cell: Cell) {
  const c = compiled(cell);
  const fn = new Function(IMPORT, `return (${c.body});`)(importLocal) as (...args: unknown[]) => unknown;
  return { ...c, fn };
}

/**
 * Defines `cell` in `main`, drawing into `out`. A cell that does not compile
 * is defined as a variable that throws its syntax error, so the error shows in
 * that cell and everything else runs.
 */
export function defineCell(main: Module, cell: Cell, out: HTMLElement, hooks: CellHooks = {}): DefinedCell {
  let compiled: ReturnType<typeof compile>;
  try {
    compiled = compile(cell);
  } catch (e) {
    const broken = main.variable(observer(cell.id, out, false, hooks)).define(null as unknown as string, [], () => {
      throw e;
    });
    return { names: [], variables: [broken] };
  }
  const { fn, inputs = [], outputs = [], output, autodisplay = false } = compiled;
  const deps = inputs.filter((n) => n !== 'display' && n !== 'view');
  const draws = deps.length !== inputs.length;
  let version = 0;

  // display(value) and view(element) belong to this cell and to one run of
  // it: what a run displays replaces what the run before displayed once the
  // run is over (a superseded run draws nothing); later calls, from an event
  // handler say, append.
  const definition = (...values: unknown[]) => {
    const run = ++version;
    const shown: Node[] = [];
    let over = false;
    const display = (v: unknown) => {
      if (run !== version) return v;
      const node = nodeOf(v, out);
      if (over) out.append(node);
      else shown.push(node);
      return v;
    };
    const finish = () => {
      over = true;
      if (run === version) reconcile(out, shown);
    };
    const view = (el: HTMLElement & { value: unknown }) => input(display(el) as HTMLElement & { value: unknown });
    const byName = new Map(deps.map((n, i) => [n, values[i]]));
    const args = inputs.map((n) => (n === 'display' ? display : n === 'view' ? view : byName.get(n)));
    if (!draws) return fn(...args);
    let result: unknown;
    try {
      result = fn(...args);
    } catch (e) {
      finish();
      throw e;
    }
    if (result instanceof Promise) return result.finally(finish);
    finish();
    return result;
  };

  const name = output ?? (outputs.length ? `cell ${cell.id}` : null);
  const v = main.variable(observer(cell.id, out, autodisplay, hooks)).define(name as string, deps, definition);
  const variables = [v];
  if (!output) for (const o of outputs) variables.push(main.variable(true as never).define(o, [name!], (exports: Record<string, unknown>) => exports[o]));
  return { names: output ? [output] : outputs, variables };
}

function observer(id: number, out: HTMLElement, autodisplay: boolean, hooks: CellHooks): Observer {
  let failed = false;
  return {
    pending() {
      hooks.pending?.(id);
      if (failed) {
        failed = false;
        out.replaceChildren();
      }
    },
    fulfilled(value) {
      if (autodisplay) reconcile(out, value === undefined ? [] : [nodeOf(value, out)]);
      hooks.done?.(id);
    },
    rejected(error) {
      failed = true;
      showError(out, error);
      hooks.done?.(id);
    },
  };
}

/** Removes a defined cell from the runtime. */
export function deleteCell(d: DefinedCell): void {
  for (const v of d.variables) v.delete();
}
