// The step-through of one training step: the network diagram (cells/diagram.ts)
// with controls to go through the frames of cells/stepThrough.ts. A frame only
// switches classes on the drawing's elements, so stepping costs no redraw:
//   pending   a unit whose value the forward pass has not reached yet
//   current   what this frame computes; read: what its formulas read
//   flowed    a unit or an edge whose gradient the backward pass has computed
//   circled   of those, the ones whose gradient is not 0
//   updated   an edge or a unit whose parameter the update moved
// The drawing element keeps its frame when the values change (another
// epoch), so the reader stays where they were.

import { adjoint } from '../../src/names.ts';
import { weightLabel } from '../cells/diagram.ts';
import type { StepFrame, StepThrough } from '../cells/stepThrough.ts';
import { scrollable } from './tables.ts';

const PHASE: Record<StepFrame['phase'], string> = { forward: 'Forward pass', backward: 'Backward pass', update: 'Update' };
/** Milliseconds per frame while playing. */
const TICK = 1100;
const SVG = 'http://www.w3.org/2000/svg';

interface Player {
  steps: StepThrough;
  frame: number;
  timer?: ReturnType<typeof setInterval>;
}

const players = new WeakMap<HTMLElement, Player>();

/** A control named by its text, with a longer description as its tooltip. */
function button(action: string, text: string, title: string): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.dataset.action = action;
  b.textContent = text;
  b.title = title;
  return b;
}

/** Draws `steps` on `svg` into `el`, keeping the frame shown before (clamped). */
export function renderStepThrough(el: HTMLElement, svg: string, steps: StepThrough): void {
  let p = players.get(el);
  if (!p) {
    players.set(el, (p = { steps, frame: 0 }));
    build(el, p);
  }
  p.steps = steps;
  p.frame = Math.min(p.frame, steps.frames.length - 1);
  const drawing = el.querySelector<HTMLElement>('.drawing')!;
  drawing.innerHTML = svg;
  scrollable(drawing, 'network diagram, one training step');
  decorate(drawing, steps);
  const range = el.querySelector<HTMLInputElement>('input[type=range]')!;
  range.max = String(steps.frames.length - 1);
  show(el, p);
}

function build(el: HTMLElement, p: Player): void {
  const bar = document.createElement('div');
  bar.className = 'step-controls';
  bar.setAttribute('role', 'group');
  bar.setAttribute('aria-label', 'Step through one training step');
  const start = button('start', 'Start', 'Back to the first frame');
  const back = button('back', '◀ Back', 'One frame back');
  const play = button('play', '▶ Play', 'Play the frames one after another');
  const next = button('step', 'Step ▶', 'One frame on');
  const range = document.createElement('input');
  range.type = 'range';
  range.min = '0';
  range.step = '1';
  range.setAttribute('aria-label', 'Frame');
  const where = document.createElement('span');
  where.className = 'step-where';
  bar.append(start, back, play, next, range, where);
  const drawing = document.createElement('div');
  drawing.className = 'drawing';
  const panel = document.createElement('pre');
  panel.className = 'formula';
  panel.setAttribute('aria-live', 'polite');
  el.replaceChildren(drawing, bar, panel);

  const go = (k: number) => {
    p.frame = Math.max(0, Math.min(p.steps.frames.length - 1, k));
    show(el, p);
  };
  const stop = () => {
    clearInterval(p.timer);
    p.timer = undefined;
    show(el, p);
  };
  start.addEventListener('click', () => (stop(), go(0)));
  back.addEventListener('click', () => (stop(), go(p.frame - 1)));
  next.addEventListener('click', () => (stop(), go(p.frame + 1)));
  range.addEventListener('input', () => {
    const k = Number(range.value);
    stop();
    go(k);
  });
  play.addEventListener('click', () => {
    if (p.timer !== undefined) return stop();
    if (p.frame === p.steps.frames.length - 1) p.frame = 0;
    p.timer = setInterval(() => {
      // Playing stops at the last frame, and when the player has left the page.
      if (!el.isConnected || p.frame >= p.steps.frames.length - 1) return stop();
      go(p.frame + 1);
    }, TICK);
    show(el, p);
  });
}

