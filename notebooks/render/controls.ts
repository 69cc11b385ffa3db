// The page's controls, built with @observablehq/inputs. A control never
// computes anything: it reports what the user typed, and the page redefines
// the matching input cell. Problems found by the `checked` cell are shown
// next to the control they concern.

import * as Inputs from '@observablehq/inputs';
import { paramNames } from '../../src/config.ts';
import { input as inputName, target as targetName } from '../../src/names.ts';
import { COEFFICIENT_NAMES, type Coefficients } from '../cells/combination.ts';
import { PAGE_PRESETS, type Checked, type RawInput } from '../cells/input.ts';
import { datasets, type DatasetName } from '../cells/datasets.ts';
import { OPTIMIZER_CHOICES, PLAYGROUND_LEARNING_RATES, PLAYGROUND_MAX_EPOCHS, PLAYGROUND_MAX_HIDDEN, type PlaygroundSettings } from '../cells/playground.ts';
import type { Activation } from '../../src/network.ts';

const field = (name: string, control: HTMLElement, cls = '') => {
  const wrap = document.createElement('div');
  wrap.className = `field ${cls}`.trim();
  wrap.dataset.field = name;
  const msg = document.createElement('div');
  msg.className = 'message';
  msg.setAttribute('role', 'alert');
  wrap.append(control, msg);
  return wrap;
};

const group = (title: string, ...children: HTMLElement[]) => {
  const g = document.createElement('fieldset');
  const legend = document.createElement('legend');
  legend.textContent = title;
  g.append(legend, ...children);
  return g;
};

/** Inputs.range labels only its number box; its slider gets the same name for screen readers. */
function nameSlider(range: HTMLElement, name: string): void {
  range.querySelector('input[type=range]')?.setAttribute('aria-label', name);
}

/** Seven sliders for the coefficients of Figure 1. */
export function coefficientSliders(el: HTMLElement, value: Coefficients, onChange: (c: Coefficients) => void): void {
  const current = { ...value };
  el.replaceChildren(...COEFFICIENT_NAMES.map((name) => {
    const input = Inputs.range([-3, 3], { label: name, value: value[name], step: 0.001 });
    nameSlider(input, name);
    input.addEventListener('input', () => {
      current[name] = input.value;
      onChange({ ...current });
    });
    return input;
  }));
}

export interface FormHandlers {
  change: (raw: RawInput) => void;
  preset: (name: string) => void;
  /** The initial parameters of the current valid configuration, to fill the weight boxes. */
  initialWeights: () => Record<string, number>;
}

/** The input form for `raw`; rebuilt when the architecture changes (a preset). */
export function inputForm(el: HTMLElement, raw: RawInput, on: FormHandlers): void {
  const state: RawInput = structuredClone(raw);
  const emit = () => on.change(structuredClone(state));
  const text = (name: string, label: string, value: string, set: (v: string) => void) => {
    const input = Inputs.text({ label, value, spellcheck: false, autocomplete: 'off' });
    input.addEventListener('input', () => {
      set(input.value);
      emit();
    });
    return field(name, input);
  };

  const preset = Inputs.select(['custom', ...PAGE_PRESETS], { label: 'preset', value: PAGE_PRESETS.includes(raw.preset) ? raw.preset : 'custom' });
  preset.addEventListener('input', () => on.preset(preset.value));
  const arch = document.createElement('p');
  arch.className = 'arch';
  const noBias = raw.bias.flatMap((b, l) => (b ? [] : [l + 1]));
  arch.textContent = `layers ${raw.layers.join('-')}${noBias.length ? ` (no bias in Linear layer${noBias.length > 1 ? 's' : ''} ${noBias.join(', ')})` : ''} · ${raw.activation} hidden units · ${raw.outputActivation} output · ${raw.loss.replace(/_/g, ' ')} loss`;

  const xs = raw.x.map((v, i) => {
    const slider = Inputs.range([-3, 3], { label: raw.x.length > 1 ? inputName(i + 1) : 'x', value: Number(v), step: 0.01 });
    nameSlider(slider, raw.x.length > 1 ? inputName(i + 1) : 'x');
    slider.addEventListener('input', () => {
      state.x[i] = String(slider.value);
      emit();
    });
    return field(`x.${i}`, slider);
  });
  const ys = raw.y.map((v, i) => text(`y.${i}`, raw.y.length > 1 ? targetName(i + 1) : 'y', v, (s) => (state.y[i] = s)));
  const lr = text('lr', 'learning rate', raw.lr, (s) => (state.lr = s));
  const epochs = text('epochs', 'epochs', raw.epochs, (s) => (state.epochs = s));
  const dtype = Inputs.radio(['float32', 'float64'], { label: 'dtype', value: raw.dtype });
  dtype.addEventListener('input', () => {
    state.dtype = dtype.value;
    emit();
  });

  const seed = text('seed', 'seed', raw.seed, (s) => (state.seed = s));
  const names = paramNames(raw.layers, raw.bias);
  const weightBoxes = names.map((p) => text(`weights.${p}`, p, raw.weights[p] ?? '', (s) => (state.weights[p] = s)));
  const weights = document.createElement('div');
  weights.className = 'weights';
  weights.dataset.field = 'weights';
  weights.append(...weightBoxes);
  const mode = Inputs.radio<RawInput['init']>(['seed', 'weights'], { label: 'initialise with', value: raw.init, format: (m) => (m === 'seed' ? 'PyTorch seed' : 'explicit weights') });
  const showMode = () => {
    seed.hidden = state.init !== 'seed';
    weights.hidden = state.init !== 'weights';
  };
  mode.addEventListener('input', () => {
    state.init = mode.value;
    if (state.init === 'weights' && names.every((p) => (state.weights[p] ?? '') === '')) {
      const w = on.initialWeights();
      names.forEach((p, k) => {
        state.weights[p] = String(w[p] ?? 0);
        const box = weightBoxes[k]!.querySelector('input');
        if (box) box.value = state.weights[p]!;
      });
    }
    showMode();
    emit();
  });
  showMode();

  el.replaceChildren(
    group('network', field('preset', preset), arch),
    group('data', ...xs, ...ys),
    group('training', lr, epochs, field('dtype', dtype)),
    group('initial parameters', field('init', mode), seed, weights),
  );
}

