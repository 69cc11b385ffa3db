// The step-through's frames: the order a learner sees one training step in,
// and the numbers they show, against PyTorch's recorded first step.

import { describe, expect, it } from 'vitest';
import article from '../fixtures/pytorch/article.json' with { type: 'json' };
import mazur from '../fixtures/pytorch/mazur-nobias.json' with { type: 'json' };
import { stepThrough, type StepFrame } from '../notebooks/cells/stepThrough.ts';
import { normalizeConfig, type Config } from '../src/config.ts';
import { adjoint, adjointOf } from '../src/names.ts';
import { inputsOf, networkOf } from '../src/trace.ts';

type Fixture = typeof article;

/** The first recorded step of a fixture, as the step-through shows it. */
function firstStep(f: Fixture) {
  const config = normalizeConfig(f.config) as Config;
  const net = networkOf(config, 1);
  const steps = stepThrough(net, f.steps[0]!.params, inputsOf(net, config, [0]), config.dtype, f.steps[1]?.params ?? f.final);
  return { net, config, steps, frames: steps.frames };
}

const keysOf = (frames: StepFrame[], phase: StepFrame['phase']) => frames.filter((f) => f.phase === phase).map((f) => f.keys.join(','));

describe('stepThrough(net, params, data, dtype, after)', () => {
  it('the article: the input, then unit by unit z and a, the output with ŷ and L', () => {
    const { frames } = firstStep(article);
    expect(frames.filter((f) => f.phase === 'forward').map((f) => f.quantities.join(' '))).toEqual([
      'x1', 'z1 a1', 'z2 a2', 'z3 a3', 'z4 a4', 'z5 yhat1 L',
    ]);
  });

  it('the article: back from the loss, each unit and then the edges into it, then the update', () => {
    const { frames } = firstStep(article);
    expect(keysOf(frames, 'backward')).toEqual(['z5', 'w8', 'w7', 'z4', 'w6', 'w5', 'z3', 'w4', 'w3', 'z2', 'w2', 'z1', 'w1']);
    expect(frames[frames.length - 1]!.phase).toBe('update');
    expect(frames.find((f) => f.keys[0] === 'z4' && f.phase === 'backward')!.quantities).toEqual(['dL_da4', 'dL_dz4', 'dL_db4']);
  });

  it('a forward unit reads its incoming edges and the units before; a weight\'s gradient reads the unit above and the one below', () => {
    const { frames } = firstStep(article);
    expect(frames.find((f) => f.phase === 'forward' && f.keys[0] === 'z3')!.reads).toEqual(['w3', 'z1', 'w4', 'z2']);
    expect(frames.find((f) => f.phase === 'backward' && f.keys[0] === 'w8')!.reads).toEqual(['z5', 'z4']);
  });

  it('circles exactly the edges and units whose gradient PyTorch records as non-zero', () => {
    const { frames } = firstStep(article);
    const circled = frames.flatMap((f) => f.nonZero).sort();
    const grads = article.steps[0]!.grads as Record<string, number>;
    // A unit's ∂L/∂z is its bias's ∂L/∂b (b3 belongs to z3, …): PyTorch records the latter.
    const units = ['b1', 'b2', 'b3', 'b4', 'b5'].filter((b) => grads[b] !== 0).map((b) => `z${b.slice(1)}`);
    const edges = Object.keys(grads).filter((p) => p.startsWith('w') && grads[p] !== 0);
    expect(circled).toEqual([...units, ...edges].sort());
    expect(circled).toEqual(['w8', 'z4', 'z5']);
  });

  it('shows PyTorch\'s numbers: forward values, every gradient and the parameters after the update, bit for bit', () => {
    const { frames } = firstStep(article);
    const shown = new Map(frames.filter((f) => f.phase !== 'update').flatMap((f) => f.quantities.map((q, i) => [q, f.values[i]!] as const)));
    const nodes = article.steps[0]!.nodes[0] as Record<string, number>;
    for (const [q, v] of Object.entries(nodes)) expect(shown.get(q)! + 0, q).toBe(v);
    // JSON keeps no sign of zero: −0 and 0 are the same gradient here (+ 0 turns −0 into 0).
    for (const [p, g] of Object.entries(article.steps[0]!.grads)) expect(shown.get(adjoint(p))! + 0, p).toBe(g);
    expect(shown.get('L')).toBe(article.steps[0]!.loss);
    const update = frames[frames.length - 1]!;
    expect(update.keys).toEqual(['w8', 'b4', 'b5']);
    update.keys.forEach((p, i) => expect(update.values[i], p).toBe((article.steps[1]!.params as Record<string, number>)[p]));
    expect(update.lines[0]).toBe('w8: −0.13899271 → −0.13262524');
    expect(update.lines.at(-1)).toBe('unchanged (no gradient): w1, w2, w3, w4, w5, w6, w7, b1, b2, b3');
  });

  it('a frame\'s formulas read only what earlier frames (or its own earlier lines) computed, for several networks', () => {
    for (const f of [article, mazur as unknown as Fixture]) {
      const { net, frames } = firstStep(f);
      const done = new Set<string>([...net.params, ...net.template.x, ...net.template.y]);
      for (const frame of frames.filter((fr) => fr.phase !== 'update')) {
        frame.quantities.forEach((q, i) => {
          const line = frame.lines[i]!;
          // The definition's symbols sit between the first and second ' = '.
          const definition = line.split(' = ')[1] ?? '';
          for (const other of [...done, ...net.nodes, ...net.adjoints]) {
            const shownName = adjointOf(other) ? `∂L/∂${adjointOf(other)!.replace(/^yhat/, 'ŷ')}` : other.replace(/^yhat/, 'ŷ');
            if (new RegExp(`(^|[^\\w/])${shownName.replace(/[()]/g, '\\$&')}(?!\\d)`).test(definition)) expect(done.has(other), `${f.name}: ${q} reads ${other}`).toBe(true);
          }
          done.add(q);
        });
      }
      // Every adjoint the walk builds is shown once.
      const shownAdjoints = frames.flatMap((fr) => fr.quantities).filter((q) => adjointOf(q));
      expect(shownAdjoints.sort(), f.name).toEqual([...net.adjoints].sort());
    }
  });

  it('mazur-nobias: two outputs, no bias; after the step every weight has moved as PyTorch moved it', () => {
    const { frames } = firstStep(mazur as unknown as Fixture);
    expect(frames.filter((f) => f.phase === 'forward').map((f) => f.quantities.join(' '))).toEqual(['x1 x2', 'z1 a1', 'z2 a2', 'z3 yhat1', 'z4 yhat2 L']);
    const update = frames[frames.length - 1]!;
    expect(update.keys).toEqual(['w1', 'w2', 'w3', 'w4', 'w5', 'w6', 'w7', 'w8']);
    update.keys.forEach((p, i) => expect(update.values[i], p).toBe((mazur.steps[1]!.params as Record<string, number>)[p]));
  });

  it('refuses a network built for a batch of several samples', () => {
    const config = normalizeConfig(article.config) as Config;
    const net = networkOf({ ...config, x: [[1], [2]], y: [[1], [2]] } as Config, 2);
    expect(() => stepThrough(net, article.steps[0]!.params, {}, 'float32', article.steps[0]!.params)).toThrow(/one sample/);
  });
});
