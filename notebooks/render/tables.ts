// The notebook's tables as HTML: forward pass, five-way gradients, SGD update.

import { diff, num } from '../cells/format.ts';
import { METHODS, type GradientRow, type Method } from '../cells/gradients.ts';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const sym = (name: string) => esc(name).replace(/^yhat(\d+)$/, 'ŷ<sub>$1</sub>').replace(/^dL_d(\w+)$/, '∂L/∂$1').replace(/^([a-zA-Z]+)(\d+)$/, '$1<sub>$2</sub>');
const cellNum = (v: number | undefined) => (v === undefined ? '<span class="na">—</span>' : esc(num(v)));

interface ForwardValue {
  columns: string[];
  rows: { epoch: number; selected: boolean; values: number[]; dead: string[] }[];
  hidden: number;
}

/**
 * One row per quantity, one column per shown epoch (dead ReLU inputs greyed).
 * While the quantities and the epochs shown stay, a change rewrites only the
 * cells that differ, which keeps a slider cheap; otherwise the table is built anew.
 */
export function renderForward(el: HTMLElement, f: ForwardValue): void {
  const shape = JSON.stringify([f.columns, f.rows.map((r) => [r.epoch, r.selected]), f.hidden]);
  const body = el.dataset.shape === shape ? el.querySelector('tbody') : null;
  if (body) {
    f.columns.forEach((name, i) => {
      const cells = body.rows[i]!.cells;
      f.rows.forEach((r, j) => {
        const td = cells[j + 1]!;
        const text = num(r.values[i]!), cls = forwardClass(r, name);
        if (td.textContent !== text) td.textContent = text;
        if (td.className !== cls) td.className = cls;
      });
    });
    return;
  }
  buildForward(el, f);
  el.dataset.shape = shape;
}

const forwardClass = (r: ForwardValue['rows'][number], name: string) => `${r.dead.includes(name) ? 'dead' : ''}${r.selected ? ' selected' : ''}`;

function buildForward(el: HTMLElement, f: ForwardValue): void {
  const head = f.rows.map((r) => `<th class="${r.selected ? 'selected' : ''}">epoch ${r.epoch}</th>`).join('');
  const body = f.columns.map((name, i) => {
    const cells = f.rows.map((r) => `<td class="${forwardClass(r, name)}">${esc(num(r.values[i]!))}</td>`).join('');
    return `<tr class="${name === 'L' ? 'loss' : ''}"><th scope="row">${sym(name)}</th>${cells}</tr>`;
  }).join('');
  const note = f.hidden > 0 ? `<p class="note">${f.hidden.toLocaleString('en-US')} more epochs are in the charts below; pick any epoch with the slider above.</p>` : '';
  el.innerHTML = `<table class="numbers"><thead><tr><th><span class="sr-only">quantity</span></th>${head}</tr></thead><tbody>${body}</tbody></table>${note}`;
  scrollable(el, 'forward pass per epoch');
}

const LABELS: Record<Method, string> = { backprop: 'backprop', symbolic: 'symbolic', numeric: 'finite diff.', pytorch: 'PyTorch', workbook: 'workbook' };

/** A table wider than the screen scrolls inside its box, which keyboard users reach with Tab. */
export function scrollable(el: HTMLElement, label: string): void {
  if (el.tabIndex !== 0) el.tabIndex = 0;
  if (el.getAttribute('role') !== 'region') {
    el.setAttribute('role', 'region');
    el.setAttribute('aria-label', label);
  }
}

function gradientCell(r: GradientRow, m: Method): string {
  const g = r.grads[m];
  // data-label names the column where a narrow screen stacks the row (style.css).
  if (m === 'backprop' || g === undefined) return `<td data-label="${LABELS[m]}">${cellNum(g)}</td>`;
  const d = g - r.grads.backprop!;
  return `<td data-label="${LABELS[m]}">${cellNum(g)}<span class="delta${Math.abs(d) > 1e-4 * Math.max(1, Math.abs(r.grads.backprop!)) ? ' far' : ''}">Δ ${esc(diff(d))}</span></td>`;
}