/** Puts each problem next to its input; the `checked` cell's own element says what the page shows meanwhile. */
export function renderProblems(el: HTMLElement, checked: Checked, form: ParentNode): void {
  for (const f of form.querySelectorAll<HTMLElement>('.field')) {
    f.classList.remove('invalid');
    f.querySelector('.message')!.textContent = '';
  }
  const unplaced: string[] = [];
  for (const e of checked.errors) {
    const f = form.querySelector<HTMLElement>(`.field[data-field="${e.field}"]`) ?? form.querySelector<HTMLElement>(`[data-field="${e.field}"] .field`);
    if (f) {
      f.classList.add('invalid');
      f.querySelector('.message')!.textContent = e.message;
    } else unplaced.push(e.message);
  }
  el.textContent = '';
  if (checked.errors.length) {
    const p = document.createElement('p');
    p.className = 'problem';
    p.textContent = `${unplaced.length ? `${unplaced.join('; ')}. ` : ''}Everything below still shows the last valid inputs.`;
    el.append(p);
  }
}

/** A persistent slider for the epoch shown in detail; updated in place so dragging is never interrupted. */
export function epochSlider(onChange: (epoch: number) => void): { el: HTMLElement; update: (epoch: number, epochs: number) => void } {
  const el = document.createElement('label');
  el.className = 'epoch-picker';
  const caption = document.createElement('span');
  const input = document.createElement('input');
  input.type = 'range';
  input.min = '1';
  input.step = '1';
  input.addEventListener('input', () => onChange(Number(input.value)));
  el.append(caption, input);
  return {
    el,
    update(epoch, epochs) {
      input.max = String(epochs);
      input.value = String(epoch);
      input.disabled = epochs <= 1;
      caption.textContent = `details for epoch ${epoch} of ${epochs.toLocaleString('en-US')}`;
    },
  };
}

/** A persistent parameter picker for the loss slice. */
export function paramPicker(el: HTMLElement, onChange: (p: string) => void): (params: string[], value: string) => void {
  let shown = '';
  let select: HTMLSelectElement | undefined;
  return (params, value) => {
    if (params.join() !== shown || !select) {
      shown = params.join();
      const label = document.createElement('label');
      label.textContent = 'parameter ';
      select = document.createElement('select');
      select.append(...params.map((p) => new Option(p, p)));
      const s = select;
      s.addEventListener('input', () => onChange(s.value));
      label.append(select);
      el.replaceChildren(label);
    }
    select.value = value;
  };
}

/** The loss chart's scale: a checkbox reporting whether the reader wants a log axis. */
export function logScaleToggle(checked: boolean, onChange: (log: boolean) => void): HTMLElement {
  const label = document.createElement('label');
  label.className = 'toggle';
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.checked = checked;
  box.addEventListener('input', () => onChange(box.checked));
  label.append(box, ' log scale for the loss');
  return label;
}

/** The own-data section's settings: a data set, a one-hidden-layer network and its training. */
export function playgroundControls(el: HTMLElement, value: PlaygroundSettings, onChange: (s: PlaygroundSettings) => void): void {
  const state = { ...value };
  const wire = <K extends keyof PlaygroundSettings>(key: K, input: HTMLElement & { value: PlaygroundSettings[K] }) => {
    input.addEventListener('input', () => {
      state[key] = input.value;
      onChange({ ...state });
    });
    return field(`own.${key}`, input);
  };
  const range = (key: 'hidden' | 'epochs' | 'seed', label: string, [lo, hi]: [number, number]) => {
    const input = Inputs.range([lo, hi], { label, value: value[key], step: 1 });
    nameSlider(input, label);
    return wire(key, input);
  };
  el.replaceChildren(
    group('data', wire('dataset', Inputs.select(Object.keys(datasets) as DatasetName[], { label: 'data set', value: value.dataset, format: (d) => `${d}: ${datasets[d].title}` }))),
    group('network 2 → hidden → 1',
      range('hidden', 'hidden units', [1, PLAYGROUND_MAX_HIDDEN]),
      wire('activation', Inputs.select(['tanh', 'relu', 'sigmoid'] as Activation[], { label: 'activation', value: value.activation })),
      wire('loss', Inputs.select(['bce_with_logits', 'mse'] as PlaygroundSettings['loss'][], { label: 'loss', value: value.loss, format: (l) => (l === 'mse' ? 'mse on a sigmoid output' : 'bce_with_logits') }))),
    group('training',
      wire('optimizer', Inputs.select(Object.keys(OPTIMIZER_CHOICES) as PlaygroundSettings['optimizer'][], { label: 'optimizer', value: value.optimizer, format: (o) => (o === 'momentum' ? 'SGD with momentum 0.9' : o === 'sgd' ? 'SGD' : 'Adam') })),
      wire('lr', Inputs.select(PLAYGROUND_LEARNING_RATES.includes(value.lr) ? PLAYGROUND_LEARNING_RATES : [...PLAYGROUND_LEARNING_RATES, value.lr].sort((a, b) => a - b), { label: 'learning rate', value: value.lr })),
      range('epochs', 'epochs', [1, PLAYGROUND_MAX_EPOCHS]),
      range('seed', 'seed', [0, 100])),
  );
}
