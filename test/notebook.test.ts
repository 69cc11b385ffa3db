// @vitest-environment jsdom
// The article notebook (notebooks/article.html) headless: the Notebook Kit
// file deserialized, each cell transpiled and run on @observablehq/runtime in
// jsdom by the editor's Session, with the page's builtins only.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deserialize } from '@observablehq/notebook-kit';
import { afterEach, describe, expect, it } from 'vitest';
import { Session } from '../notebooks/editor/session.ts';
import { DEFAULT_INPUT, PAGE_DEFAULTS } from '../notebooks/steps.ts';
import { checkInput, notShown, PAGE_PRESETS, rawInputOf, type RawInput } from '../notebooks/cells/input.ts';
import { FIGURE_1 } from '../notebooks/cells/combination.ts';
import { fromHash, toHash, type PageState } from '../notebooks/cells/hash.ts';
import { epochDetails, networkOf, trace } from '../src/trace.ts';
import { paramsAt, train } from '../notebooks/cells/training.ts';
import { ARTICLE, normalizeConfig, type Config } from '../src/config.ts';
import { preset } from '../src/presets.ts';
import { num } from '../notebooks/cells/format.ts';
import { PLAYGROUND_DEFAULTS, playgroundConfig, type PlaygroundSettings } from '../notebooks/cells/playground.ts';
import xorFixture from '../fixtures/pytorch/xor.json' with { type: 'json' };

const ARTICLE_FILE = readFileSync(join(import.meta.dirname, '../notebooks/article.html'), 'utf8');

/** The cells' names that hold data (the article's cell graph); views and inputs are checked in Chromium. */
const CELLS = [
  'coefficients', 'combination', 'activations', 'diagram',
  'input', 'checked', 'config', 'summary',
  'forward', 'derivatives', 'gradients', 'sgd', 'loss', 'trajectories',
  'sliceParam', 'slice', 'download', 'upload', 'checkReport',
  'net', 'training', 'selectedEpoch', 'epoch', 'data', 'params', 'detail', 'fixture', 'pytorch', 'workbook',
] as const;

type State = { value: unknown } | { error: string };
const sessions: Session[] = [];
// jsdom has no canvas; vega measures text without one.
HTMLCanvasElement.prototype.getContext = () => null;
afterEach(() => {
  for (const s of sessions.splice(0)) s.dispose();
});

/** The article running headless; `runs` counts how often each named cell was computed. */
function notebook() {
  const runs = new Map<string, number>();
  const root = document.createElement('main');
  document.body.append(root);
  const names = new Map<number, string[]>();
  const session: Session = new Session(deserialize(ARTICLE_FILE), root, {
    done(id) {
      for (const n of names.get(id) ?? []) runs.set(n, (runs.get(n) ?? 0) + 1);
    },
  });
  for (const e of session.entries) names.set(e.cell.id, e.defined.names);
  sessions.push(session);
  // The controls are @observablehq/inputs forms, which jsdom cannot host: the
  // input cells get plain values instead, as the controls would report them.
  // The URL is shared by the tests in this file: every notebook starts from the defaults.
  session.main.redefine('page', [], () => ({ state: structuredClone(PAGE_DEFAULTS) }));
  session.main.redefine('form', [], () => document.createElement('div'));
  session.main.redefine('input', [], () => structuredClone(DEFAULT_INPUT));
  session.main.redefine('coefficients', [], () => ({ ...FIGURE_1 }));
  session.main.redefine('ownForm', [], () => document.createElement('div'));
  session.main.redefine('ownSettings', [], () => ({ ...PLAYGROUND_DEFAULTS }));
  const states = new Map<string, State>();
  /** Waits until every named cell has settled, and records its value or error. */
  const settled = async () => {
    for (const n of CELLS) {
      try {
        states.set(n, { value: await session.main.value(n) });
      } catch (e) {
        states.set(n, { error: String((e as Error)?.message ?? e) });
      }
    }
  };
  return { main: session.main, session, states, runs, settled };
}

const value = (states: Map<string, State>, name: string): any => {
  const s = states.get(name);
  if (!s || !('value' in s)) throw new Error(`${name} has no value: ${JSON.stringify(s)}`);
  return s.value;
};

const withX = (x: string): RawInput => ({ ...structuredClone(DEFAULT_INPUT), x: [x] });

