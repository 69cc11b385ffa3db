// The page: a runtime with no builtins (so nothing is ever fetched), the
// article's cells, an observer per cell element, the controls that redefine
// the input cells, and the URL hash that remembers them.

import '@observablehq/inputs/dist/index.css';
import 'katex/dist/katex.min.css';
import './style.css';
import { Runtime } from '@observablehq/runtime';
import type { Config } from '../src/config.ts';
import { preset as presetConfig } from '../src/presets.ts';
import { initialParams, networkOf } from '../src/trace.ts';
import define, { DEFAULT_INPUT } from './article.ts';
import { FIGURE_1, type Coefficients } from './cells/combination.ts';
import { fromHash, toHash, type PageState } from './cells/hash.ts';
import { rawInputOf, type Checked, type RawInput } from './cells/input.ts';
import { renderChart } from './render/chart.ts';
import { coefficientSliders, epochSlider, inputForm, logScaleToggle, paramPicker, renderProblems } from './render/controls.ts';
import { renderCheck } from './render/check.ts';
import { renderDownload } from './render/download.ts';
import { tagEpochs } from './render/epochTags.ts';
import { renderNotice } from './render/notice.ts';
import { observerFactory, Tracker, type Render } from './render/observe.ts';
import { renderDerivatives } from './render/tex.ts';
import { renderDiagram, renderForward, renderGradients, renderSgd } from './render/tables.ts';

const $ = (name: string) => document.querySelector<HTMLElement>(`[data-cell="${name}"]`)!;

const defaults: PageState = { input: structuredClone(DEFAULT_INPUT), coefficients: { ...FIGURE_1 }, epoch: 1, slice: 'b4' };
const read = fromHash(location.hash, defaults);
const state: PageState = structuredClone(read.state);
renderNotice($('hash'), read.error);
// The inputs last found valid: the only ones the URL records.
let validInput = state.input;

let lastConfig: Config | undefined;
// Writing the URL is slow in Chromium (several ms): once per burst of changes is enough.
let hashTimer: ReturnType<typeof setTimeout> | undefined;
const writeHash = () => {
  clearTimeout(hashTimer);
  hashTimer = setTimeout(() => history.replaceState(null, '', toHash({ ...state, input: validInput })), 150);
};

const picker = epochSlider((epoch) => {
  state.epoch = epoch;
  main.redefine('selectedEpoch', [], () => epoch);
  writeHash();
});
const summaryText = document.createElement('div');
$('summary').append(summaryText, picker.el);

const setSlice = paramPicker(document.querySelector<HTMLElement>('[data-control="sliceParam"]')!, (p) => {
  state.slice = p;
  main.redefine('sliceParam', [], () => p);
  writeHash();
});

$('loss').before(logScaleToggle((log) => main.redefine('logLoss', [], () => log)));

const renders: Record<string, Render> = {
  combination: renderChart,
  activations: renderChart,
  loss: renderChart,
  trajectories: renderChart,
  slice: (el, s) => {
    setSlice(s.params, s.param);
    return renderChart(el, s);
  },
  diagram: renderDiagram,
  forward: renderForward,
  derivatives: renderDerivatives,
  gradients: renderGradients,
  sgd: renderSgd,
  download: renderDownload,
  checkReport: renderCheck,
  checked: (el, checked: Checked) => {
    renderProblems(el, checked, $('input'));
    if (checked.config) {
      lastConfig = checked.config;
      validInput = state.input;
      writeHash();
    }
  },
  summary: (_el, s) => {
    picker.update(s.epoch, s.epochs);
    tagEpochs((name) => document.querySelector(`[data-cell="${name}"]`), s.epoch, s.epochs);
    summaryText.innerHTML = '';
    const line = document.createElement('p');
    line.className = 'headline';
    line.innerHTML = `Epoch ${s.epoch}: <span class="loss">L = <b data-value="loss">${s.loss}</b></span> · ŷ = ${s.yhat.join(', ')} · after ${s.epochs.toLocaleString('en-US')} epoch${s.epochs === 1 ? '' : 's'} L = ${s.lastLoss}`;
    summaryText.append(line);
    if (s.diverged) {
      const d = document.createElement('p');
      d.className = 'diverged';
      d.textContent = `Training ${s.diverged}. The page shows the epochs up to there.`;
      summaryText.append(d);
    }
    if (s.fixture) {
      const f = document.createElement('p');
      f.className = 'fixture';
      f.textContent = `These inputs match a recorded PyTorch run (${s.fixture}).`;
      summaryText.append(f);
    }
  },
};

const tracker = new Tracker();
const runtime = new Runtime();
// The runtime normally waits for the next animation frame before it
// recomputes. An input event already arrives between frames, so waiting only
// delays the answer by most of a frame: compute in a microtask instead, and the
// browser paints the result in the frame that was coming anyway.
const computeAtOnce = runtime as unknown as { _computeSoon: () => Promise<void>; _computeNow: () => Promise<void>; _disposed: boolean };
computeAtOnce._computeSoon = function () {
  return Promise.resolve().then(() => (this._disposed ? undefined : this._computeNow()));
};
const lazy = new Set(['combination', 'activations', 'diagram', 'forward', 'derivatives', 'gradients', 'sgd', 'loss', 'trajectories', 'slice']);
const main = runtime.module(define, observerFactory(renders, tracker, lazy));

function setInput(raw: RawInput): void {
  state.input = raw;
  main.redefine('input', [], () => raw);
}

function buildForm(): void {
  inputForm($('input'), state.input, {
    change: (raw) => setInput({ ...raw, preset: 'custom' }),
    preset: (name) => {
      const raw = name === 'custom' ? state.input : rawInputOf(presetConfig(name), name);
      setInput(raw);
      state.epoch = 1;
      main.redefine('selectedEpoch', [], () => 1);
      buildForm();
    },
    initialWeights: () => {
      const c = lastConfig ?? presetConfig('article');
      return initialParams(networkOf(c), c);
    },
  });
}

function applyState(): void {
  main.redefine('input', [], () => state.input);
  main.redefine('coefficients', [], () => state.coefficients);
  main.redefine('selectedEpoch', [], () => state.epoch);
  main.redefine('sliceParam', [], () => state.slice);
  buildForm();
  coefficientSliders($('coefficients'), state.coefficients, (c: Coefficients) => {
    state.coefficients = c;
    main.redefine('coefficients', [], () => c);
    writeHash();
  });
}

applyState();

document.querySelector<HTMLInputElement>('[data-control="upload"]')!.addEventListener('change', async (event) => {
  const file = (event.target as HTMLInputElement).files?.[0];
  if (!file) return;
  const bytes = new Uint8Array(await file.arrayBuffer());
  main.redefine('upload', [], () => ({ name: file.name, bytes }));
});

addEventListener('hashchange', () => {
  if (location.hash === toHash({ ...state, input: validInput })) return;
  const next = fromHash(location.hash, defaults);
  renderNotice($('hash'), next.error);
  Object.assign(state, structuredClone(next.state));
  applyState();
});

// For tests, benchmarks and users' own scripts: the module, and a promise for
// the moment every recomputed cell has been drawn.
Object.assign(window, { xlgrad: { main, tracker, settled: () => tracker.next() } });
