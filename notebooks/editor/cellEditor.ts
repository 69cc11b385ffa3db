// A cell's source in CodeMirror 6: JavaScript or Markdown highlighting, and
// Shift+Enter to run (before CodeMirror's own keys, which would insert a line).

import { javascript } from '@codemirror/lang-javascript';
import { markdown } from '@codemirror/lang-markdown';
import { Prec } from '@codemirror/state';
import { keymap } from '@codemirror/view';
import type { Cell } from '@observablehq/notebook-kit';
import { basicSetup, EditorView } from 'codemirror';

export interface CellEditor {
  text(): string;
  focus(): void;
}

export function cellEditor(parent: HTMLElement, value: string, mode: Cell['mode'], run: () => void): CellEditor {
  const language = mode === 'md' ? markdown() : mode === 'js' || mode === 'ts' ? javascript({ typescript: mode === 'ts' }) : [];
  const view = new EditorView({
    doc: value,
    parent,
    extensions: [
      Prec.highest(keymap.of([{ key: 'Shift-Enter', run: () => (run(), true) }])),
      basicSetup,
      language,
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({ 'aria-label': 'cell source (Shift+Enter runs it)' }),
    ],
  });
  return { text: () => view.state.doc.toString(), focus: () => view.focus() };
}