describe('the article notebook', () => {
  it('article.html computes the article: loss 2.8952391 at epoch 1, PyTorch recorded, every method agreeing', async () => {
    const { states, settled } = notebook();
    await settled();
    expect(value(states, 'summary')).toMatchObject({ epoch: 1, epochs: 2, loss: '2.8952391', yhat: ['-0.70154023'], lastLoss: '2.7745254', diverged: null });
    const g = value(states, 'gradients');
    expect(g.pytorch).toMatch(/^recorded PyTorch/);
    const nonZero = g.rows.filter((r: any) => r.nonZero).map((r: any) => r.param);
    expect(nonZero).toEqual(['w8', 'b4', 'b5']);
    for (const r of g.rows) {
      // + 0 makes −0 and 0 equal: the recorded PyTorch run writes −0 as 0.
      expect(r.grads.symbolic + 0).toBe(r.grads.backprop + 0);
      expect(r.grads.pytorch + 0).toBe(r.grads.backprop + 0);
      expect(Math.abs(r.grads.workbook - r.grads.backprop)).toBeLessThan(1e-6);
      expect(Math.abs(r.grads.numeric - r.grads.backprop)).toBeLessThan(1e-6);
    }
    for (const name of CELLS) expect(states.get(name), name).toHaveProperty('value');
  });

  it('main.redefine("input") recomputes the cells that depend on it and only those', async () => {
    const { main, states, runs, settled } = notebook();
    await settled();
    const before = Object.fromEntries(runs);
    // Below x ≈ 1.37 both first-layer ReLUs are dead and L does not depend on x.
    main.redefine('input', [], () => withX('2'));
    await settled();
    const recomputed = CELLS.filter((n) => runs.get(n) !== before[n]);
    expect(recomputed).not.toContain('combination');
    expect(recomputed).not.toContain('activations');
    expect(recomputed).toEqual(expect.arrayContaining(['checked', 'config', 'summary', 'forward', 'derivatives', 'gradients', 'sgd', 'loss', 'trajectories', 'slice', 'diagram', 'download']));
    expect(value(states, 'config').x).toEqual([[2]]);
    expect(value(states, 'summary').loss).not.toBe('2.8952391');
    expect(value(states, 'gradients').pytorch).toMatch(/float32 emulation/);
  });

  it('main.redefine("selectedEpoch") moves the per-epoch cells and leaves the training alone', async () => {
    const { main, states, runs, settled } = notebook();
    await settled();
    const before = Object.fromEntries(runs);
    main.redefine('selectedEpoch', [], () => 2);
    await settled();
    expect(value(states, 'summary')).toMatchObject({ epoch: 2, loss: '2.7745254' });
    expect(runs.get('training')).toBe(before.training);
    expect(runs.get('trajectories')).toBe(before.trajectories);
    expect(runs.get('derivatives')).toBe(before.derivatives! + 1);
  });

  it('a bad input is reported by "checked" and "config" keeps the last good configuration', async () => {
    const { main, states, settled } = notebook();
    main.redefine('input', [], () => withX('0.5'));
    await settled();
    const good = value(states, 'summary').loss;
    main.redefine('input', [], () => ({ ...withX('3'), lr: '-1' }));
    await settled();
    expect(value(states, 'checked')).toEqual({ errors: [{ field: 'lr', message: 'learning rate: must be a number > 0, got -1' }] });
    expect(value(states, 'config').x).toEqual([[0.5]]);
    expect(value(states, 'summary').loss).toBe(good);
  });

  it('an error in one cell stays in that cell', async () => {
    const { main, states, session, settled } = notebook();
    await settled();
    main.redefine('coefficients', [], () => {
      throw new Error('no coefficients');
    });
    main.redefine('input', [], () => withX('2'));
    await settled();
    expect(states.get('coefficients')).toEqual({ error: 'no coefficients' });
    expect(states.get('combination')).toEqual({ error: 'no coefficients' });
    expect(session.entries.find((e) => e.defined.names.includes('combination'))!.out.textContent).toBe('no coefficients');
    expect(value(states, 'config').x).toEqual([[2]]);
    expect(value(states, 'summary').loss).toMatch(/^\d/);
  });

  it('a diverging run says "diverged at epoch k" and still renders', async () => {
    const { main, states, settled } = notebook();
    main.redefine('input', [], () => ({ ...structuredClone(DEFAULT_INPUT), lr: '1e30', epochs: '50' }));
    await settled();
    const config: Config = value(states, 'config');
    const reference = trace(config, { numeric: false });
    const summary = value(states, 'summary');
    expect(summary.diverged).toMatch(new RegExp(`^diverged at epoch ${reference.epochs.length}: `));
    expect(summary.epochs).toBe(reference.epochs.length);
    for (const name of CELLS) expect(states.get(name), name).toHaveProperty('value');
  });
});

