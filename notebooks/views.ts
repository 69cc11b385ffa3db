// What cells display: each function returns an element drawn by the page's
// renderers (render/), and the inputs are elements with a `value` that emit
// `input` events, for `view(…)` or `Generators.input(…)`. Data only flows in:
// a view never changes a cell, it reports what the reader did.

import type { Chart } from './cells/charts.ts';
import type { Coefficients } from './cells/combination.ts';
import type { DerivativeTex } from './cells/derivatives.ts';
import type { GradientRow } from './cells/gradients.ts';
import { fromHash, toHash, type PageState } from './cells/hash.ts';
import { checkInput, rawInputOf, type Checked, type RawInput } from './cells/input.ts';
import type { Upload } from './cells/upload.ts';
import { renderChart } from './render/chart.ts';
import { renderCheck } from './render/check.ts';
import { coefficientSliders as drawSliders, epochSlider, inputForm as drawForm, logScaleToggle, paramPicker as drawPicker, playgroundControls as drawPlayground, renderProblems } from './render/controls.ts';
import { checkPlayground, type PlaygroundSettings } from './cells/playground.ts';
import { renderDownload } from './render/download.ts';
import { tagEpochs } from './render/epochTags.ts';
import { renderNotice } from './render/notice.ts';
import { Visibility } from './render/observe.ts';
import { renderDerivatives } from './render/tex.ts';
import { renderDiagram, renderForward, renderGradients, renderSgd } from './render/tables.ts';
import { renderStepThrough } from './render/stepPlayer.ts';
import type { StepThrough } from './cells/stepThrough.ts';
import type { ForwardRows, Summary } from './steps.ts';
import type { Config } from '../src/config.ts';
import { preset as presetConfig } from '../src/presets.ts';
import { initialParams, networkOf } from '../src/trace.ts';

/** An element reporting `value`, as Observable inputs do. */
export type InputElement<T> = HTMLElement & { value: T };

const div = (className: string) => {
  const el = document.createElement('div');
  el.className = className;
  return el;
};

/**
 * A container input: the `input` events of the controls inside it bubble up
 * to it, but only its own (sent once its value is set) are its value changing.
 */
function container<T>(className: string): InputElement<T> {
  const el = div(className) as unknown as InputElement<T>;
  el.addEventListener('input', (e) => e.target !== el && e.stopImmediatePropagation());
  return el;
}

/** Sets an input's value as the reader would: its cells follow. */
export function setValue<T>(el: InputElement<T>, value: T): void {
  el.value = value;
  el.dispatchEvent(new Event('input', { bubbles: true }));
}

// A view is drawn into the same element from one value to the next, so the
// work kept in it (a vega View, typeset templates) is reused and a view not
// yet on screen keeps its place: a chart by its spec, the others by their
// kind and `key` (give another key to show a second one).
const kept = new Map<string, HTMLElement>();
function keep(key: string, className: string): HTMLElement {
  let el = kept.get(key);
  if (!el) kept.set(key, (el = div(className)));
  return el;
}

// Charts, tables and TeX are drawn when their element is on screen (or 200 px
// from it), as Observable's visibility() does: a slider then costs only the
// drawing the reader can see. Off screen, the element keeps its latest value
// and draws it when scrolled to. (Without IntersectionObserver, at once.)
let visibility: Visibility | undefined;
function whenVisible(el: HTMLElement, draw: () => void | Promise<void>): Promise<void> {
  let drawn: void | Promise<void> = undefined;
  (visibility ??= new Visibility()).draw(el, () => {
    drawn = draw();
  });
  return Promise.resolve(drawn);
}

/** A vega-lite chart (SVG). */
export async function chart(c: Chart): Promise<HTMLElement> {
  const el = keep(`chart ${JSON.stringify(c.spec)}`, 'chart');
  await whenVisible(el, () => renderChart(el, c));
  return el;
}

/** The network diagram (an SVG string from `networkDiagram`). */
export function diagramView(svg: string, key = 'diagram'): HTMLElement {
  const el = keep(`diagram ${key}`, 'diagram');
  whenVisible(el, () => renderDiagram(el, svg));
  return el;
}

/**
 * One training step on the diagram, frame by frame, with play, pause and
 * step controls (`steps` from `stepFrames`, `svg` from `networkDiagram`).
 * The frame shown is kept when the values change.
 */
export function stepThroughView(svg: string, steps: StepThrough, key = 'step'): HTMLElement {
  const el = keep(`step ${key}`, 'step-through');
  whenVisible(el, () => renderStepThrough(el, svg, steps));
  return el;
}

export function forwardTable(f: ForwardRows, key = 'forward'): HTMLElement {
  const el = keep(`forward ${key}`, 'table-wrap');
  whenVisible(el, () => renderForward(el, f));
  return el;
}

