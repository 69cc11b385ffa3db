// Config validation: every bad input is one ConfigError line that starts with
// the field it is about and says what is allowed; good input (v1 or v2) comes
// back in the v2 shape with the defaults filled in. Every expected value below
// is written out by hand.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as config from '../src/config.ts';
import { ARTICLE, ConfigError, LOSSES, MAX_EPOCHS, normalizeConfig, OPTIMIZERS, parseConfig } from '../src/config.ts';
import { parseCsv, type CsvShape } from '../src/csv.ts';
import * as limits from '../src/limits.ts';

const ok = { layers: [1, 2, 2, 1], x: [1], y: [1], lr: 0.01, epochs: 2 };
const params = { w1: 1, w2: 1, w3: 1, w4: 1, w5: 1, w6: 1, w7: 1, w8: 1, b1: 0, b2: 0, b3: 0, b4: 0, b5: 0 };
const without = <T extends object>(o: T, key: keyof T) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== key));
/** The v2 example: XOR, four samples, one full batch. */
const xor = { layers: [2, 2, 1], x: [[0, 0], [0, 1], [1, 0], [1, 1]], y: [[0], [1], [1], [0]], lr: 1, epochs: 100 };
const plainSgd = { name: 'sgd', momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 };
const plainAdam = { name: 'adam', betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 };

/** What a call does, as plain data: its value, or the error's class, field and line count. */
function outcome(f: () => unknown): unknown {
  try {
    return { value: f() };
  } catch (e) {
    const { message } = e as Error;
    return { error: (e as Error).constructor.name, field: message.slice(0, message.indexOf(':')), lines: message.split('\n').length };
  }
}
const failsAt = (field: string) => ({ error: 'ConfigError', field, lines: 1 });

/** The error a call throws, as plain data: its class and its whole message. */
function refusal(f: () => unknown): { error: string; message: string } | 'accepted' {
  try {
    f();
    return 'accepted';
  } catch (e) {
    return { error: (e as Error).constructor.name, message: (e as Error).message };
  }
}
const refused = (message: string) => ({ error: 'ConfigError', message });

describe('parseConfig(text)', () => {
  it.each([
    ['{', 'config'],
    ['', 'config'],
    ['{"layers": [1, 2, 1], }', 'config'],
    ['[1, 2]', 'config'],
    ['null', 'config'],
    ['"article"', 'config'],
    ['{"layers": [1, 2, 1], "x": [1], "y": [1], "lr": 0.1, "epochs": 1, "epoch": 3}', 'epoch'],
    ['{"layers": [1, 2, 1], "x": [1], "y": [1], "lr": 1e999, "epochs": 1}', 'lr'],
  ])('parseConfig(%j) throws a ConfigError about %s', (text, field) => {
    expect(outcome(() => parseConfig(text))).toEqual(failsAt(field));
  });

  it('parseConfig(JSON.stringify(ARTICLE)) is ARTICLE', () => {
    expect(parseConfig(JSON.stringify(ARTICLE))).toEqual(ARTICLE);
  });

  it('parseConfig(text with "data", {readData}) reads the samples from the CSV file it names', () => {
    const text = '{"layers": [2, 1], "data": "xor.csv", "lr": 0.5, "epochs": 3}';
    const got = parseConfig(text, { readData: (path) => (path === 'xor.csv' ? 'x1,x2,y1\n0,1,1\n1,1,0\n' : '') });
    expect([got.x, got.y, got.batchSize]).toEqual([[[0, 1], [1, 1]], [[1], [0]], 2]);
  });
});

describe('ARTICLE', () => {
  it('ARTICLE is the article run in the v2 shape', () => {
    expect(ARTICLE).toEqual({
      layers: [1, 2, 2, 1], bias: [true, true, true], activation: 'relu', outputActivation: 'identity', loss: 'squared_error',
      x: [[1]], y: [[1]], batchSize: 1, lr: 0.01, optimizer: plainSgd, epochs: 2, dtype: 'float32',
      init: { torchSeed: 0, rounding: 'fused', draw: 'float32' },
    });
  });

  it('OPTIMIZERS and LOSSES list the v2 names', () => {
    expect([OPTIMIZERS, LOSSES]).toEqual([['sgd', 'adam'], ['squared_error', 'mse', 'half_squared_error', 'cross_entropy', 'bce_with_logits']]);
  });
});

