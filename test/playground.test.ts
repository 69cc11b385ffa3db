// The own-data section's pure helpers: the data sets are fixed by formula, and
// the settings become a config within the page's bounds.

import { describe, expect, it } from 'vitest';
import { datasets } from '../notebooks/cells/datasets.ts';
import { checkPlayground, playgroundConfig, decisionGrid, PLAYGROUND_DEFAULTS } from '../notebooks/cells/playground.ts';
import { networkOf } from '../src/trace.ts';

describe('datasets', () => {
  it('datasets.xor is the four corners with XOR targets', () => {
    expect(datasets.xor.x).toEqual([[0, 0], [0, 1], [1, 0], [1, 1]]);
    expect(datasets.xor.y).toEqual([[0], [1], [1], [0]]);
  });

  it('datasets.moons: 32 points, 16 per class, the first pair at t = 0 on radius 1 − 0.12', () => {
    const { x, y } = datasets.moons;
    expect(x).toHaveLength(32);
    expect(y.filter(([c]) => c === 1)).toHaveLength(16);
    // t = 0, r = 0.88: (r cos t, r sin t) = (0.88, 0) and (1 − r cos t, 0.5 − r sin t) = (0.12, 0.5).
    expect(x.slice(0, 2)).toEqual([[0.88, 0], [0.12, 0.5]]);
    expect(y.slice(0, 2)).toEqual([[0], [1]]);
  });

  it('datasets.rings: 18 outer points of class 0, then 10 inner of class 1; the first at (1.38, 0)', () => {
    const { x, y } = datasets.rings;
    expect(y.map(([c]) => c)).toEqual([...Array(18).fill(0), ...Array(10).fill(1)]);
    expect(x[0]).toEqual([1.38, 0]);
    // Point 18 is the inner ring's first: radius 0.5 − 0.12 at t = 0.
    expect(x[18]).toEqual([0.38, 0]);
  });
});

describe('playgroundConfig', () => {
  it('playgroundConfig(PLAYGROUND_DEFAULTS) is a 2-6-1 tanh net on the moons, one batch, Adam, bce_with_logits on a raw output', () => {
    expect(playgroundConfig(PLAYGROUND_DEFAULTS)).toMatchObject({
      layers: [2, 6, 1], activation: 'tanh', outputActivation: 'identity', loss: 'bce_with_logits', batchSize: 32, lr: 0.05,
      optimizer: { name: 'adam', betas: [0.9, 0.999] }, epochs: 300, dtype: 'float32', init: { torchSeed: 1 },
    });
  });

  it('playgroundConfig with mse puts a sigmoid on the output', () => {
    expect(playgroundConfig({ ...PLAYGROUND_DEFAULTS, loss: 'mse' })).toMatchObject({ outputActivation: 'sigmoid', loss: 'mse' });
  });

  it.each([
    [{ hidden: 0 }, 'hidden units: must be a whole number from 1 to 16, got 0'],
    [{ epochs: 6000 }, 'epochs: must be a whole number from 1 to 5,000 on the page, got 6000'],
    [{ dataset: 'spiral' }, 'dataset: must be one of xor, moons, rings; got "spiral"'],
    [{ optimizer: 'rmsprop' }, 'optimizer: must be one of sgd, momentum, adam; got "rmsprop"'],
    [{ lr: -1 }, 'lr: must be'],
    [{ hidden: 16, epochs: 1000, dataset: 'moons' }, 'epochs: 32 samples × 1,000 epochs × 65 parameters is 2,080,000; at most 2,000,000 on the page'],
  ])('playgroundConfig(%j) is refused: %s', (change, message) => {
    expect(() => playgroundConfig({ ...PLAYGROUND_DEFAULTS, ...change } as never)).toThrow(message);
  });
});

describe('checkPlayground', () => {
  it('checkPlayground puts each refusal at its control: hidden units at own.hidden, a bad lr at own.lr', () => {
    expect(checkPlayground({ ...PLAYGROUND_DEFAULTS, hidden: 17 }).errors).toEqual([{ field: 'own.hidden', message: 'hidden units: must be a whole number from 1 to 16, got 17' }]);
    expect(checkPlayground({ ...PLAYGROUND_DEFAULTS, lr: 0 }).errors).toMatchObject([{ field: 'own.lr', message: expect.stringMatching(/^lr: /) }]);
    expect(checkPlayground(PLAYGROUND_DEFAULTS)).toEqual({ config: playgroundConfig(PLAYGROUND_DEFAULTS), errors: [] });
  });
});

describe('decisionGrid', () => {
  it('decisionGrid spans the data and half a unit around it, and refuses a grid over 60 × 60', () => {
    const config = playgroundConfig({ ...PLAYGROUND_DEFAULTS, dataset: 'xor' });
    const net = networkOf(config, 1);
    const params = Object.fromEntries(net.params.map((p) => [p, 0]));
    const g = decisionGrid(net, config, params, 4);
    expect(g.extent).toEqual([[-0.5, 1.5], [-0.5, 1.5]]);
    expect(g.cells[0]).toMatchObject({ x1: -0.5, x2: -0.5, x1end: 0, x2end: 0 });
    // Every weight and bias 0: the logit is 0 everywhere, p = σ(0) = 0.5, and only class-1 points count as wrong.
    expect(g.cells.every((c) => c.p === 0.5)).toBe(true);
    expect(g.accuracy).toBe(0.5);
    expect(() => decisionGrid(net, config, params, 61)).toThrow('grid: must be a whole number from 2 to 60, got 61');
  });
});