export function gradientTable(g: { rows: GradientRow[]; pytorch: string; workbook: string; dtype: string }, key = 'gradients'): HTMLElement {
  const el = keep(`gradients ${key}`, 'table-wrap');
  whenVisible(el, () => renderGradients(el, g));
  return el;
}

export function sgdTable(s: Parameters<typeof renderSgd>[1], key = 'sgd'): HTMLElement {
  const el = keep(`sgd ${key}`, 'table-wrap');
  whenVisible(el, () => renderSgd(el, s));
  return el;
}

/** Each derivative's definition typeset, and below it the same with the numbers. */
export function derivativesView(list: DerivativeTex[], key = 'derivatives'): HTMLElement {
  const el = keep(`derivatives ${key}`, 'tex');
  whenVisible(el, () => renderDerivatives(el, list));
  return el;
}

/** The button that builds and saves the workbook for a config. */
export function downloadButton(d: { config: Config; filename: string }): HTMLElement {
  const el = div('download');
  renderDownload(el, d);
  return el;
}

export function checkView(c: Parameters<typeof renderCheck>[1]): HTMLElement {
  const el = div('check-report');
  renderCheck(el, c);
  return el;
}

/** The headline: epoch, loss, prediction, divergence and whether PyTorch recorded these inputs. */
export function summaryView(s: Summary): HTMLElement {
  const el = div('summary-text');
  const line = document.createElement('p');
  line.className = 'headline';
  line.innerHTML = `Epoch ${s.epoch}: <span class="loss">L = <b data-value="loss">${s.loss}</b></span> · ŷ = ${s.yhat.join(', ')} · after ${s.epochs.toLocaleString('en-US')} epoch${s.epochs === 1 ? '' : 's'} L = ${s.lastLoss}`;
  el.append(line);
  if (s.diverged) {
    const d = document.createElement('p');
    d.className = 'diverged';
    d.textContent = `Training ${s.diverged}. The page shows the epochs up to there.`;
    el.append(d);
  }
  if (s.fixture) {
    const f = document.createElement('p');
    f.className = 'fixture';
    f.textContent = `These inputs match a recorded PyTorch run (${s.fixture}).`;
    el.append(f);
  }
  return el;
}

const bars = new WeakMap<HTMLElement, HTMLElement>();
/** The sticky bar under the inputs: the headline and the epoch picker (kept in place, so dragging it is never interrupted). */
export function summaryBar(s: Summary, picker: ReturnType<typeof epochPicker>): HTMLElement {
  let bar = bars.get(picker);
  if (!bar) {
    bars.set(picker, (bar = div('summary')));
    bar.append(div('summary-text'), picker);
  }
  bar.firstElementChild!.replaceWith(summaryView(s));
  picker.update(s.epoch, s.epochs);
  // Once the bar is on the page, each section's heading says which epoch it shows.
  requestAnimationFrame(() => tagEpochs(headingOf, s.epoch, s.epochs));
  return bar;
}

/** The heading over a cell: the last <h2> of the nearest cell above it (or of itself) that has one. */
function headingOf(name: string): HTMLElement | null {
  let cell = document.querySelector<HTMLElement>(`[data-cell~="${name}"]`);
  for (; cell; cell = cell.previousElementSibling as HTMLElement | null) {
    const headings = cell.querySelectorAll<HTMLElement>('h2');
    if (headings.length) return headings[headings.length - 1]!;
  }
  return null;
}

/** The link's notice: why part of the URL hash could not be used, scrolled to where the reader is. Nothing when `message` is undefined. */
export function notice(message: string | undefined): HTMLElement {
  const el = keep('notice', 'notice');
  el.textContent = message ?? '';
  el.hidden = !message;
  // renderNotice scrolls the notice into view, so it runs once the element is on the page.
  if (message) requestAnimationFrame(() => renderNotice(el, message));
  return el;
}

/** The loss chart's scale; value: whether the reader wants a log axis. */
export function logScaleInput(initial = false): InputElement<boolean> {
  const el = container<boolean>('controls inline');
  el.value = initial;
  el.append(logScaleToggle(initial, (log) => setValue(el, log)));
  return el;
}

/** Seven sliders for Figure 1's coefficients; value: the coefficients. */
export function coefficientSliders(initial: Coefficients): InputElement<Coefficients> {
  const el = container<Coefficients>('controls sliders');
  el.value = { ...initial };
  drawSliders(el, initial, (c) => {
    el.value = c;
    el.dispatchEvent(new Event('input'));
  });
  return el;
}

/**
 * The inputs form; value: what is typed (RawInput, validated by checkInput).
 * Choosing a preset rebuilds the form with the preset's inputs and calls `onPreset`.
 */