describe('the article notebook with bias flags', () => {
  it('main.redefine("input") with bias [true, false, true]: no b3, b4; every cell computes and the methods agree', async () => {
    const { main, states, settled } = notebook();
    main.redefine('input', [], () => ({ ...withX('2'), bias: [true, false, true] }));
    await settled();
    for (const name of CELLS) expect(states.get(name), name).toHaveProperty('value');
    const config: Config = value(states, 'config');
    expect(config.bias).toEqual([true, false, true]);
    const g = value(states, 'gradients');
    expect(g.rows.map((r: any) => r.param)).toEqual(['w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7', 'w8', 'b1', 'b2', 'b3']);
    for (const r of g.rows) {
      expect(r.grads.symbolic).toBe(r.grads.backprop);
      expect(Math.abs(r.grads.workbook - r.grads.backprop)).toBeLessThan(1e-6);
      expect(Math.abs(r.grads.numeric - r.grads.backprop)).toBeLessThan(1e-6);
    }
    const reference = epochDetails(trace(config, { numeric: false }))[0]!;
    expect(value(states, 'summary').loss).toBe(num(reference.loss));
    // The second layer's units have no bias; the diagram says so instead of naming one.
    expect(value(states, 'diagram')).toContain('z3 = ');
    expect(value(states, 'diagram')).toMatch(/unit 3: z3 = [^<]*, no bias/);
  });
});

describe('the upload cell', () => {
  it('main.redefine("upload") checks the workbook: xlgrad\'s own passes, a changed formula is the first mismatch', async () => {
    const { buildWorkbook } = await import('../src/workbook/buildWorkbook.ts');
    const ExcelJS = (await import('exceljs')).default;
    const good = await buildWorkbook(ARTICLE);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(good as unknown as ArrayBuffer);
    // The cell named dL_dw8_e1, wherever the layout puts it.
    const [range] = wb.definedNames.getRanges('dL_dw8_e1').ranges;
    const at = /^'?(.+?)'?!\$?([A-Z]+)\$?(\d+)$/.exec(range!)!;
    const cell = wb.getWorksheet(at[1]!)!.getCell(`${at[2]}${at[3]}`);
    expect(cell.formula).toBe('dL_dz5_e1*a4_e1');
    cell.value = { formula: 'dL_dz5_e1*a3_e1', result: 0 } as never;
    const bad = new Uint8Array(await wb.xlsx.writeBuffer());

    const { main, states, settled } = notebook();
    await settled();
    expect(value(states, 'checkReport')).toBe(null);
    const verdict = async (name: string, bytes: Uint8Array) => {
      main.redefine('upload', [], () => ({ name, bytes }));
      await settled();
      const r = value(states, 'checkReport');
      return { error: r.error, mismatches: r.report?.mismatches, first: r.report?.first?.key };
    };
    expect(await verdict('article.xlsx', good)).toEqual({ error: undefined, mismatches: 0, first: undefined });
    expect(await verdict('tampered.xlsx', bad)).toMatchObject({ error: undefined, first: 'dL_dw8_e1' });
    expect(await verdict('notes.txt', new TextEncoder().encode('hello'))).toMatchObject({ error: expect.stringContaining('notes.txt') });
  });
});