/** The gradient labels and rings the backward pass shows, added once per drawing. */
function decorate(drawing: HTMLElement, steps: StepThrough): void {
  const svg = drawing.querySelector('svg');
  if (!svg) return;
  const add = (tag: string, attrs: Record<string, string | number>, text?: string) => {
    const e = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
    if (text !== undefined) e.textContent = text;
    svg.append(e);
    return e;
  };
  // An edge's colour is its gradient: kept for when the backward pass reaches it.
  for (const line of svg.querySelectorAll<SVGLineElement>('.edge line:not(.hit)')) line.style.setProperty('--edge-colour', line.getAttribute('stroke'));
  const backward = steps.frames.filter((f) => f.phase === 'backward');
  for (const f of backward) {
    const key = f.keys[0]!;
    const g = svg.querySelector<SVGGElement>(`[data-key="${key}"]`);
    if (!g) continue;
    const gradient = Number(f.values[f.quantities.indexOf(adjoint(key))]!.toPrecision(3)).toString().replace('-', '\u2212');
    const circle = g.querySelector('circle');
    if (circle) {
      const cx = Number(circle.getAttribute('cx')), cy = Number(circle.getAttribute('cy'));
      add('circle', { class: 'ring', 'data-ring': key, cx, cy, r: 24 });
      continue;
    }
    const label = svg.querySelector(`text.weight[data-param="${key}"]`);
    const line = g.querySelector('line')!;
    const [x1, y1, x2, y2] = ['x1', 'y1', 'x2', 'y2'].map((a) => Number(line.getAttribute(a)));
    const lx = label ? Number(label.getAttribute('x')) : (x1! + x2!) / 2, ly = label ? Number(label.getAttribute('y')) - 4 : (y1! + y2!) / 2;
    add('ellipse', { class: 'ring', 'data-ring': key, cx: lx.toFixed(1), cy: ly.toFixed(1), rx: 36, ry: 20 });
    add('text', { class: 'grad', 'data-grad': key, x: lx.toFixed(1), y: (ly + 14).toFixed(1) }, `∂ ${gradient}`);
  }
}

function show(el: HTMLElement, p: Player): void {
  const { frames } = p.steps, k = p.frame, frame = frames[k]!;
  const update = frame.phase === 'update';
  const svg = el.querySelector('.drawing svg');
  if (svg) {
    const reached = new Set<string>(), flowed = new Set<string>(), circled = new Set<string>();
    frames.slice(0, k + 1).forEach((f) => {
      for (const key of f.keys) (f.phase === 'forward' ? reached : flowed).add(key);
      for (const key of f.nonZero) circled.add(key);
    });
    const current = new Set(frame.keys), read = new Set(frame.reads);
    svg.classList.add('stepping');
    svg.classList.toggle('backward', frame.phase === 'backward');
    for (const g of svg.querySelectorAll<SVGGElement>('[data-key]')) {
      const key = g.dataset.key!;
      const isUnit = g.classList.contains('unit');
      g.classList.toggle('pending', isUnit && frame.phase === 'forward' && !reached.has(key));
      g.classList.toggle('current', current.has(key) && !update);
      g.classList.toggle('read', read.has(key));
      g.classList.toggle('flowed', flowed.has(key) && !update);
      g.classList.toggle('updated', update && current.has(key));
    }
    for (const r of svg.querySelectorAll<SVGElement>('[data-ring]')) r.classList.toggle('on', !update && circled.has(r.dataset.ring!) && flowed.has(r.dataset.ring!));
    for (const t of svg.querySelectorAll<SVGElement>('[data-grad]')) t.classList.toggle('on', !update && flowed.has(t.dataset.grad!));
    followOnNarrowScreens(el.querySelector<HTMLElement>('.drawing')!, svg.querySelector(`[data-key="${frame.keys[0]}"]`));
    for (const t of svg.querySelectorAll<SVGTextElement>('text.weight[data-param]')) {
      const w = t.dataset.param!;
      t.dataset.before ??= t.textContent ?? '';
      t.textContent = update && w in p.steps.after ? weightLabel(w, p.steps.after[w]!) : t.dataset.before;
    }
  }
  const where = el.querySelector<HTMLElement>('.step-where')!;
  const within = frames.filter((f) => f.phase === frame.phase).indexOf(frame) + 1, of = frames.filter((f) => f.phase === frame.phase).length;
  where.textContent = `${PHASE[frame.phase]} · ${within} of ${of} (frame ${k + 1} of ${frames.length})`;
  el.querySelector<HTMLInputElement>('input[type=range]')!.value = String(k);
  el.querySelector<HTMLInputElement>('input[type=range]')!.setAttribute('aria-valuetext', where.textContent);
  const play = el.querySelector<HTMLButtonElement>('[data-action="play"]')!;
  const playing = p.timer !== undefined;
  play.textContent = playing ? '❚❚ Pause' : '▶ Play';
  play.setAttribute('aria-pressed', String(playing));
  el.dataset.frame = String(k);
  el.dataset.phase = frame.phase;
  const params = Object.keys(p.steps.after).length;
  el.querySelector<HTMLElement>('.formula')!.textContent =
    update ? `The optimizer's step: ${frame.keys.length} of ${params} parameters moved.\n${frame.lines.join('\n')}` : frame.lines.join('\n');
}

/** On a screen narrower than the drawing, which then scrolls sideways, the element being computed is scrolled into the middle. */
function followOnNarrowScreens(drawing: HTMLElement, target: Element | null): void {
  if (!target || drawing.scrollWidth <= drawing.clientWidth) return;
  const r = target.getBoundingClientRect(), d = drawing.getBoundingClientRect();
  if (r.left < d.left || r.right > d.right) drawing.scrollLeft += (r.left + r.right) / 2 - (d.left + d.right) / 2;
}