describe('normalizeConfig(value)', () => {
  it.each<[string, unknown, string]>([
    // not an object, unknown keys, missing keys
    ['an array', [ok], 'config'],
    ['a number', 3, 'config'],
    ['an unknown key', { ...ok, learningRate: 0.1 }, 'learningRate'],
    ['a misspelt key', { ...ok, activations: 'relu' }, 'activations'],
    ['no layers', without(ok, 'layers'), 'layers'],
    ['no x', without(ok, 'x'), 'x'],
    ['no y', without(ok, 'y'), 'y'],
    ['no lr', without(ok, 'lr'), 'lr'],
    ['no epochs', without(ok, 'epochs'), 'epochs'],
    // wrong types
    ['layers as a string', { ...ok, layers: '1,2,1' }, 'layers'],
    ['a layer as a string', { ...ok, layers: [1, '2', 1] }, 'layers[1]'],
    ['x as a number', { ...ok, x: 1 }, 'x'],
    ['x holding a string', { ...ok, x: ['1'] }, 'x[0]'],
    ['y holding null', { ...ok, y: [null] }, 'y[0]'],
    ['lr as a string', { ...ok, lr: '0.01' }, 'lr'],
    ['epochs as a string', { ...ok, epochs: '2' }, 'epochs'],
    ['activation as a number', { ...ok, activation: 1 }, 'activation'],
    ['dtype as a boolean', { ...ok, dtype: true }, 'dtype'],
    ['init as a number', { ...ok, init: 0 }, 'init'],
    ['init.params as an array', { ...ok, init: { params: [1, 2] } }, 'init.params'],
    ['init.torchSeed as a string', { ...ok, init: { torchSeed: '0' } }, 'init.torchSeed'],
    ['init with an unknown key', { ...ok, init: { torchSeed: 0, seed: 1 } }, 'init'],
    ['init with both params and torchSeed', { ...ok, init: { params, torchSeed: 0 } }, 'init'],
    ['an unknown init.rounding', { ...ok, init: { torchSeed: 0, rounding: 'avx512' } }, 'init.rounding'],
    ['bias as a string', { ...ok, bias: 'yes' }, 'bias'],
    ['batchSize as a string', { ...ok, batchSize: '1' }, 'batchSize'],
    ['optimizer as a number', { ...ok, optimizer: 1 }, 'optimizer'],
    // non-finite numbers (JSON cannot hold them, objects can)
    ['lr NaN', { ...ok, lr: NaN }, 'lr'],
    ['lr Infinity', { ...ok, lr: Infinity }, 'lr'],
    ['x[0] NaN', { ...ok, x: [NaN] }, 'x[0]'],
    ['y[0] -Infinity', { ...ok, y: [-Infinity] }, 'y[0]'],
    ['x[0][0] NaN in a list of samples', { ...ok, x: [[NaN]], y: [[1]] }, 'x[0][0]'],
    ['epochs Infinity', { ...ok, epochs: Infinity }, 'epochs'],
    ['epochs NaN', { ...ok, epochs: NaN }, 'epochs'],
    ['a layer NaN', { ...ok, layers: [1, NaN, 1] }, 'layers[1]'],
    ['init.params.w3 NaN', { ...ok, init: { params: { ...params, w3: NaN } } }, 'init.params.w3'],
    ['init.params.b5 Infinity', { ...ok, init: { params: { ...params, b5: Infinity } } }, 'init.params.b5'],
    ['init.torchSeed Infinity', { ...ok, init: { torchSeed: Infinity } }, 'init.torchSeed'],
    ['optimizer.momentum Infinity', { ...ok, optimizer: { name: 'sgd', momentum: Infinity } }, 'optimizer.momentum'],
    ['optimizer.eps NaN', { ...ok, optimizer: { name: 'adam', eps: NaN } }, 'optimizer.eps'],
    // layers
    ['one layer', { ...ok, layers: [1], y: [1] }, 'layers'],
    ['no layers at all', { ...ok, layers: [] }, 'layers'],
    ['a zero layer', { ...ok, layers: [1, 0, 1] }, 'layers[1]'],
    ['a negative layer', { ...ok, layers: [1, -2, 1] }, 'layers[1]'],
    ['a fractional layer', { ...ok, layers: [1, 2.5, 1] }, 'layers[1]'],
    ['a huge layer', { ...ok, layers: [1, 1e6, 1] }, 'layers[1]'],
    ['too many parameters', { ...ok, layers: [1, 1000, 1000, 1] }, 'layers'],
    // data sizes
    ['x longer than layers[0]', { ...ok, x: [1, 2] }, 'x'],
    ['x empty', { ...ok, x: [] }, 'x'],
    ['y longer than the output layer', { ...ok, y: [1, 2] }, 'y'],
    ['y too short for two outputs', { ...ok, layers: [1, 2], y: [1] }, 'y'],
    // lr
    ['lr 0', { ...ok, lr: 0 }, 'lr'],
    ['lr negative', { ...ok, lr: -0.01 }, 'lr'],
    // epochs
    ['epochs fractional', { ...ok, epochs: 1.5 }, 'epochs'],
    ['epochs negative', { ...ok, epochs: -1 }, 'epochs'],
    ['epochs over 1 000 000', { ...ok, epochs: MAX_EPOCHS + 1 }, 'epochs'],
    // explicit parameters
    ['a missing parameter', { ...ok, init: { params: without(params, 'w8') } }, 'init.params'],
    ['an extra parameter', { ...ok, init: { params: { ...params, w9: 1 } } }, 'init.params'],
    ['no parameters', { ...ok, init: { params: {} } }, 'init.params'],
    // names from fixed lists
    ['an unknown activation', { ...ok, activation: 'gelu' }, 'activation'],
    ['an unknown outputActivation', { ...ok, outputActivation: 'softmax' }, 'outputActivation'],
    ['an unknown loss', { ...ok, loss: 'hinge' }, 'loss'],
    ['an unknown dtype', { ...ok, dtype: 'float16' }, 'dtype'],
    ['a capitalised activation', { ...ok, activation: 'ReLU' }, 'activation'],
    ['an unknown optimizer', { ...ok, optimizer: { name: 'rmsprop' } }, 'optimizer.name'],
  ])('%s: ConfigError starting with the field', (_what, raw, field) => {
    expect(outcome(() => normalizeConfig(raw))).toEqual(failsAt(field));
  });

  it('normalizeConfig(v1 article config) fills in the defaults: relu, identity output, squared_error, bias everywhere, one full batch, plain SGD, float32, torchSeed 0 (fused, drawn in float32)', () => {
    expect(normalizeConfig(ok)).toEqual({
      layers: [1, 2, 2, 1], bias: [true, true, true], activation: 'relu', outputActivation: 'identity', loss: 'squared_error',
      x: [[1]], y: [[1]], batchSize: 1, lr: 0.01, optimizer: plainSgd, epochs: 2, dtype: 'float32',
      init: { torchSeed: 0, rounding: 'fused', draw: 'float32' },
    });
    expect(normalizeConfig(ok)).toEqual(ARTICLE);
  });

  it('normalizeConfig(the v2 example) keeps every given value, in the normalised key order', () => {
    const v2 = {
      layers: [2, 2, 1], bias: true, activation: 'sigmoid', outputActivation: 'sigmoid', loss: 'mse',
      x: [[0, 0], [0, 1], [1, 0], [1, 1]], y: [[0], [1], [1], [0]], batchSize: 4, lr: 1.0,
      optimizer: { name: 'sgd', momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 0 },
      epochs: 100, dtype: 'float32', init: { torchSeed: 1, draw: 'float32' },
    };
    const got = normalizeConfig(v2);
    expect(got).toEqual({
      layers: [2, 2, 1], bias: [true, true], activation: 'sigmoid', outputActivation: 'sigmoid', loss: 'mse',
      x: [[0, 0], [0, 1], [1, 0], [1, 1]], y: [[0], [1], [1], [0]], batchSize: 4, lr: 1,
      optimizer: { name: 'sgd', momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 0 },
      epochs: 100, dtype: 'float32', init: { torchSeed: 1, rounding: 'fused', draw: 'float32' },
    });
    expect(Object.keys(got)).toEqual(['layers', 'bias', 'activation', 'outputActivation', 'loss', 'x', 'y', 'batchSize', 'lr', 'optimizer', 'epochs', 'dtype', 'init']);
  });

  it('normalizeConfig({... init: {torchSeed: 7}}) fills in rounding fused and draw = the dtype', () => {
    expect(normalizeConfig({ ...ok, init: { torchSeed: 7 } }).init).toEqual({ torchSeed: 7, rounding: 'fused', draw: 'float32' });
    expect(normalizeConfig({ ...ok, dtype: 'float64', init: { torchSeed: 7 } }).init).toEqual({ torchSeed: 7, rounding: 'fused', draw: 'float64' });
    expect(normalizeConfig({ ...ok, dtype: 'float64' }).init).toEqual({ torchSeed: 0, rounding: 'fused', draw: 'float64' });
  });

  it('normalizeConfig({... dtype: "float64", init: {torchSeed, draw: "float32"}}) keeps the given draw', () => {
    expect(normalizeConfig({ ...ok, dtype: 'float64', init: { torchSeed: 3, rounding: 'portable', draw: 'float32' } }).init).toEqual({ torchSeed: 3, rounding: 'portable', draw: 'float32' });
  });

  it.each([
    ['epochs 0', { ...ok, epochs: 0 }],
    ['epochs 1 000 000', { ...ok, epochs: MAX_EPOCHS }],
    ['a tiny lr', { ...ok, lr: 1e-300 }],
    ['explicit parameters', { ...ok, init: { params } }],
    ['a seed of 2^32 + 5', { ...ok, init: { torchSeed: 2 ** 32 + 5, rounding: 'portable' } }],
    ['two layers', { ...ok, layers: [3, 2], x: [1, 2, 3], y: [0, 1] }],
    ['a list of one sample', { ...ok, x: [[1]], y: [[1]] }],
    ['cross_entropy over one output', { ...ok, layers: [1, 1], loss: 'cross_entropy', y: [0] }],
    ['bce_with_logits targets 0, 0.25 and 1', { ...ok, layers: [1, 1], loss: 'bce_with_logits', x: [[1], [2], [3]], y: [[0], [0.25], [1]] }],
    ['nesterov with momentum', { ...ok, optimizer: { name: 'sgd', momentum: 0.9, nesterov: true } }],
    ['Adam betas of 0', { ...ok, optimizer: { name: 'adam', betas: [0, 0] } }],
  ])('normalizeConfig accepts %s', (_what, raw) => {
    expect(outcome(() => normalizeConfig(raw))).toHaveProperty('value');
  });

  it('normalizeConfig({... init: {params}}) keeps explicit parameters in network order, whatever order they were given in', () => {
    const reversed = Object.fromEntries(Object.entries(params).reverse());
    expect(Object.keys((normalizeConfig({ ...ok, init: { params: reversed } }).init as { params: object }).params)).toEqual(Object.keys(params));
  });

  it('ConfigError is an Error named ConfigError', () => {
    const e = new ConfigError('lr: must be > 0');
    expect([e instanceof Error, e.name]).toEqual([true, 'ConfigError']);
  });
});