describe('train(net, config)', () => {
  it.each([
    ['article', ARTICLE],
    ['article for 300 epochs', { ...ARTICLE, epochs: 300 }],
    ['kink', preset('kink')],
    ['tanh-half float64 for 40 epochs', { ...preset('tanh-half'), dtype: 'float64', epochs: 40 } as Config],
    ['wide-relu', preset('wide-relu')],
    ['tanh-half without the first and last biases', { ...preset('tanh-half'), bias: [false, true, false], epochs: 20 }],
    ['a 2-3-3 cross_entropy net, class 2', normalizeConfig({ layers: [2, 3, 3], loss: 'cross_entropy', x: [0.5, -1], y: [2], lr: 0.1, epochs: 20, init: { torchSeed: 4 } })],
    ['xor: four samples in one batch, SGD with momentum', preset('xor')],
    ['the own-data section\'s default: 32 moons in one batch, Adam', playgroundConfig(PLAYGROUND_DEFAULTS)],
    ['bce_with_logits in float64 drawn in float64', normalizeConfig({ layers: [2, 3, 1], bias: [true, false], activation: 'sigmoid', loss: 'bce_with_logits', x: [1, -0.5], y: [1], lr: 0.5, epochs: 30, dtype: 'float64', init: { torchSeed: 11, draw: 'float64' } })],
  ])('train(net, %s) records the same parameters and losses as trace()', (_, config) => {
    const net = networkOf(config, 1);
    const t = train(net, config);
    const reference = epochDetails(trace(config, { numeric: false }, net));
    expect(Array.from(t.losses)).toEqual(reference.map((e) => e.loss));
    expect(reference.map((e) => paramsAt(t, net, e.epoch))).toEqual(reference.map((e) => e.params));
    expect(paramsAt(t, net, config.epochs + 1)).toEqual(trace(config, { numeric: false }, net).final);
  });

  it('train(net, config) with mini-batches: an epoch\'s loss is the mean of its steps\' losses, as trace() sums them up', () => {
    const config = normalizeConfig({ layers: [1, 2, 1], x: [[1], [2], [-1]], y: [[0], [1], [0.5]], batchSize: 2, lr: 0.1, epochs: 4, init: { torchSeed: 2 } });
    const net = networkOf(config, 1);
    const t = train(net, config);
    const reference = trace(config, { numeric: false });
    expect(Array.from(t.losses)).toEqual(reference.epochs.map((e) => e.loss));
    expect(reference.epochs.map((e) => paramsAt(t, net, e.epoch))).toEqual(reference.epochs.map((e) => e.params));
    expect(paramsAt(t, net, config.epochs + 1)).toEqual(reference.final);
  });
});

describe('notShown(config) and PAGE_PRESETS', () => {
  it('notShown names what the page cannot show: several samples, momentum, weight decay, Adam', () => {
    const base = { layers: [1, 2, 1], x: [1], y: [0], lr: 0.1, epochs: 2 };
    expect(notShown(normalizeConfig(base))).toBeUndefined();
    expect(notShown(normalizeConfig({ ...base, x: [[1], [2]], y: [[0], [1]] }))).toBe('it has 2 samples; the page trains on one');
    const plain = 'the page shows plain SGD (no momentum, weight decay or Adam)';
    expect(notShown(normalizeConfig({ ...base, optimizer: { name: 'sgd', momentum: 0.9 } }))).toBe(plain);
    expect(notShown(normalizeConfig({ ...base, optimizer: { name: 'sgd', weightDecay: 0.01 } }))).toBe(plain);
    expect(notShown(normalizeConfig({ ...base, optimizer: 'adam' }))).toBe(plain);
    expect(() => rawInputOf(normalizeConfig({ ...base, optimizer: 'adam' }))).toThrow(`rawInputOf: ${plain}`);
  });

  it('PAGE_PRESETS lists the article and the other one-sample SGD presets, each one the page can show', () => {
    expect(PAGE_PRESETS.slice(0, 2)).toEqual(['article', 'article-float64']);
    expect(PAGE_PRESETS).toEqual(expect.arrayContaining(['kink', 'deep-tanh', 'wide-relu']));
    for (const name of PAGE_PRESETS) expect(checkInput(rawInputOf(preset(name), name)).config, name).toEqual(preset(name));
  });
});

