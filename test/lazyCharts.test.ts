// Charts whose points are computed when the page draws them (or a number is
// read): the loss slice and the parameter trajectories, against PyTorch's numbers.

import { describe, expect, it } from 'vitest';
import article from '../fixtures/pytorch/article.json' with { type: 'json' };
import { ARTICLE } from '../src/config.ts';
import { inputsOf } from '../src/trace.ts';
import { trajectoryChart } from '../notebooks/cells/charts.ts';
import { epochDetail, train } from '../notebooks/cells/training.ts';
import { networkFor, sliceOf } from '../notebooks/steps.ts';

describe('sliceOf(net, params, data, config, detail, param)', () => {
  const net = networkFor()(ARTICLE);
  const params = article.epochs[0]!.params;
  const detail = epochDetail(net, ARTICLE, params);

  it('sliceOf(…, "b4") at the article\'s first epoch: the tangent\'s slope is PyTorch\'s ∂L/∂b4, and the curve passes through PyTorch\'s loss', () => {
    const s = sliceOf(net, params, inputsOf(net, ARTICLE, [0]), ARTICLE, detail, 'b4');
    expect(s.param).toBe('b4');
    expect(s.theta).toBe(params.b4);
    expect(Math.abs(s.gradient - article.epochs[0]!.grads.b4)).toBeLessThan(1e-7);
    const at = s.values.find((p) => p.series === 'L(θ)' && p.theta === params.b4);
    expect(Math.abs(at!.L - article.epochs[0]!.loss)).toBeLessThan(1e-6);
    // b4's unit's ReLU switches within θ ± h: the secant averages two slopes.
    expect(s.kinkNodes).toEqual(['z4']);
    expect(s.secantSlope).not.toBeCloseTo(s.gradient, 3);
  });

  it('sliceOf(…) computes nothing until its points or numbers are read: without the input x1 only reading them fails', () => {
    const s = sliceOf(net, params, {}, ARTICLE, detail, 'b4');
    expect([s.param, (s.spec.encoding as { x: { title: string } }).x.title]).toEqual(['b4', 'b4']);
    expect(() => s.values).toThrow('evaluate: no value for x1');
    expect(() => s.theta).toThrow('evaluate: no value for x1');
  });
});

describe('trajectoryChart(training, net)', () => {
  it('trajectoryChart(train(net, article), net).values: the parameters entering each epoch and after the last, as PyTorch recorded them', () => {
    const net = networkFor()(ARTICLE);
    const chart = trajectoryChart(train(net, ARTICLE), net);
    const recorded = [...article.epochs.map((e) => e.params), article.final] as Record<string, number>[];
    expect(chart.values.length).toBe(recorded.length * net.params.length);
    for (const v of chart.values) expect(v.value, `${v.param} entering epoch ${v.epoch}`).toBe(recorded[v.epoch - 1]![v.param]);
  });
});