describe('normalizeConfig: required keys and echoed input', () => {
  it.each<[string, unknown, string]>([
    ['no x', without(xor, 'x'), 'x: is required (the input of each sample), unless "data" names a CSV file'],
    ['no y', without(xor, 'y'), 'y: is required (the target of each sample), unless "data" names a CSV file'],
    ['a key with a newline', { ...xor, 'bad\nkey': 1 }, '"bad\\nkey": unknown key (allowed: layers, bias, activation, outputActivation, loss, x, y, data, batchSize, lr, optimizer, epochs, dtype, init)'],
    ['an activation with a line separator and a C1 control', { ...xor, activation: 're\u2028lu\u0085' }, 'activation: must be one of relu, sigmoid, tanh, identity; got "re\\u2028lu\\u0085"'],
    ['an activation with an escape sequence', { ...xor, activation: '\u001b[2J' }, 'activation: must be one of relu, sigmoid, tanh, identity; got "\\u001b[2J"'],
    ['lr NaN', { ...xor, lr: NaN }, 'lr: must be a finite number, got NaN'],
  ])('normalizeConfig(%s) throws one escaped line', (_what, raw, message) => {
    expect(refusal(() => normalizeConfig(raw))).toEqual(refused(message));
  });
});

describe('normalizeConfig: bias', () => {
  it.each<[string, unknown, boolean[]]>([
    ['absent', undefined, [true, true]],
    ['true', true, [true, true]],
    ['false', false, [false, false]],
    ['[false, true]', [false, true], [false, true]],
  ])('normalizeConfig({... bias: %s}) is one flag per Linear layer', (_what, bias, expected) => {
    expect(normalizeConfig({ ...xor, bias }).bias).toEqual(expected);
  });

  it.each<[string, unknown, string]>([
    ['"yes"', 'yes', 'bias: must be true, false or an array of 2 booleans (one per Linear layer, layers.length − 1 = 2), got "yes"'],
    ['[true]', [true], 'bias: must have 2 booleans (one per Linear layer, layers.length − 1 = 2), got 1'],
    ['[true, 1]', [true, 1], 'bias[1]: must be true or false, got 1'],
  ])('normalizeConfig({... bias: %s}) is refused', (_what, bias, message) => {
    expect(refusal(() => normalizeConfig({ ...xor, bias }))).toEqual(refused(message));
  });

  const weights = { w1: 1, w2: 2, w3: 3, w4: 4, w5: 5, w6: 6 };
  it('normalizeConfig({... bias: [false, true]}) numbers biases over the layers that have them: b1 is the output layer\'s', () => {
    const got = normalizeConfig({ ...xor, bias: [false, true], init: { params: { ...weights, b1: 0.5 } } });
    expect(got.init).toEqual({ params: { w1: 1, w2: 2, w3: 3, w4: 4, w5: 5, w6: 6, b1: 0.5 } });
  });

  it.each<[string, unknown, Record<string, number>, string]>([
    ['[true, false] given b3', [true, false], { ...weights, b1: 0, b2: 0, b3: 0 },
      'init.params: unknown parameter b3 (layers [2,2,1] with bias [true,false] have w1…w6, b1, b2; bias[1] is false: Linear layer 2 has no bias)'],
    ['false given b1', false, { ...weights, b1: 0 },
      'init.params: unknown parameter b1 (layers [2,2,1] with bias [false,false] have w1…w6 and no biases; bias[0], bias[1] are false: Linear layers 1, 2 have no bias)'],
    ['[false, true] missing b1', [false, true], weights,
      'init.params: missing b1 (layers [2,2,1] with bias [false,true] need 7 parameters: w1…w6, b1)'],
  ])('normalizeConfig({... bias: %s}) refuses the params in one line', (_what, bias, given, message) => {
    expect(refusal(() => normalizeConfig({ ...xor, bias, init: { params: given } }))).toEqual(refused(message));
  });
});

