// Symbolic derivatives typeset by KaTeX: each definition, then the same with
// numbers. Typesetting costs about a millisecond a line, too slow for a
// slider, so each line is typeset once per shape (its template, numbers left
// as placeholders) and a change only rewrites the numbers' text.

import katex from 'katex';
import type { DerivativeTex } from '../cells/derivatives.ts';

// \htmlClass marks the number slots; it is KaTeX's extension, so strict mode must not warn about it.
const OPTIONS = {
  throwOnError: false,
  output: 'html',
  trust: (t: { command: string }) => t.command === '\\htmlClass',
  strict: (code: string) => (code === 'htmlExtension' ? 'ignore' : 'warn'),
} as const;

function fill(val: HTMLElement, d: DerivativeTex): void {
  const slots = val.querySelectorAll<HTMLElement>('.xlnum');
  d.slots.forEach((text, i) => {
    const slot = slots[i];
    if (slot && slot.textContent !== text) slot.textContent = text;
  });
}

function line(d: DerivativeTex): string {
  const cls = `eq${d.param ? ' param' : ''}${d.param && d.value !== 0 ? ' nonzero' : ''}`;
  return `<div class="${cls}" data-name="${d.name}"><div class="sym">${katex.renderToString(d.symbols, OPTIONS)}</div><div class="val"></div></div>`;
}

export function renderDerivatives(el: HTMLElement, list: DerivativeTex[]): void {
  // The page groups the lines (adjoints through the network, then the
  // parameters'), so the typeset rows are compared in that order: the same
  // names in the same groups keep every row, and a change only refills numbers.
  const through = list.filter((d) => !d.param), params = list.filter((d) => d.param);
  const order = [...through, ...params];
  let rows = el.querySelectorAll<HTMLElement>('.eq');
  if (rows.length !== order.length || !order.every((d, i) => rows[i]!.dataset.name === d.name && rows[i]!.classList.contains('param') === d.param)) {
    el.innerHTML = `<h3>Through the network, from the loss back</h3><div class="eqs">${through.map(line).join('')}</div><h3>The parameters</h3><div class="eqs">${params.map(line).join('')}</div>`;
    rows = el.querySelectorAll<HTMLElement>('.eq');
  }
  const byName = new Map([...rows].map((r) => [r.dataset.name!, r]));
  for (const d of list) {
    const row = byName.get(d.name)!;
    const val = row.querySelector<HTMLElement>('.val')!;
    if (val.dataset.template !== d.template) {
      val.innerHTML = katex.renderToString(d.template, OPTIONS);
      val.dataset.template = d.template;
    }
    fill(val, d);
    const nonzero = d.param && d.value !== 0;
    if (row.classList.contains('nonzero') !== nonzero) row.classList.toggle('nonzero', nonzero);
  }
}
