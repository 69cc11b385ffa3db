// A cell's source in CodeMirror 6: JavaScript or Markdown highlighting, and
// Shift+Enter to run (before CodeMirror's own keys, which would insert a line).

import { javascript } from '@codemirror/lang-javascript';
import { markdown } from '@codemirror/lang-markdown';
import { HighlightStyle, syntaxHighlighting } from '@codemirror/language';
import { Prec } from '@codemirror/state';
import { keymap } from '@codemirror/view';
import type { Cell } from '@observablehq/notebook-kit';
import { tags as t } from '@lezer/highlight';
import { basicSetup, EditorView } from 'codemirror';

// The code's colours, each at least 4.5:1 on the editor's white and on its
// active line's tint (WCAG AA); CodeMirror's default style has lighter ones
// (#e40, #f00) that are not. It replaces the default, which basicSetup only
// uses when no other style is given.
const READABLE = HighlightStyle.define([
  { tag: t.keyword, color: '#8a1a52' },
  { tag: [t.atom, t.bool, t.number, t.literal, t.url, t.labelName, t.contentSeparator], color: '#0b5f85' },
  { tag: [t.string, t.special(t.string), t.regexp, t.escape, t.inserted], color: '#0a6b2e' },
  { tag: [t.definition(t.variableName), t.definition(t.propertyName), t.function(t.variableName)], color: '#5a32a3' },
  { tag: [t.typeName, t.className, t.namespace, t.macroName, t.special(t.variableName)], color: '#125e5e' },
  { tag: [t.comment, t.meta], color: '#5f6670', fontStyle: 'italic' },
  { tag: [t.invalid, t.deleted], color: '#b42318' },
  { tag: t.heading, fontWeight: 'bold' },
  { tag: t.emphasis, fontStyle: 'italic' },
  { tag: t.strong, fontWeight: 'bold' },
  { tag: t.link, textDecoration: 'underline' },
]);

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
      syntaxHighlighting(READABLE),
      language,
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({ 'aria-label': 'cell source (Shift+Enter runs it)' }),
    ],
  });
  return { text: () => view.state.doc.toString(), focus: () => view.focus() };
}