export function inputForm(initial: RawInput, onPreset: (name: string) => void = () => {}): InputElement<RawInput> {
  const el = container<RawInput>('controls form');
  const emit = (raw: RawInput) => {
    el.value = raw;
    el.dispatchEvent(new Event('input'));
  };
  const build = (raw: RawInput) => {
    el.value = raw;
    drawForm(el, raw, {
      change: (next) => emit({ ...next, preset: 'custom' }),
      preset: (name) => {
        const next = name === 'custom' ? el.value : rawInputOf(presetConfig(name), name);
        build(next);
        emit(next);
        onPreset(name);
      },
      initialWeights: () => {
        const c = checkInput(el.value).config ?? presetConfig('article');
        return initialParams(networkOf(c), c);
      },
    });
  };
  build(structuredClone(initial));
  return el;
}

/** The own-data section's settings; value: PlaygroundSettings (checked by playgroundConfig). */
export function playgroundForm(initial: PlaygroundSettings): InputElement<PlaygroundSettings> {
  const el = container<PlaygroundSettings>('controls form own-data');
  el.value = { ...initial };
  drawPlayground(el, initial, (s) => setValue(el, s));
  return el;
}

/** Each problem next to its input in `form`, and what the page shows meanwhile. */
export function problems(checked: Checked, form: HTMLElement): HTMLElement {
  const el = div('problems');
  renderProblems(el, checked, form);
  return el;
}

/** The epoch picker; value: the epoch asked for. `update` sets its range once the run is known. */
export function epochPicker(initial: number): InputElement<number> & { update(epoch: number, epochs: number): HTMLElement } {
  const el = container<number>('epoch-picker-holder') as InputElement<number> & { update(epoch: number, epochs: number): HTMLElement };
  el.value = initial;
  const picker = epochSlider((epoch) => setValue(el, epoch));
  el.append(picker.el);
  el.update = (epoch, epochs) => {
    picker.update(epoch, epochs);
    return el;
  };
  return el;
}

/** The loss slice's parameter; value: its name. `update` lists the network's parameters. */
export function paramSelect(initial: string): InputElement<string> & { update(params: string[], value: string): HTMLElement } {
  const el = container<string>('controls inline') as InputElement<string> & { update(params: string[], value: string): HTMLElement };
  el.dataset.control = 'sliceParam';
  el.value = initial;
  const set = drawPicker(el, (p) => setValue(el, p));
  el.update = (params, value) => {
    set(params, value);
    return el;
  };
  return el;
}

/** A file input for a learner's .xlsx; value: the file's name and bytes, null before one is chosen. */
export function uploadInput(): InputElement<Upload | null> {
  const el = container<Upload | null>('controls inline');
  el.value = null;
  const file = document.createElement('input');
  file.type = 'file';
  file.accept = '.xlsx';
  file.dataset.control = 'upload';
  file.setAttribute('aria-label', 'your workbook (.xlsx)');
  file.addEventListener('change', async () => {
    const f = file.files?.[0];
    if (!f) return;
    setValue(el, { name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) });
  });
  el.append(file);
  return el;
}

/**
 * The page's state from the URL hash, then again whenever the reader edits
 * the hash by hand: `{state, error}` (the defaults and a message when the
 * hash cannot be read).
 */
export function* pageFromHash(defaults: PageState): Generator<{ state: PageState; error?: string } | Promise<{ state: PageState; error?: string }>> {
  yield fromHash(location.hash, defaults);
  for (;;) {
    yield new Promise((resolve) => {
      const changed = () => {
        if (location.hash === written) return;
        removeEventListener('hashchange', changed);
        resolve(fromHash(location.hash, defaults));
      };
      addEventListener('hashchange', changed);
    });
  }
}

let written = '';
let timer: ReturnType<typeof setTimeout> | undefined;
// The inputs last found valid: the only ones the URL records.
let validInput: RawInput | undefined;
let validOwn: PlaygroundSettings | undefined;
/**
 * Writes the state to the URL hash with the last valid inputs and own-data
 * settings (while the typed ones are invalid, the other settings still follow
 * the reader), once per burst of changes: writing the URL costs Chromium
 * several ms.
 */
export function writeHash(state: PageState, checked: Checked): void {
  if (checked.config) validInput = state.input;
  if (state.own && !checkPlayground(state.own).errors.length) validOwn = state.own;
  if (!validInput) return;
  const input = validInput;
  const own = validOwn;
  clearTimeout(timer);
  timer = setTimeout(() => {
    written = toHash({ ...state, input, ...(own ? { own } : {}) });
    if (location.hash !== written) history.replaceState(null, '', written);
  }, 150);
}
