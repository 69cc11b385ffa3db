// The editor page: the notebook embedded by pages.ts (or the reader's edited
// copy from local storage, or a file they opened) running in a Session, with
// each cell's source in a CodeMirror editor. Shift+Enter runs the cell;
// Save downloads the notebook as a Notebook Kit file; Revert returns to the
// file the page was built from.

import '@observablehq/inputs/dist/index.css';
import '@observablehq/notebook-kit/inspector.css';
import 'katex/dist/katex.min.css';
import '../style.css';
import './editor.css';
import { deserialize, serialize, type Cell } from '@observablehq/notebook-kit';
import { Tracker } from '../render/observe.ts';
import type { CellEditor } from './cellEditor.ts';
import { usePrecompiled, type CompiledCell } from './compileCell.ts';
import { IMPORT, importLocal } from './imports.ts';
import { Session, type CellEntry } from './session.ts';

const embedded = JSON.parse(document.getElementById('notebook-source')!.textContent!) as { file: string; source: string; compiled?: Record<string, CompiledCell> };
usePrecompiled(embedded.compiled ?? {});
// The libraries the cells import start loading now, beside the runtime's setup, rather than when the first cell asks.
for (const c of Object.values(embedded.compiled ?? {})) for (const m of c.body.matchAll(new RegExp(`${IMPORT}\\("([^"]+)"\\)`, 'g'))) void importLocal(m[1]).catch(() => {});
const STORE = `xlgrad-notebook:${embedded.file}`;
const root = document.querySelector('main')!;
const tracker = new Tracker();
const hooks = { pending: (id: number) => tracker.start(String(id)), done: (id: number) => tracker.done(String(id)) };
const editors = new Map<number, CellEditor>();

const bar = document.createElement('nav');
bar.className = 'notebook-bar';
bar.setAttribute('aria-label', 'notebook');
const status = document.createElement('span');
status.className = 'notebook-status';
status.setAttribute('role', 'status');
const button = (action: string, text: string, title: string, onclick: () => void) => {
  const b = document.createElement('button');
  b.type = 'button';
  b.dataset.action = action;
  b.textContent = text;
  b.title = title;
  // A symbol (+, ↑, ↓, ✕) is named by its title; a word names itself.
  if (!/\w/.test(text)) b.setAttribute('aria-label', title);
  b.onclick = onclick;
  return b;
};
const opener = document.createElement('input');
opener.type = 'file';
opener.accept = '.html,text/html';
opener.hidden = true;
opener.setAttribute('aria-label', 'open a notebook file');
const cellsRoot = document.createElement('div');
cellsRoot.className = 'cells';
root.replaceChildren(bar, cellsRoot);

let session: Session;

function start(source: string, edited: boolean): void {
  session?.dispose();
  editors.clear();
  session = new Session(deserialize(source), cellsRoot, hooks);
  for (const e of session.entries) decorate(e);
  setStatus(edited);
  Object.assign(window, { xlgrad: { session, main: session.main, tracker, settled: () => tracker.next(), serialize: () => serialize(session.toNotebook()) } });
}

function setStatus(edited: boolean): void {
  status.textContent = edited ? `edited copy of ${embedded.file} (kept in this browser)` : embedded.file;
  revert.disabled = !edited;
}

function persist(): void {
  try {
    localStorage.setItem(STORE, serialize(session.toNotebook()));
  } catch (e) {
    status.textContent = `could not keep the edit in this browser: ${e instanceof Error ? e.message : String(e)}`;
    return;
  }
  setStatus(true);
}

/** Runs the cell's editor text: the cell is redefined and its dependents follow. */
function run(id: number): void {
  const ed = editors.get(id);
  if (!ed) return;
  session.update(id, ed.text());
  const peek = session.entry(id).el.querySelector('.cell-peek');
  if (peek) peek.textContent = firstLine(ed.text());
  persist();
}

/** The cell's code on one line, comment lines left out (CSS cuts it to the column's width). */
const firstLine = (source: string) => source.split('\n').filter((l) => !l.trim().startsWith('//')).join(' ').replace(/\s+/g, ' ').trim() || '(empty cell)';

function addAfter(id: number | undefined, mode: Cell['mode'] = 'js'): void {
  const e = session.insert(id, mode);
  const opened = decorate(e);
  persist();
  void opened?.then((ed) => ed.focus());
}

// CodeMirror and its languages are a third of the page's script: they load
// with the first editor opened, so a reader who only reads never waits for them.
let editorModule: Promise<typeof import('./cellEditor.ts')> | undefined;
const loadEditor = () => (editorModule ??= import('./cellEditor.ts'));

/** The controls around a cell: its editor (open when pinned), run, add, move, delete. Gives the pinned cell's editor once made. */
function decorate(e: CellEntry): Promise<CellEditor> | undefined {
  const id = e.cell.id;
  const tools = document.createElement('div');
  tools.className = 'cell-tools';
  const holder = document.createElement('div');
  holder.className = 'cell-source';
  let ed: Promise<CellEditor> | undefined;
  const open = () => {
    ed ??= loadEditor().then(({ cellEditor }) => {
      const made = cellEditor(holder, e.cell.value, e.cell.mode, () => run(id));
      editors.set(id, made);
      return made;
    });
    holder.hidden = false;
    e.el.classList.add('editing');
    edit.setAttribute('aria-expanded', 'true');
    return ed;
  };
  const close = () => {
    holder.hidden = true;
    e.el.classList.remove('editing');
    edit.setAttribute('aria-expanded', 'false');
  };
  const edit = button('edit', 'edit', 'show or hide this cell\'s source', () => (holder.hidden ? open() : close()));
  tools.append(
    edit,
    button('run', 'run', 'run this cell (Shift+Enter)', () => run(id)),
    button('add', '+', 'add a cell below', () => addAfter(id)),
    button('up', '↑', 'move up', () => (session.move(id, -1), persist())),
    button('down', '↓', 'move down', () => (session.move(id, 1), persist())),
    button('delete', '✕', 'delete this cell', () => {
      session.remove(id);
      editors.delete(id);
      persist();
    }),
  );
  // A cell that shows nothing (a declaration) is a line of its code, so it can be found and opened.
  const peek = document.createElement('button');
  peek.type = 'button';
  peek.className = 'cell-peek';
  peek.textContent = firstLine(e.cell.value);
  peek.title = 'show this cell\'s source';
  peek.onclick = open;
  holder.hidden = true;
  e.el.prepend(tools);
  e.el.append(peek, holder);
  return e.cell.pinned ? open() : undefined;
}

function save(): void {
  const url = URL.createObjectURL(new Blob([serialize(session.toNotebook())], { type: 'text/html' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = embedded.file;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

opener.addEventListener('change', async () => {
  const file = opener.files?.[0];
  if (!file) return;
  const text = await file.text();
  opener.value = '';
  if (!/<notebook[\s>]/i.test(text)) {
    status.textContent = `${file.name} is not a Notebook Kit notebook: no <notebook> element`;
    return;
  }
  start(text, true);
  persist();
});

const revert = button('revert', 'Revert', `forget the edits and show ${embedded.file} as published`, () => {
  localStorage.removeItem(STORE);
  start(embedded.source, false);
});
bar.append(
  button('save', 'Save', 'download this notebook as a Notebook Kit .html file', save),
  button('open', 'Open…', 'open a Notebook Kit .html file', () => opener.click()),
  revert,
  button('add-top', '+ cell', 'add a JavaScript cell at the top', () => addAfter(undefined)),
  opener,
  status,
);

const kept = localStorage.getItem(STORE);
start(kept ?? embedded.source, kept !== null);