describe('normalizeConfig: samples x and y', () => {
  it('normalizeConfig({... x: [0, 1], y: [1]}) reads one flat sample as a list of one', () => {
    expect(normalizeConfig({ ...xor, x: [0, 1], y: [1] })).toMatchObject({ x: [[0, 1]], y: [[1]], batchSize: 1 });
  });

  it('normalizeConfig(cross_entropy, y: [[2], [0]]) keeps class indices as one number per sample', () => {
    const got = normalizeConfig({ ...xor, layers: [2, 3], loss: 'cross_entropy', x: [[0, 1], [1, 0]], y: [[2], [0]] });
    expect([got.y, got.loss, got.outputActivation]).toEqual([[[2], [0]], 'cross_entropy', 'identity']);
    expect(normalizeConfig({ ...xor, layers: [2, 3], loss: 'cross_entropy', x: [0, 1], y: [2] }).y).toEqual([[2]]);
  });

  const ce = { ...xor, layers: [2, 2, 3], loss: 'cross_entropy' };
  it.each<[string, unknown, string]>([
    ['a sample of 3 inputs', { ...xor, x: [[0, 0], [0, 1], [1, 0], [1, 1, 1]] }, 'x[3]: must have 2 numbers (one per input unit, layers[0] = 2), got 3'],
    ['a sample that is a number', { ...xor, x: [[0, 0], 5, [1, 0], [1, 1]] }, 'x[1]: must be an array of 2 numbers (one per input unit, layers[0] = 2), got 5'],
    ['a string inside a sample', { ...xor, x: [[0, 0], [0, 'a'], [1, 0], [1, 1]] }, 'x[1][1]: must be a finite number, got "a"'],
    ['x a number', { ...xor, x: 1 }, 'x: must be one sample ([x1, x2]) or an array of samples ([[x1, x2], …]), got 1'],
    ['x empty', { ...xor, x: [] }, 'x: must be one sample ([x1, x2]) or an array of samples ([[x1, x2], …]) with at least one sample, got []'],
    ['a flat x too long', { ...xor, x: [0, 1, 1], y: [1] }, 'x: must have 2 numbers (one per input unit, layers[0] = 2), got 3'],
    ['three targets for four inputs', { ...xor, y: [[0], [1], [1]] }, 'y: must have as many samples as x (4), got 3'],
    ['a flat y for four inputs', { ...xor, y: [0] }, 'y: must have as many samples as x (4), got 1'],
    ['a sample of 2 targets', { ...xor, y: [[0], [1], [1], [0, 1]] }, 'y[3]: must have 1 number (one per output unit, layers[2] = 1), got 2'],
    ['a fractional class', { ...ce, y: [[0], [1.5], [2], [0]] }, 'y[1][0]: must be a class index, an integer from 0 to 2 (cross_entropy over 3 outputs), got 1.5'],
    ['a class past the outputs', { ...ce, y: [[0], [3], [2], [0]] }, 'y[1][0]: must be a class index, an integer from 0 to 2 (cross_entropy over 3 outputs), got 3'],
    ['a negative class', { ...ce, y: [[-1], [1], [2], [0]] }, 'y[0][0]: must be a class index, an integer from 0 to 2 (cross_entropy over 3 outputs), got -1'],
    ['a flat class past the outputs', { ...ce, x: [0, 1], y: [3] }, 'y[0]: must be a class index, an integer from 0 to 2 (cross_entropy over 3 outputs), got 3'],
    ['one-hot targets', { ...ce, y: [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]] }, 'y[0]: must have 1 number (the class index, for cross_entropy), got 3'],
    ['a bare class index', { ...ce, x: [0, 1], y: 2 }, 'y: must be one sample ([class index]) or an array of samples ([[class index], …]), got 2'],
    ['a bce target of 1.5', { ...xor, loss: 'bce_with_logits', y: [[0], [1], [1.5], [0]] }, 'y[2][0]: must be a probability from 0 to 1 (bce_with_logits targets), got 1.5'],
    ['a bce target of -0.5', { ...xor, loss: 'bce_with_logits', y: [[-0.5], [1], [1], [0]] }, 'y[0][0]: must be a probability from 0 to 1 (bce_with_logits targets), got -0.5'],
  ])('normalizeConfig(%s) is refused', (_what, raw, message) => {
    expect(refusal(() => normalizeConfig(raw))).toEqual(refused(message));
  });
});

