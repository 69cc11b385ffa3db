// Config validation: every bad input is one ConfigError line that starts with
// the field it is about; good input comes back with the defaults filled in.

import { describe, expect, it } from 'vitest';
import { ARTICLE, ConfigError, MAX_EPOCHS, normalizeConfig, parseConfig } from '../src/config.ts';

const ok = { layers: [1, 2, 2, 1], x: [1], y: [1], lr: 0.01, epochs: 2 };
const params = { w1: 1, w2: 1, w3: 1, w4: 1, w5: 1, w6: 1, w7: 1, w8: 1, b1: 0, b2: 0, b3: 0, b4: 0, b5: 0 };
const without = <T extends object>(o: T, key: keyof T) => Object.fromEntries(Object.entries(o).filter(([k]) => k !== key));

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
    // non-finite numbers (JSON cannot hold them, objects can)
    ['lr NaN', { ...ok, lr: NaN }, 'lr'],
    ['lr Infinity', { ...ok, lr: Infinity }, 'lr'],
    ['x[0] NaN', { ...ok, x: [NaN] }, 'x[0]'],
    ['y[0] -Infinity', { ...ok, y: [-Infinity] }, 'y[0]'],
    ['epochs Infinity', { ...ok, epochs: Infinity }, 'epochs'],
    ['epochs NaN', { ...ok, epochs: NaN }, 'epochs'],
    ['a layer NaN', { ...ok, layers: [1, NaN, 1] }, 'layers[1]'],
    ['init.params.w3 NaN', { ...ok, init: { params: { ...params, w3: NaN } } }, 'init.params.w3'],
    ['init.params.b5 Infinity', { ...ok, init: { params: { ...params, b5: Infinity } } }, 'init.params.b5'],
    ['init.torchSeed Infinity', { ...ok, init: { torchSeed: Infinity } }, 'init.torchSeed'],
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
    ['an unknown loss', { ...ok, loss: 'cross_entropy' }, 'loss'],
    ['an unknown dtype', { ...ok, dtype: 'float16' }, 'dtype'],
    ['a capitalised activation', { ...ok, activation: 'ReLU' }, 'activation'],
  ])('%s: ConfigError starting with the field', (_what, raw, field) => {
    expect(outcome(() => normalizeConfig(raw))).toEqual(failsAt(field));
  });

  it('fills in the defaults: relu, identity output, squared_error, float32, torchSeed 0 (fused)', () => {
    expect(normalizeConfig(ok)).toEqual(ARTICLE);
  });

  it('fills in init.rounding when only torchSeed is given', () => {
    expect(normalizeConfig({ ...ok, init: { torchSeed: 7 } }).init).toEqual({ torchSeed: 7, rounding: 'fused' });
  });

  it.each([
    ['epochs 0', { ...ok, epochs: 0 }],
    ['epochs 1 000 000', { ...ok, epochs: MAX_EPOCHS }],
    ['a tiny lr', { ...ok, lr: 1e-300 }],
    ['explicit parameters', { ...ok, init: { params } }],
    ['a seed of 2^32 + 5', { ...ok, init: { torchSeed: 2 ** 32 + 5, rounding: 'portable' } }],
    ['two layers', { ...ok, layers: [3, 2], x: [1, 2, 3], y: [0, 1] }],
  ])('accepts %s', (_what, raw) => {
    expect(outcome(() => normalizeConfig(raw))).toHaveProperty('value');
  });

  it('keeps explicit parameters in network order, whatever order they were given in', () => {
    const reversed = Object.fromEntries(Object.entries(params).reverse());
    expect(Object.keys((normalizeConfig({ ...ok, init: { params: reversed } }).init as { params: object }).params)).toEqual(Object.keys(params));
  });

  it('ConfigError is an Error named ConfigError', () => {
    const e = new ConfigError('lr: must be > 0');
    expect([e instanceof Error, e.name]).toEqual([true, 'ConfigError']);
  });
});
