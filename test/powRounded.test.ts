// Adam's bias corrections need βᵗ as C's pow() rounds it (Python's float **,
// which torch.optim.Adam uses). The expected values were printed by Python 3
// (`b ** k`) on this machine.

import { describe, expect, it } from 'vitest';
import { adamScalars, powRounded } from '../src/optimizer.ts';

describe('powRounded(b, k)', () => {
  it('powRounded(b, k) equals Python\'s b ** k bit for bit', () => {
    const python: [number, number, number][] = [
      [0.9, 1, 0.9],
      [0.9, 59, 0.0019966781110160375],
      [0.9, 300, 1.873927703884808e-14],
      [0.999, 2, 0.998001],
      [0.999, 100, 0.9047921471137089],
      [0.999, 1200, 0.3010134290933991],
      [0.75, 7, 0.13348388671875],
      [0.5, 1000, 9.332636185032189e-302],
    ];
    for (const [b, k, want] of python) expect(powRounded(b, k), `${b} ** ${k}`).toBe(want);
  });

  it('adamScalars(lr, betas, t) at t = 100: lr / (1 − 0.9¹⁰⁰) and √(1 − 0.999¹⁰⁰) from Python\'s powers', () => {
    const s = adamScalars(0.01, [0.9, 0.999], 100);
    // Python: 0.9 ** 100 = 2.6561398887587544e-05.
    expect(s.stepSize).toBe(0.01 / (1 - 2.6561398887587544e-5));
    expect(s.bc2Sqrt).toBe(Math.sqrt(1 - 0.9047921471137089));
  });
});