describe('normalizeConfig: loss and outputActivation', () => {
  it.each<[string, string, string]>([
    ['cross_entropy', 'sigmoid', 'outputActivation: must be identity with loss cross_entropy, which applies softmax to the raw outputs itself (as torch.nn.CrossEntropyLoss does); got "sigmoid"'],
    ['bce_with_logits', 'sigmoid', 'outputActivation: must be identity with loss bce_with_logits, which applies the sigmoid to the raw outputs itself (as torch.nn.BCEWithLogitsLoss does); got "sigmoid"'],
    ['bce_with_logits', 'tanh', 'outputActivation: must be identity with loss bce_with_logits, which applies the sigmoid to the raw outputs itself (as torch.nn.BCEWithLogitsLoss does); got "tanh"'],
  ])('normalizeConfig({loss: %s, outputActivation: %s}) is refused', (loss, outputActivation, message) => {
    expect(refusal(() => normalizeConfig({ ...xor, loss, outputActivation }))).toEqual(refused(message));
  });

  it('normalizeConfig({loss: "bce_with_logits"}) defaults outputActivation to identity', () => {
    expect(normalizeConfig({ ...xor, loss: 'bce_with_logits' }).outputActivation).toBe('identity');
  });
});

describe('normalizeConfig: batchSize', () => {
  it('normalizeConfig({... no batchSize}) uses every sample in one batch', () => {
    expect(normalizeConfig(xor).batchSize).toBe(4);
  });

  it('normalizeConfig({... batchSize: 3}) keeps it', () => {
    expect(normalizeConfig({ ...xor, batchSize: 3 }).batchSize).toBe(3);
  });

  it.each<[unknown, string]>([
    [0, 'batchSize: must be an integer from 1 to 4 (the number of samples), got 0'],
    [5, 'batchSize: must be an integer from 1 to 4 (the number of samples), got 5'],
    [1.5, 'batchSize: must be an integer from 1 to 4 (the number of samples), got 1.5'],
    ['2', 'batchSize: must be an integer from 1 to 4 (the number of samples), got "2"'],
  ])('normalizeConfig({... batchSize: %j}) is refused', (batchSize, message) => {
    expect(refusal(() => normalizeConfig({ ...xor, batchSize }))).toEqual(refused(message));
  });
});

describe('normalizeConfig: optimizer', () => {
  it.each<[string, unknown, unknown]>([
    ['absent', undefined, plainSgd],
    ['"sgd"', 'sgd', plainSgd],
    ['"adam"', 'adam', plainAdam],
    ['{name: "sgd", momentum: 0.9}', { name: 'sgd', momentum: 0.9 }, { name: 'sgd', momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 0 }],
    ['{name: "sgd", nesterov: true, momentum: 0.5, weightDecay: 0.01}', { name: 'sgd', nesterov: true, momentum: 0.5, weightDecay: 0.01 }, { name: 'sgd', momentum: 0.5, dampening: 0, nesterov: true, weightDecay: 0.01 }],
    ['{name: "adam", eps: 1e-6}', { name: 'adam', eps: 1e-6 }, { name: 'adam', betas: [0.9, 0.999], eps: 1e-6, weightDecay: 0 }],
    ['{name: "adam", betas: [0.8, 0.99], weightDecay: 0.1}', { name: 'adam', betas: [0.8, 0.99], weightDecay: 0.1 }, { name: 'adam', betas: [0.8, 0.99], eps: 1e-8, weightDecay: 0.1 }],
  ])('normalizeConfig({... optimizer: %s}) fills the missing fields with PyTorch\'s defaults', (_what, optimizer, expected) => {
    expect(normalizeConfig({ ...xor, optimizer }).optimizer).toEqual(expected);
  });

  it.each<[string, unknown, string]>([
    ['"rmsprop"', 'rmsprop', 'optimizer: must be "sgd", "adam" or an object such as {"name": "sgd", "momentum": 0.9}, got "rmsprop"'],
    ['{momentum: 0.9}', { momentum: 0.9 }, 'optimizer.name: is required (one of sgd, adam)'],
    ['{name: "rmsprop"}', { name: 'rmsprop' }, 'optimizer.name: must be one of sgd, adam; got "rmsprop"'],
    ['sgd with betas', { name: 'sgd', betas: [0.9, 0.99] }, 'optimizer.betas: unknown key for sgd (allowed: name, momentum, dampening, nesterov, weightDecay)'],
    ['adam with momentum', { name: 'adam', momentum: 0.9 }, 'optimizer.momentum: unknown key for adam (allowed: name, betas, eps, weightDecay)'],
    ['a negative momentum', { name: 'sgd', momentum: -0.1 }, 'optimizer.momentum: must be a finite number ≥ 0, got -0.1'],
    ['a NaN dampening', { name: 'sgd', dampening: NaN }, 'optimizer.dampening: must be a finite number ≥ 0, got NaN'],
    ['a negative sgd weightDecay', { name: 'sgd', weightDecay: -1 }, 'optimizer.weightDecay: must be a finite number ≥ 0, got -1'],
    ['a negative adam weightDecay', { name: 'adam', weightDecay: -1 }, 'optimizer.weightDecay: must be a finite number ≥ 0, got -1'],
    ['nesterov "yes"', { name: 'sgd', momentum: 0.9, nesterov: 'yes' }, 'optimizer.nesterov: must be true or false, got "yes"'],
    ['nesterov without momentum', { name: 'sgd', nesterov: true }, 'optimizer.nesterov: needs momentum > 0 and dampening = 0 (as torch.optim.SGD requires), got momentum 0'],
    ['nesterov with dampening', { name: 'sgd', nesterov: true, momentum: 0.9, dampening: 0.1 }, 'optimizer.nesterov: needs momentum > 0 and dampening = 0 (as torch.optim.SGD requires), got dampening 0.1'],
    ['nesterov with neither', { name: 'sgd', nesterov: true, dampening: 0.5 }, 'optimizer.nesterov: needs momentum > 0 and dampening = 0 (as torch.optim.SGD requires), got momentum 0 and dampening 0.5'],
    ['one beta', { name: 'adam', betas: [0.9] }, 'optimizer.betas: must be two numbers, each from 0 up to but not including 1, got [0.9]'],
    ['a beta of 1', { name: 'adam', betas: [0.9, 1] }, 'optimizer.betas[1]: must be a number from 0 up to but not including 1, got 1'],
    ['a negative beta', { name: 'adam', betas: [-0.1, 0.999] }, 'optimizer.betas[0]: must be a number from 0 up to but not including 1, got -0.1'],
    ['eps 0', { name: 'adam', eps: 0 }, 'optimizer.eps: must be a finite number > 0, got 0'],
  ])('normalizeConfig({... optimizer: %s}) is refused', (_what, optimizer, message) => {
    expect(refusal(() => normalizeConfig({ ...xor, optimizer }))).toEqual(refused(message));
  });
});

