// One Notebook Kit cell on @observablehq/runtime: transpiled by Notebook Kit,
// its imports pointed at the page's own modules, its value or error drawn into
// the cell's element and nowhere else. Written after Notebook Kit's runtime
// `define` (a main variable per cell, one variable per declared name) but with
// no stdlib behind it: the names cells may use are in builtins.ts.

import type { Module, Observer, Variable } from '@observablehq/runtime';
import { Inspector } from '@observablehq/inspector';
import { transpile, type Cell } from '@observablehq/notebook-kit';
import { input } from './builtins.ts';
import { IMPORT, importLocal, localizeImports } from './imports.ts';

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

const message = (e: unknown) => (e instanceof Error ? `${e.name === 'Error' ? '' : `${e.name}: `}${e.message}` : String(e));

/** Appends `value` to `out`: an element as itself, anything else through Observable's inspector. */
export function show(out: HTMLElement, value: unknown): void {
  if ((value instanceof Element || value instanceof Text) && (!value.parentNode || out.contains(value))) {
    out.append(value);
    return;
  }
  const holder = document.createElement('div');
  out.append(holder);
  new Inspector(holder).fulfilled(value);
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
  const t = transpile(cell);
  const body = localizeImports(t.body);
  const fn = new Function(IMPORT, `return (${body});`)(importLocal) as (...args: unknown[]) => unknown;
  return { ...t, fn };
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
  // it: a run that has been superseded draws nothing.
  const definition = (...values: unknown[]) => {
    const run = ++version;
    if (draws) out.replaceChildren();
    const display = (v: unknown) => {
      if (run === version) show(out, v);
      return v;
    };
    const view = (el: HTMLElement & { value: unknown }) => input(display(el) as HTMLElement & { value: unknown });
    const byName = new Map(deps.map((n, i) => [n, values[i]]));
    return fn(...inputs.map((n) => (n === 'display' ? display : n === 'view' ? view : byName.get(n))));
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
      if (autodisplay) {
        out.replaceChildren();
        if (value !== undefined) show(out, value);
      }
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
