// trace(config): what a run records, and the bounds counted before it starts.

import { describe, expect, it } from 'vitest';
import { ConfigError, normalizeConfig } from '../src/config.ts';
import { MAX_TRACE_NUMBERS } from '../src/limits.ts';
import { trace } from '../src/trace.ts';

describe('trace(config) bounds', () => {
  it('trace(1,000,000 epochs of the article net) is refused before any work, quoting the count and the bound', () => {
    const config = normalizeConfig({ layers: [1, 2, 2, 1], x: [1], y: [1], lr: 0.01, epochs: 1_000_000 });
    const started = Date.now();
    expect(() => trace(config)).toThrow(ConfigError);
    expect(() => trace(config)).toThrow(`at most ${MAX_TRACE_NUMBERS.toLocaleString('en-US')} are allowed`);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('trace(a 1-150-150-1 net) leaves the finite differences out and says why in notes', () => {
    const t = trace(normalizeConfig({ layers: [1, 150, 150, 1], x: [1], y: [1], lr: 0.01, epochs: 1 }));
    expect(t.notes).toEqual([expect.stringMatching(/^finite differences left out: 1 steps × 2 × 23,101 parameters/)]);
    expect(t.steps[0]!.grads.numeric).toEqual({});
    expect(Object.keys(t.steps[0]!.grads.backprop)).toHaveLength(23_101);
  });

  it('normalizeConfig(a batch of 1,000 samples through 2,101 parameters) is refused: the batch graph would pass 2,000,000 pairs', () => {
    const x = Array.from({ length: 1000 }, (_, i) => [i / 1000]);
    const y = x.map(([v]) => [v! * 2]);
    expect(() => normalizeConfig({ layers: [1, 1000, 1], x, y, lr: 0.01, epochs: 1 })).toThrow(/^batchSize: 1,000 samples × 3,001 parameters = 3,001,000 in one batch's graph; at most 2,000,000/);
  });
});

describe('trace(config, {every})', () => {
  const config = normalizeConfig({ layers: [2, 3, 1], activation: 'tanh', loss: 'mse', x: [[0, 1], [1, 0], [1, 1], [0, 0], [0.5, 0.5]], y: [[1], [1], [0], [0], [1]], batchSize: 2, lr: 0.1, epochs: 7 });
  const all = trace(config, { numeric: false });
  const some = trace(config, { numeric: false, every: 4 });

  it('records every 4th step and the last, each equal to the full trace\'s', () => {
    expect(some.every).toBe(4);
    expect(some.steps.map((s) => s.step)).toEqual([4, 8, 12, 16, 20, 21]);
    expect(some.steps).toEqual(all.steps.filter((s) => s.step % 4 === 0 || s.step === 21));
  });

  it("records every 4th epoch's summary and the last, with the mean loss over all of the epoch's steps", () => {
    expect(some.epochs).toEqual(all.epochs.filter((e) => e.epoch % 4 === 0 || e.epoch === 7));
    expect(some.final).toEqual(all.final);
  });

  it('lets a million-epoch run through the document bound that refuses it whole', () => {
    const million = normalizeConfig({ layers: [1, 2, 2, 1], x: [1], y: [1], lr: 0.01, epochs: 1_000_000 });
    expect(() => trace({ ...million, epochs: 1_000_000 }, { every: 1 })).toThrow(/--every N/);
  });
});