describe('normalizeConfig: init', () => {
  it.each<[string, unknown, string]>([
    ['an unknown draw', { torchSeed: 0, draw: 'float16' }, 'init.draw: must be one of float32, float64; got "float16"'],
    ['an unknown key beside torchSeed', { torchSeed: 0, seed: 1 }, 'init: unknown key "seed" (allowed: torchSeed, rounding, draw)'],
  ])('normalizeConfig({... init: %s}) is refused', (_what, init, message) => {
    expect(refusal(() => normalizeConfig({ ...xor, init }))).toEqual(refused(message));
  });

  it('normalizeConfig({... init: {params} without w8}) names what is missing and what the layers need', () => {
    expect(refusal(() => normalizeConfig({ ...ok, init: { params: without(params, 'w8') } }))).toEqual(refused('init.params: missing w8 (layers [1,2,2,1] need 13 parameters: w1…w8, b1…b5)'));
  });
});

describe('normalizeConfig: limits', () => {
  it('config.ts re-exports the limits of limits.ts, which hold the specified bounds', () => {
    expect([config.MAX_EPOCHS, config.MAX_UNITS, config.MAX_PARAMS, config.MAX_DATA_CELLS, config.MAX_WORK]).toEqual([1_000_000, 1024, 100_000, 1_000_000, 2e10]);
    expect([limits.MAX_EPOCHS, limits.MAX_UNITS, limits.MAX_PARAMS, limits.MAX_DATA_CELLS, limits.MAX_WORK]).toEqual([1_000_000, 1024, 100_000, 1_000_000, 2e10]);
  });

  it('normalizeConfig(a hundred 1,024-unit layers) is refused at once, counting 99 × (1024 × 1024 + 1024) parameters', () => {
    const start = performance.now();
    const got = refusal(() => normalizeConfig({ ...ok, layers: Array(100).fill(1024) }));
    expect(got).toEqual(refused('layers: [1024,1024,1024,1024,1024,1024,1024,1... has 103,910,400 parameters; at most 100,000 are allowed'));
    expect(performance.now() - start).toBeLessThan(1000);
  });

  // layers [99, 1000, 1]: 99·1000 + 1000·1 = 100,000 weights, plus 1000 + 1 biases.
  const wide = { layers: [99, 1000, 1], x: Array(99).fill(0), y: [1], lr: 0.1, epochs: 2 };
  it('normalizeConfig({layers: [99, 1000, 1]}) counts the biases: 101,001 parameters are refused', () => {
    expect(refusal(() => normalizeConfig(wide))).toEqual(refused('layers: [99,1000,1] has 101,001 parameters; at most 100,000 are allowed'));
    expect(refusal(() => normalizeConfig({ ...wide, bias: [false, true] }))).toEqual(refused('layers: [99,1000,1] with bias [false,true] has 100,001 parameters; at most 100,000 are allowed'));
  });

  it('normalizeConfig({layers: [99, 1000, 1], bias: false}) accepts exactly 100,000 parameters', () => {
    expect(refusal(() => normalizeConfig({ ...wide, bias: false }))).toBe('accepted');
  });

  // layers [1, 1, 1] with biases: 4 parameters; 1,000,000 epochs × 5,000 samples × 4 = 2e10 exactly.
  const tiny = (samples: number) => ({ layers: [1, 1, 1], x: Array.from({ length: samples }, () => [0]), y: Array.from({ length: samples }, () => [0]), lr: 0.1, epochs: 1_000_000 });
  it('normalizeConfig(epochs × samples × parameters = 2e10) is accepted', () => {
    expect(refusal(() => normalizeConfig(tiny(5000)))).toBe('accepted');
  });

  it.each<[string, unknown, string]>([
    ['1,000,000 epochs × 5,001 samples × 4 parameters', tiny(5001), 'epochs: 1,000,000 epochs × 5,001 samples × 4 parameters = 20,004,000,000; at most 20,000,000,000 (epochs × samples × parameters) are allowed'],
    ['1,000,000 epochs × 4 samples × 10,501 parameters', { ...xor, layers: [2, 100, 100, 1], epochs: 1_000_000 }, 'epochs: 1,000,000 epochs × 4 samples × 10,501 parameters = 42,004,000,000; at most 20,000,000,000 (epochs × samples × parameters) are allowed'],
  ])('normalizeConfig(%s) is refused, quoting the product and the bound', (_what, raw, message) => {
    expect(refusal(() => normalizeConfig(raw))).toEqual(refused(message));
  });

  // layers [1, 1]: each sample holds 1 input and 1 target.
  const pairs = (samples: number) => ({ layers: [1, 1], x: Array.from({ length: samples }, () => [0]), y: Array.from({ length: samples }, () => [0]), lr: 0.1, epochs: 1 });
  it('normalizeConfig(500,000 samples of 2 numbers inline) is accepted: 1,000,000 numbers', () => {
    expect(refusal(() => normalizeConfig(pairs(500_000)))).toBe('accepted');
  });

  it('normalizeConfig(500,001 samples of 2 numbers inline) is refused, counting x and y together', () => {
    expect(refusal(() => normalizeConfig(pairs(500_001)))).toEqual(refused('x: 500,001 samples × (1 input + 1 target) = 1,000,002 numbers in x and y; at most 1,000,000 are allowed'));
  });
});