describe('checkInput(raw)', () => {
  const article = () => rawInputOf(ARTICLE, 'article');
  it.each([
    ['x', { x: [''] }, 'x.0', 'x: is empty; type a number'],
    ['x', { x: ['abc'] }, 'x.0', 'x: must be a number, got "abc"'],
    ['y', { y: ['1e400'] }, 'y.0', 'y: 1e400 is too large for a double; must be a finite number'],
    ['lr', { lr: '0' }, 'lr', 'learning rate: must be a number > 0, got 0'],
    ['epochs', { epochs: '-3' }, 'epochs', 'epochs: must be a whole number from 1 to 5,000, got -3'],
    ['epochs', { epochs: '2.5' }, 'epochs', 'epochs: must be a whole number from 1 to 5,000, got 2.5'],
    ['epochs', { epochs: '6000' }, 'epochs', 'epochs: at most 5,000 on the page, got 6,000; use the CLI (`xlgrad run`) for more'],
    ['seed', { seed: '1.5' }, 'seed', 'seed: must be an integer between -2^53 and 2^53, got 1.5'],
    // 3 × (64·64 + 64) + 64 + 1 = 12,545 parameters.
    ['network', { layers: [64, 64, 64, 64, 1], bias: [true, true, true, true], x: Array(64).fill('1') }, 'layers', 'layers: 64-64-64-64-1 has 12,545 parameters; at most 400 on the page; use the CLI (`xlgrad run`) for more'],
  ])('checkInput rejects a bad %s with one message at that input', (_, change, field, message) => {
    expect(checkInput({ ...article(), ...change } as RawInput)).toEqual({ errors: [{ field, message }] });
  });

  it('checkInput(rawInputOf(config)) gives the config back, for every preset', () => {
    for (const name of ['article', 'kink', 'deep-tanh', 'wide-relu']) {
      const config = preset(name);
      expect(checkInput(rawInputOf(config, name)).config).toEqual(config);
    }
  });

  it('checkInput(rawInputOf(config)) gives the config back with bias flags, a float64 draw and portable rounding', () => {
    const seeded = normalizeConfig({ layers: [2, 3, 1], bias: [false, true], activation: 'tanh', x: [0.5, 1], y: [2], lr: 0.05, epochs: 3, dtype: 'float64', init: { torchSeed: 5, draw: 'float64', rounding: 'portable' } });
    expect(checkInput(rawInputOf(seeded)).config).toEqual(seeded);
    const explicit = normalizeConfig({ layers: [1, 2, 1], bias: [true, false], x: [1], y: [0], lr: 0.1, epochs: 1, init: { params: { w1: 0.5, w2: -1, w3: 2, w4: 0.25, b1: 0.125, b2: -0.5 } } });
    expect(rawInputOf(explicit).weights).toEqual({ w1: '0.5', w2: '-1', w3: '2', w4: '0.25', b1: '0.125', b2: '-0.5' });
    expect(checkInput(rawInputOf(explicit)).config).toEqual(explicit);
  });

  it('checkInput reads explicit weights, and names a bad one', () => {
    const raw = rawInputOf(preset('kink'), 'kink');
    expect(checkInput(raw).config?.init).toEqual(preset('kink').init);
    expect(checkInput({ ...raw, weights: { ...raw.weights, w3: 'x' } }).errors).toEqual([{ field: 'weights.w3', message: 'w3: must be a number, got "x"' }]);
  });
});

