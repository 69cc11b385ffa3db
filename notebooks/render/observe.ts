// Observers: the only code that touches the DOM. Each cell with an element
// `[data-cell=name]` on the page gets an observer that renders its value into
// that element, or its error, inside the cell, leaving the rest of the page
// working. A tracker knows when every recomputed cell has been drawn, which
// tests and benchmarks wait for.

import type { Observer } from '@observablehq/runtime';

export type Render = (el: HTMLElement, value: any) => void | Promise<void>;

/** Resolves waiters each time the last pending cell finishes drawing. */
export class Tracker {
  readonly pending = new Set<string>();
  private waiters: (() => void)[] = [];
  /** Cells drawn so far, for tests. */
  draws = 0;

  start(name: string): void {
    this.pending.add(name);
  }

  done(name: string): void {
    this.draws++;
    if (!this.pending.delete(name) || this.pending.size) return;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** The next moment at which nothing is left to draw. */
  next(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function showError(el: HTMLElement, name: string, error: unknown): void {
  const box = document.createElement('div');
  box.className = 'cell-error';
  box.textContent = `${name}: ${message(error)}`;
  el.replaceChildren(box);
}

/**
 * Like Observable's `visibility()`: a cell whose section is off screen keeps
 * its latest value and draws it when the section scrolls into view (200 px
 * ahead), so a slider costs only the drawing the reader can see.
 */
export class Visibility {
  private readonly shown = new Map<Element, boolean>();
  private readonly waiting = new Map<Element, Map<HTMLElement, () => void>>();
  private readonly io =
    typeof IntersectionObserver === 'function'
      ? new IntersectionObserver((entries) => {
          for (const e of entries) {
            this.shown.set(e.target, e.isIntersecting);
            const draws = this.waiting.get(e.target);
            if (!e.isIntersecting || !draws) continue;
            this.waiting.delete(e.target);
            for (const draw of draws.values()) draw();
          }
        }, { rootMargin: '200px 0px' })
      : undefined;

  /** Draws everything still waiting, wherever it is: a printout or a PDF shows every section. */
  drawAll(): void {
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    for (const draws of waiting) for (const draw of draws.values()) draw();
  }

  /** While printing, every cell draws at once. */
  private printing = false;

  constructor() {
    if (typeof addEventListener !== 'function' || typeof matchMedia !== 'function') return;
    const print = (on: boolean) => {
      this.printing = on;
      if (on) this.drawAll();
    };
    addEventListener('beforeprint', () => print(true));
    addEventListener('afterprint', () => print(matchMedia('print').matches));
    matchMedia('print').addEventListener('change', (e) => print(e.matches));
  }

  /** Draws now if the element's section is (or may be) on screen; otherwise when it gets there. Returns whether it drew. */
  draw(el: HTMLElement, draw: () => void): boolean {
    const section = el.closest('section') ?? el;
    if (this.io && !this.shown.has(section)) {
      // Unknown until the observer's first report, which comes with the next frame.
      this.shown.set(section, false);
      this.io.observe(section);
    }
    if (!this.io || this.printing || this.shown.get(section)) {
      this.waiting.get(section)?.delete(el);
      draw();
      return true;
    }
    const draws = this.waiting.get(section) ?? new Map<HTMLElement, () => void>();
    draws.set(el, draw);
    this.waiting.set(section, draws);
    return false;
  }
}

/** `lazy`: cells whose drawing waits until their section is on screen (charts, big tables, TeX). */
export function observerFactory(renders: Record<string, Render>, tracker: Tracker, lazy: ReadonlySet<string>, root: ParentNode = document) {
  const visibility = new Visibility();
  const show = (el: HTMLElement, name: string, draw: () => void) => (lazy.has(name) ? visibility.draw(el, draw) : draw());
  return (name: string): Observer | undefined => {
    const el = root.querySelector<HTMLElement>(`[data-cell="${name}"]`);
    const render = renders[name];
    if (!el || !render) return undefined;
    let version = 0;
    const draw = (value: unknown, mine: number) => {
      if (mine !== version) return Promise.resolve();
      if (el.classList.contains('failed')) el.classList.remove('failed');
      let drawn: void | Promise<void> = undefined;
      try {
        drawn = render(el, value);
      } catch (e) {
        showError(el, name, e);
      }
      return Promise.resolve(drawn).catch((e) => mine === version && showError(el, name, e));
    };
    return {
      pending() {
        tracker.start(name);
      },
      fulfilled(value: unknown) {
        const mine = ++version;
        let drawing: Promise<unknown> = Promise.resolve();
        show(el, name, () => {
          drawing = draw(value, mine);
        });
        drawing.finally(() => tracker.done(name));
      },
      rejected(error: unknown) {
        ++version;
        show(el, name, () => {
          el.classList.add('failed');
          showError(el, name, error);
        });
        tracker.done(name);
      },
    };
  };
}
