// One training step as a sequence of frames for the diagram: the forward
// pass unit by unit in the graph's evaluation order, the backward pass in the
// order the reverse-mode walk builds the adjoints (net.adjoints: the output's,
// then each edge and unit back towards the inputs), then the update. Each
// frame names the diagram elements it computes and their formulas with the
// numbers plugged in (formulas.ts); nothing here evaluates or differentiates.

import type { Dtype } from '../../src/algebra.ts';
import * as names from '../../src/names.ts';
import type { Network } from '../../src/network.ts';
import type { Params } from '../../src/trace.ts';
import { elementOf } from './diagram.ts';
import { line, number, shown, values } from './formulas.ts';

export type StepPhase = 'forward' | 'backward' | 'update';

export interface StepFrame {
  phase: StepPhase;
  /** The diagram elements (`data-key`) this frame computes. */
  keys: string[];
  /** The quantities it computes, in the order computed. */
  quantities: string[];
  /** Each quantity's value, as the run computes it. */
  values: number[];
  /** Each quantity's definition with the numbers plugged in. */
  lines: string[];
  /** The elements whose quantities these formulas read (a unit's incoming edges and units). */
  reads: string[];
  /** Backward: the keys whose gradient is non-zero (the terms the article circles). */
  nonZero: string[];
}

export interface StepThrough {
  frames: StepFrame[];
  /** The parameters after the step (the update frame's edge labels). */
  after: Params;
}

/**
 * The frames of one step of the one-sample network `net` from `params` on
 * the sample `data`, and `after`, the parameters the step produced. Values
 * are the graph evaluated (its adjoints included) as formulas.ts does.
 */
export function stepThrough(net: Network, params: Params, data: Params, dtype: Dtype, after: Params): StepThrough {
  if (net.batch !== 1) throw new Error(`stepThrough: the diagram shows one sample, but this network is built for ${net.batch}`);
  const at = elementOf(net);
  const v = values(net, params, data, dtype);
  const frames: StepFrame[] = [{ phase: 'forward', keys: [...net.template.x], quantities: [...net.template.x], values: net.template.x.map((x) => v[net.id[x]!]!), lines: net.template.x.map((x) => line(net, v, x)), reads: [], nonZero: [] }];
  // The quantities an element shows are one frame (a unit's z and a; the
  // output's ∂L/∂ŷ, ∂L/∂z and ∂L/∂b), placed where the walk computes the last
  // of them: the next element needs only what came before.
  const walk = (phase: StepPhase, quantities: string[]) => {
    const byKey = new Map<string, StepFrame>(), last = new Map<string, number>();
    quantities.forEach((q, i) => {
      const key = at.get(q);
      if (key === undefined) return;
      let f = byKey.get(key);
      if (!f) byKey.set(key, (f = { phase, keys: [key], quantities: [], values: [], lines: [], reads: [], nonZero: [] }));
      f.quantities.push(q);
      f.values.push(v[net.id[q]!]!);
      f.lines.push(line(net, v, q));
      for (const r of namedArgs(net, q)) {
        const el = at.get(r);
        if (el !== undefined && el !== key && !f.reads.includes(el)) f.reads.push(el);
      }
      // Circled: an edge whose ∂L/∂w, a unit whose ∂L/∂z is not 0. A unit
      // whose ReLU is off has ∂L/∂z = 0 and passes nothing on.
      if (phase === 'backward' && q === names.adjoint(key) && v[net.id[q]!] !== 0) f.nonZero.push(key);
      last.set(key, i);
    });
    frames.push(...[...byKey.values()].sort((a, b) => last.get(a.keys[0]!)! - last.get(b.keys[0]!)!));
  };
  walk('forward', net.nodes);
  walk('backward', net.adjoints);
  const moved = net.params.filter((p) => after[p] !== params[p]);
  frames.push({
    phase: 'update',
    keys: moved,
    quantities: moved,
    values: moved.map((p) => after[p]!),
    lines: [
      ...moved.map((p) => `${shown(p)}: ${number(params[p]!)} → ${number(after[p]!)}`),
      ...(moved.length < net.params.length ? [`unchanged (no gradient): ${net.params.filter((p) => !moved.includes(p)).map(shown).join(', ')}`] : []),
    ],
    reads: [],
    nonZero: [],
  });
  return { frames, after };
}

/** The named quantities a definition reads: its expression walked down to the first named nodes. */
function namedArgs(net: Network, name: string): string[] {
  const g = net.graph, out: string[] = [], seen = new Set<number>();
  const down = (id: number) => {
    if (seen.has(id)) return;
    seen.add(id);
    const n = g.node(id);
    if (n.name !== undefined) out.push(n.name);
    else n.args.forEach(down);
  };
  g.node(net.id[name]!).args.forEach(down);
  return out;
}