describe('toHash(state) and fromHash(hash)', () => {
  const defaults: PageState = { input: rawInputOf(ARTICLE, 'article'), coefficients: FIGURE_1, epoch: 1, slice: 'w8' };

  it('fromHash(toHash(state)) gives the state back', () => {
    const state: PageState = { input: { ...rawInputOf(preset('kink'), 'kink'), x: ['0.25'] }, coefficients: { ...FIGURE_1, w1: 2 }, epoch: 2, slice: 'b5' };
    expect(toHash(state)).toMatch(/^#preset=kink&layers=1-2-2-1&/);
    expect(fromHash(toHash(state), defaults)).toEqual({ state });
    expect(fromHash(toHash(defaults), defaults)).toEqual({ state: defaults });
  });

  it('toHash writes bias, draw and rounding only when they differ from the defaults, and fromHash reads them back', () => {
    const config = normalizeConfig({ ...ARTICLE, bias: [false, true, true], dtype: 'float64', init: { torchSeed: 0, draw: 'float64', rounding: 'portable' } });
    const input = rawInputOf(config, 'custom');
    const state: PageState = { input, coefficients: FIGURE_1, epoch: 1, slice: 'w8' };
    const hash = toHash(state);
    expect(hash).toMatch(/&bias=0-1-1&/);
    expect(hash).toMatch(/&rounding=portable&draw=float64&/);
    expect(toHash(defaults)).not.toMatch(/bias=|draw=|rounding=/);
    expect(fromHash(hash, defaults)).toEqual({ state });
    const kink = preset('kink');
    const params = { ...(kink.init as { params: Record<string, number> }).params };
    // Without layer 2's biases, the output unit's bias (b5 of the kink preset) is b3.
    params.b3 = params.b5!;
    delete params.b4;
    delete params.b5;
    const weights: PageState = { ...state, input: rawInputOf(normalizeConfig({ ...kink, bias: [true, false, true], init: { params } }), 'custom') };
    expect(toHash(weights)).toMatch(/&w=1%2C0\.5%2C-0\.25%2C1%2C0\.5%2C-0\.5%2C0\.5%2C2%2C-1%2C0\.25%2C0\.25&/);
    expect(fromHash(toHash(weights), defaults)).toEqual({ state: weights });
  });

  it.each([
    ['#x=1&bogus=2', 'unknown setting "bogus"'],
    ['#layers=1-2-2-1&bias=1-0&x=1&y=1', 'bias must be 3 flags 0 or 1 joined by -, one per Linear layer, got "1-0"'],
    ['#preset=article&layers=1-2-2-1&x=1,2&y=1', 'x must have 1 value, got 2'],
    ['#layers=banana', 'layers must look like 1-2-2-1, got "banana"'],
    ['#layers=64-64-64-64-1&x=1&y=1', 'layers: 64-64-64-64-1 has 12,545 parameters; at most 400 on the page; use the CLI (`xlgrad run`) for more'],
    ['#preset=article&layers=1-2-2-1&x=1&y=1&lr=-1&epochs=2', 'learning rate: must be a number > 0, got -1'],
  ])('fromHash(%j) keeps the defaults for what it cannot use and says why', (hash, why) => {
    expect(fromHash(hash, defaults)).toEqual({ state: defaults, error: `Part of the link could not be used (${why}); the page shows the default for it and keeps the rest.` });
  });

  it('toHash writes the own-data settings only when they differ from the defaults, and fromHash reads them back', () => {
    const withOwn: PageState = { ...defaults, own: PLAYGROUND_DEFAULTS };
    expect(toHash(withOwn)).not.toContain('own=');
    const rings: PageState = { ...defaults, own: { ...PLAYGROUND_DEFAULTS, dataset: 'rings', hidden: 3, lr: 0.3 } };
    expect(toHash(rings)).toMatch(/&own=rings%2C3%2Ctanh%2Cbce_with_logits%2Cadam%2C0\.3%2C300%2C1$/);
    expect(fromHash(toHash(rings), withOwn)).toEqual({ state: rings });
  });

  it('toHash writes the loss chart\'s log scale only when chosen (log=1), and fromHash reads it back', () => {
    expect(toHash(defaults)).not.toContain('log=');
    const log: PageState = { ...defaults, logLoss: true };
    expect(toHash(log)).toMatch(/&log=1$/);
    expect(fromHash(toHash(log), defaults)).toEqual({ state: log });
    expect(fromHash(`${toHash(defaults)}&log=0`, defaults)).toEqual({ state: defaults });
    expect(fromHash(`${toHash(defaults)}&log=yes`, defaults)).toEqual({
      state: defaults,
      error: 'Part of the link could not be used (log must be 0 or 1 (the loss chart\'s scale), got "yes"); the page shows the default for it and keeps the rest.',
    });
  });

  it('fromHash with own-data settings the section refuses keeps the default settings and says why', () => {
    const withOwn: PageState = { ...defaults, own: PLAYGROUND_DEFAULTS };
    expect(fromHash(`${toHash(defaults)}&own=moons,16,tanh,mse,sgd,0.1,2000,1`, withOwn)).toEqual({
      state: withOwn,
      error: 'Part of the link could not be used (own: epochs: 32 samples × 2,000 epochs × 65 parameters is 4,160,000; at most 2,000,000 on the page (fewer epochs or hidden units, or the CLI)); the page shows the default for it and keeps the rest.',
    });
    expect(fromHash(`${toHash(defaults)}&own=moons,6`, withOwn).error).toContain('own must be 8 values joined by commas (dataset,hidden,activation,loss,optimizer,lr,epochs,seed), got "moons,6"');
  });

  it('fromHash keeps the usable parts of a link: a bad learning rate and draw leave x, epochs and the seed as linked', () => {
    const { state, error } = fromHash('#layers=1-2-2-1&x=0.5&y=2&lr=abc&epochs=7&seed=3&draw=float16&epoch=4', defaults);
    expect(state).toEqual({ ...defaults, input: { ...defaults.input, preset: 'custom', x: ['0.5'], y: ['2'], epochs: '7', seed: '3' }, epoch: 4 });
    expect(error).toBe('Part of the link could not be used (draw must be float32 or float64, got "float16"; learning rate: must be a number, got "abc"); the page shows the defaults for those and keeps the rest.');
  });

  it('fromHash on a network too big for the page builds no parameter names and keeps the other settings', () => {
    // 4,999 Linear layers of 64 · 64 + 64 parameters.
    const layers = Array(5000).fill(64).join('-');
    const { state, error } = fromHash(`#layers=${layers}&x=1&y=1&lr=0.5&epochs=3`, defaults);
    expect(state.input).toEqual({ ...defaults.input, lr: '0.5', epochs: '3' });
    expect(error).toMatch(/^Part of the link could not be used \(layers: 64-64-64-64-64-64-64-64-64-64-64-64-6\.\.\. has 20,795,840 parameters; at most 400 on the page/);
  });
});

describe('the own-data section', () => {
  /** The section's cells once settled, after `settings` (default: the page's). */
  async function section(settings?: PlaygroundSettings) {
    const { main } = notebook();
    if (settings) main.redefine('ownSettings', [], () => settings);
    const [config, training, params, boundary] = await Promise.all(['ownConfig', 'ownTraining', 'ownParams', 'boundary'].map((n) => main.value(n)));
    return { config, training, params, boundary } as any;
  }

  it('set to the xor preset\'s settings, ownTraining reaches PyTorch\'s recorded loss at step 100', async () => {
    const xor = { dataset: 'xor', hidden: 2, activation: 'sigmoid', loss: 'mse', optimizer: 'momentum', lr: 1, epochs: 100, seed: 1 } as const;
    const { config, training, params } = await section(xor);
    expect(config).toMatchObject({ ...preset('xor'), init: { torchSeed: 1 } });
    const recorded = xorFixture.steps.map((s) => s.loss);
    expect(recorded).toHaveLength(100);
    // The fixture's step k is epoch k (one batch of all four samples); float32 as PyTorch rounds it.
    expect(Math.abs(training.losses[0] - recorded[0]!)).toBeLessThan(1e-7);
    expect(Math.abs(training.losses[99] - recorded[99]!)).toBeLessThan(1e-6);
    for (const [p, v] of Object.entries(xorFixture.final)) expect(Math.abs(params[p] - v), p).toBeLessThan(1e-5);
  });

  it('the default moons run: ownParams equal trace()\'s final parameters', async () => {
    const { config, params } = await section();
    const t = trace(config, { numeric: false });
    for (const [p, v] of Object.entries(t.final)) expect(Math.abs(params[p] - v), p).toBeLessThan(1e-5);
  });

  it('boundary\'s p(class 1) is the trained network\'s output, as trace() computes it at the same point', async () => {
    const { config, params, boundary } = await section();
    const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
    const at = (x1: number, x2: number) => {
      // One sample at (x1, x2) forward through the trained parameters: trace() records its output yhat1.
      const t = trace({ ...config, x: [[x1, x2]], y: [[0]], batchSize: 1, epochs: 1, init: { params } }, { numeric: false });
      return sigmoid(t.steps[0]!.nodes[0]!.yhat1!);
    };
    const { cells, size } = boundary;
    expect(cells).toHaveLength(40 * 40);
    for (const k of [0, size - 1, 20 * size + 7, size * size - 1]) {
      const c = cells[k];
      expect(Math.abs(c.p - at((c.x1 + c.x1end) / 2, (c.x2 + c.x2end) / 2)), `cell ${k}`).toBeLessThan(1e-6);
    }
    for (const d of boundary.points.slice(0, 3)) expect(Math.abs(d.p - at(d.x1, d.x2))).toBeLessThan(1e-6);
  });

  it('an ownSettings past the page\'s bound: ownChecked names the control and the bound, ownConfig keeps the last valid one', async () => {
    const { main } = notebook();
    const before = await main.value('ownConfig');
    main.redefine('ownSettings', [], () => ({ ...PLAYGROUND_DEFAULTS, hidden: 16, epochs: 2000 }));
    expect(await main.value('ownChecked')).toEqual({
      errors: [{ field: 'own.epochs', message: 'epochs: 32 samples × 2,000 epochs × 65 parameters is 4,160,000; at most 2,000,000 on the page (fewer epochs or hidden units, or the CLI)' }],
    });
    expect(await main.value('ownConfig')).toEqual(before);
    main.redefine('ownSettings', [], () => ({ ...PLAYGROUND_DEFAULTS, hidden: 3 }));
    expect((await main.value('ownConfig')).layers).toEqual([2, 3, 1]);
  });
});
