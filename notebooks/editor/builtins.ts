// The names every cell can use without importing anything, all provided here
// (Notebook Kit's own library loads most of its modules from a CDN, which the
// page never contacts). `display` and `view` are given to each cell by
// defineCell, since they draw into that cell.

import katex from 'katex';
import MarkdownIt from 'markdown-it';

const markdown = new MarkdownIt({ html: true, linkify: false, typographer: false });

type Tag = (strings: TemplateStringsArray, ...values: unknown[]) => Element;

/**
 * A tagged template whose `${…}` values may be DOM nodes: each node is left
 * as a placeholder element in the text, the text is turned into HTML by
 * `toHtml`, and the placeholders are swapped for the nodes.
 */
const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * `escape`: whether interpolated text is escaped (html: a value is text, never
 * markup, so a link's hash cannot inject any) or kept (md: a value is Markdown
 * source, as in Notebook Kit).
 */
function withNodes(toHtml: (text: string) => string, cooked: boolean, escape: boolean): Tag {
  return (strings, ...values) => {
    // Markdown cells reach us with backslashes escaped (read the cooked text);
    // html cells with them as typed (read the raw text).
    const part = (i: number) => (cooked ? strings[i] ?? strings.raw[i]! : strings.raw[i]!.replace(/\\`/g, '`'));
    const nodes: Node[] = [];
    let text = part(0);
    values.forEach((v, i) => {
      const list = Array.isArray(v) ? v : [v];
      for (const item of list) {
        if (item instanceof Node) text += `<xl-slot data-k="${nodes.push(item) - 1}"></xl-slot>`;
        else if (item !== null && item !== undefined && item !== false) text += escape ? escapeText(String(item)) : String(item);
      }
      text += part(i + 1);
    });
    const root = document.createElement('div');
    root.innerHTML = toHtml(text);
    for (const slot of root.querySelectorAll<HTMLElement>('xl-slot')) slot.replaceWith(nodes[Number(slot.dataset.k)]!);
    // One element (blank text around it aside) is given as itself, detached so it can be displayed.
    const only = [...root.childNodes].filter((n) => !(n instanceof Text && !n.data.trim()));
    return only.length === 1 && only[0] instanceof Element ? root.removeChild(only[0]) : root;
  };
}

// Markdown cells are templates too (Notebook Kit: md`…` with escapes kept), so `${tex`…`}` puts a formula in prose.
export const md = withNodes((text) => markdown.render(text), true, false);
export const html = withNodes((text) => text, false, true);

function texTag(displayMode: boolean): Tag {
  return (strings, ...values) => {
    const span = document.createElement(displayMode ? 'div' : 'span');
    katex.render(String.raw(strings, ...values), span, { displayMode, throwOnError: false, output: 'html' });
    return span;
  };
}

/** tex`…` inline, tex.block`…` on its own line (KaTeX, bundled). */
export const tex = Object.assign(texTag(false), { block: texTag(true) });

/**
 * The values of an input element over time, as Observable's
 * Generators.input: its current value at once, then one per `input` event.
 * The runtime awaits each promise and stops the generator (return) when the
 * cell is invalidated.
 */
export function input<T>(el: EventTarget & { value: T }): Generator<T | Promise<T>, void, unknown> {
  let fresh = true;
  let wake: ((v: T) => void) | undefined;
  const changed = () => {
    if (wake) {
      wake(el.value);
      wake = undefined;
    } else fresh = true;
  };
  el.addEventListener('input', changed);
  return (function* () {
    try {
      for (;;) {
        if (fresh) {
          fresh = false;
          yield el.value;
        } else yield new Promise<T>((resolve) => (wake = resolve));
      }
    } finally {
      el.removeEventListener('input', changed);
    }
  })();
}

/** The width of the notebook's column, updated when the window is resized. */
function* width(): Generator<number | Promise<number>> {
  const measure = () => document.querySelector('main')?.clientWidth ?? 640;
  let last = measure();
  yield last;
  for (;;) {
    yield new Promise<number>((resolve) => {
      const resized = () => {
        const w = measure();
        if (w === last) return;
        removeEventListener('resize', resized);
        resolve((last = w));
      };
      addEventListener('resize', resized);
    });
  }
}

/** Definitions for `new Runtime(builtins)`: each is called once to give the value. */
export const BUILTINS: Record<string, () => unknown> = {
  md: () => md,
  html: () => html,
  htl: () => ({ html }),
  tex: () => tex,
  width,
  Generators: () => ({ input }),
};