function kinkNote(r: GradientRow): string {
  if (!r.kink) return '';
  const k = r.kink;
  return `<span class="kink">⚠ ReLU kink at ${k.nodes.map(sym).join(', ')}: slope ${esc(num(k.left))} on the left, ${esc(num(k.right))} on the right; the central difference averages them</span>`;
}

export function renderGradients(el: HTMLElement, g: { rows: GradientRow[]; pytorch: string; workbook: string; dtype: string }): void {
  const head = `<tr><th>θ</th><th>value</th>${METHODS.map((m) => `<th>${LABELS[m]}</th>`).join('')}<th>max |Δ|</th><th class="notes"><span class="sr-only">notes</span></th></tr>`;
  const body = g.rows.map((r) =>
    `<tr class="${r.nonZero ? 'nonzero' : ''}${r.kink ? ' kinked' : ''}"><th scope="row">${r.nonZero ? '<span class="mark" title="non-zero gradient">●</span>' : ''}${sym(r.param)}</th><td data-label="value">${esc(num(r.value))}</td>${METHODS.map((m) => gradientCell(r, m)).join('')}<td class="maxdiff" data-label="max |Δ|">${esc(diff(r.maxDiff))}</td><td class="notes">${kinkNote(r)}</td></tr>`).join('');
  el.innerHTML = `<table class="numbers gradients"><thead>${head}</thead><tbody>${body}</tbody></table>
    <ul class="sources"><li>backprop and symbolic: ${esc(g.dtype)}, as the run. Finite differences: float64, h = 10⁻⁶.</li><li>PyTorch: ${esc(g.pytorch)}.</li><li>Workbook: ${esc(g.workbook)}.</li></ul>`;
  scrollable(el, 'gradients five ways');
}

export function renderSgd(el: HTMLElement, s: { lr: number; epoch: number; rows: { param: string; before: number; grad: number; after: number }[] }): void {
  const body = s.rows.map((r) =>
    `<tr class="${r.after !== r.before ? 'moved' : ''}"><th scope="row">${sym(r.param)}</th><td>${esc(num(r.before))}</td><td>${esc(num(r.grad))}</td><td>${esc(num(r.after))}</td></tr>`).join('');
  el.innerHTML = `<table class="numbers"><thead><tr><th>θ</th><th>entering epoch ${s.epoch}</th><th>∂L/∂θ</th><th>after θ − ${esc(String(s.lr))} · ∂L/∂θ</th></tr></thead><tbody>${body}</tbody></table>`;
  scrollable(el, 'SGD update');
}

const HINT = 'Point at, tab to or tap a unit or an edge: its formulas appear here with the numbers plugged in.';

/** The diagram, and below it the formulas of the unit or edge last pointed at, focused or tapped (kept across redraws). */
export function renderDiagram(el: HTMLElement, svg: string): void {
  let drawing = el.querySelector<HTMLElement>('.drawing');
  let panel = el.querySelector<HTMLElement>('.formula');
  if (!drawing || !panel) {
    drawing = document.createElement('div');
    drawing.className = 'drawing';
    panel = document.createElement('pre');
    panel.className = 'formula';
    panel.setAttribute('aria-live', 'polite');
    el.replaceChildren(drawing, panel);
    const d = drawing, p = panel;
    const show = (event: Event) => {
      const target = (event.target as Element).closest<SVGElement>('[data-formula]');
      if (!target) return;
      d.dataset.shown = target.dataset.key!;
      p.textContent = target.dataset.formula!;
    };
    for (const type of ['pointerover', 'focusin', 'click']) d.addEventListener(type, show);
  }
  drawing.innerHTML = svg;
  scrollable(drawing, 'network diagram');
  const shown = drawing.dataset.shown && drawing.querySelector<SVGElement>(`[data-key="${drawing.dataset.shown}"]`);
  panel.textContent = shown ? shown.dataset.formula! : HINT;
}