describe('normalizeConfig: data from a CSV file', () => {
  const csv = { layers: [2, 2, 1], data: 'xor.csv', lr: 1, epochs: 10 };
  const files: Record<string, string> = {
    'xor.csv': 'x1,x2,y1\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n',
    'bad.csv': 'x1,x2,y1\n0,0,0\n0,abc,1\n',
    'esc\u001b.csv': 'x1,x2,y1\n0,0,x\n',
  };
  const readData = (path: string) => files[path] ?? '';

  it('normalizeConfig({... data: "xor.csv"}, {readData}) fills x, y and the batch size from the file', () => {
    expect(normalizeConfig(csv, { readData })).toMatchObject({ x: [[0, 0], [0, 1], [1, 0], [1, 1]], y: [[0], [1], [1], [0]], batchSize: 4 });
  });

  it.each<[string, unknown, string]>([
    ['a data file and no reader', csv, 'data: a CSV file is read only when the config comes from a file on the command line; here give the samples inline as "x" and "y"'],
    ['data beside x', { ...csv, x: [[0, 0]] }, 'data: cannot be combined with x and y; give the samples either inline ("x" and "y") or in a CSV file ("data")'],
    ['data as a number', { ...csv, data: 3 }, 'data: must be the path of a CSV file (a string), got 3'],
    ['data as an empty string', { ...csv, data: '' }, 'data: must be the path of a CSV file (a string), got ""'],
  ])('normalizeConfig(%s) is refused', (_what, raw, message) => {
    expect(refusal(() => normalizeConfig(raw))).toEqual(refused(message));
  });

  it.each<[string, string]>([
    ['bad.csv', 'bad.csv line 3, column 2 (x2): must be a number, got "abc"'],
    ['esc\u001b.csv', 'esc\\u001b.csv line 2, column 3 (y1): must be a number, got "x"'],
  ])('normalizeConfig({... data: %j}, {readData}) throws the CSV problem as a ConfigError', (data, message) => {
    expect(refusal(() => normalizeConfig({ ...csv, data }, { readData }))).toEqual(refused(message));
  });

  it('readConfigFile(path) reads "data" relative to the config file\'s folder', async () => {
    const { readConfigFile } = await import('../src/cli/args.ts');
    const dir = mkdtempSync(join(tmpdir(), 'xlgrad-config-'));
    writeFileSync(join(dir, 'run.json'), JSON.stringify({ ...csv, data: 'xor.csv' }));
    writeFileSync(join(dir, 'xor.csv'), files['xor.csv']!);
    expect(readConfigFile(join(dir, 'run.json'))).toMatchObject({ x: [[0, 0], [0, 1], [1, 0], [1, 1]], y: [[0], [1], [1], [0]] });
  });
});

describe('parseCsv(text, shape)', () => {
  const xor2: CsvShape = { inputs: 2, outputs: 1, loss: 'mse', file: 'data.csv' };
  const three: CsvShape = { inputs: 2, outputs: 3, loss: 'cross_entropy', file: 'data.csv' };
  const csvRefusal = (text: string, shape: CsvShape) => refusal(() => parseCsv(text, shape, (m) => new ConfigError(m)));

  it('parseCsv("x1,x2,y1\\n…") reads one sample per row', () => {
    expect(parseCsv('x1,x2,y1\n0,0,0\n0,1,1\n1,0,1\n1,1,0\n', xor2)).toEqual({ x: [[0, 0], [0, 1], [1, 0], [1, 1]], y: [[0], [1], [1], [0]] });
  });

  it('parseCsv(columns in any order, spaces, CRLF) places each column by its name', () => {
    expect(parseCsv(' y1 , x2,x1\r\n1, 0 ,0.5\r\n0,1,2\r\n', xor2)).toEqual({ x: [[0.5, 0], [2, 1]], y: [[1], [0]] });
  });

  it('parseCsv(a byte-order mark, then blank trailing lines) ignores both', () => {
    expect(parseCsv('\uFEFFx1,x2,y1\n1,2,3\n\n   \n', xor2)).toEqual({ x: [[1, 2]], y: [[3]] });
  });

  it('parseCsv(numbers as spreadsheets write them) reads signs, exponents and bare points', () => {
    expect(parseCsv('x1,x2,y1\n-.5,+2.,1e-3\n', xor2)).toEqual({ x: [[-0.5, 2]], y: [[0.001]] });
  });

  it('parseCsv(cross_entropy) reads a single y1 column of class indices', () => {
    expect(parseCsv('x1,x2,y1\n0,0,2\n1,1,0\n', three)).toEqual({ x: [[0, 0], [1, 1]], y: [[2], [0]] });
  });

  it('parseCsv(a bad cell, no file name, no fail) throws an Error naming "data"', () => {
    expect(refusal(() => parseCsv('x1,y1\nz,1\n', { inputs: 1, outputs: 1, loss: 'mse' }))).toEqual({ error: 'Error', message: 'data line 2, column 1 (x1): must be a number, got "z"' });
  });

  it.each<[string, string, CsvShape, string]>([
    ['an empty file', '', xor2, 'data.csv: is empty; it needs a header row naming x1, x2, y1 (layers[0] = 2 inputs, 1 output) and one row per sample'],
    ['only a byte-order mark and blank lines', '\uFEFF\n\n', xor2, 'data.csv: is empty; it needs a header row naming x1, x2, y1 (layers[0] = 2 inputs, 1 output) and one row per sample'],
    ['no header', '0,0,0\n1,1,1\n', xor2, 'data.csv line 1: must be a header row naming the columns x1, x2, y1 (layers[0] = 2 inputs, 1 output), got "0,0,0"'],
    ['an unknown column', 'x1,x2,z1\n0,0,0\n', xor2, 'data.csv line 1, column 3: unknown column "z1" (the columns are x1, x2, y1: layers[0] = 2 inputs, 1 output)'],
    ['one-hot columns for cross_entropy', 'x1,x2,y1,y2,y3\n0,0,1,0,0\n', three, 'data.csv line 1, column 4: unknown column "y2" (the columns are x1, x2, y1: layers[0] = 2 inputs, y1 the class index for cross_entropy)'],
    ['a column twice', 'x1,x2,x1,y1\n0,0,0,0\n', xor2, 'data.csv line 1, column 3: column x1 appears twice (also column 1)'],
    ['a missing column', 'x1,y1\n0,0\n', xor2, 'data.csv line 1: missing column x2 (the columns are x1, x2, y1: layers[0] = 2 inputs, 1 output)'],
    ['no rows', 'x1,x2,y1\n', xor2, 'data.csv: has a header but no samples; after line 1 it needs one row per sample'],
    ['a short row', 'x1,x2,y1\n0,0,0\n0,1\n', xor2, 'data.csv line 3: has 2 cells, the header has 3 (x1, x2, y1)'],
    ['a long row', 'x1,x2,y1\n0,0,0,0\n', xor2, 'data.csv line 2: has 4 cells, the header has 3 (x1, x2, y1)'],
    ['a blank line between samples', 'x1,x2,y1\n0,0,0\n\n1,1,0\n', xor2, 'data.csv line 3: blank line between samples (only blank lines at the end are ignored)'],
    ['a word on line 7', 'y1,x1,x2\n0,0,0\n1,0,1\n1,1,0\n0,1,1\n0,0,0\n1,0,abc\n', xor2, 'data.csv line 7, column 3 (x2): must be a number, got "abc"'],
    ['an empty cell', 'x1,x2,y1\n0,,1\n', xor2, 'data.csv line 2, column 2 (x2): must be a number, got ""'],
    ['a hexadecimal number', 'x1,x2,y1\n0x10,0,1\n', xor2, 'data.csv line 2, column 1 (x1): must be a number, got "0x10"'],
    ['Infinity spelt out', 'x1,x2,y1\n0,Infinity,1\n', xor2, 'data.csv line 2, column 2 (x2): must be a number, got "Infinity"'],
    ['a number too large for a double', 'x1,x2,y1\n0,1e999,1\n', xor2, 'data.csv line 2, column 2 (x2): must be a finite number, got "1e999"'],
    ['an escape sequence in a cell', 'x1,x2,y1\n\u001b[31m,0,1\n', xor2, 'data.csv line 2, column 1 (x1): must be a number, got "\\u001b[31m"'],
    ['a class past the outputs', 'x1,x2,y1\n0,0,3\n', three, 'data.csv line 2, column 3 (y1): must be a class index, an integer from 0 to 2 (cross_entropy over 3 outputs), got "3"'],
    ['a fractional class', 'x1,x2,y1\n0,0,1\n0,0,0.5\n', three, 'data.csv line 3, column 3 (y1): must be a class index, an integer from 0 to 2 (cross_entropy over 3 outputs), got "0.5"'],
    ['a bce target of 2', 'x1,x2,y1\n0,0,2\n', { ...xor2, loss: 'bce_with_logits' }, 'data.csv line 2, column 3 (y1): must be a probability from 0 to 1 (bce_with_logits targets), got "2"'],
  ])('parseCsv(%s) is refused, naming the line and column', (_what, text, shape, message) => {
    expect(csvRefusal(text, shape)).toEqual(refused(message));
  });

  // One input and one output: two numbers per row.
  const rows = (n: number) => `x1,y1\n${'1,1\n'.repeat(n)}`;
  it('parseCsv(500,000 rows of 2 numbers) is accepted: 1,000,000 numbers', () => {
    expect(parseCsv(rows(500_000), { inputs: 1, outputs: 1, loss: 'mse' }).x.length).toBe(500_000);
  });

  it('parseCsv(500,001 rows of 2 numbers) is refused before any cell is read', () => {
    expect(csvRefusal(rows(500_001), { inputs: 1, outputs: 1, loss: 'mse', file: 'data.csv' })).toEqual(refused('data.csv: 500,001 rows × 2 columns = 1,000,002 numbers; at most 1,000,000 are allowed (x and y together)'));
  });
});
