// PyTorch's recording of a run under the names an xlgrad workbook gives its
// cells, so a recalculated workbook can be compared with it name by name. The
// names are written out here from the scheme (src/workbook/names.ts), not
// taken from the layout under test: step t of a full-batch run is w1_e<t>,
// of a mini-batch run w1_e<k>b<j>; the rows layout's step t is w1_col[t];
// sample k of a batch is z3_n<k> (no suffix when the batch graph has one
// sample: the sheets layout keeps the graph's names, the rows layout puts a
// one-sample batch in the columns of sample 1).

import type { Config } from '../src/config.ts';
import type { Fixture } from '../src/fixtures.ts';

/** A fixture's config cut to whole epochs covering at least `steps` steps (or all it has). */
export function firstSteps(f: Fixture, steps: number): Config {
  const batches = Math.ceil(f.config.x.length / f.config.batchSize);
  return { ...f.config, epochs: Math.min(f.config.epochs, Math.ceil(steps / batches)) };
}

/** Recorded steps, each value keyed by its workbook name, and the parameters after the last step as <p>_final. */
export function recordedValues(f: Fixture, steps: number, layout: 'sheets' | 'rows'): Map<string, number> {
  const { x, batchSize } = f.config;
  const batches = Math.ceil(x.length / batchSize);
  const full = Math.min(batchSize, x.length);
  const at = (q: string, t: number) => {
    if (layout === 'rows') return `${q}_col[${t}]`;
    return batches === 1 ? `${q}_e${t}` : `${q}_e${Math.ceil(t / batches)}b${((t - 1) % batches) + 1}`;
  };
  const out = new Map<string, number>();
  for (const s of f.steps.slice(0, steps)) {
    const t = s.step;
    const one = s.nodes.length === 1 && (layout === 'sheets' || full === 1);
    for (const [p, v] of Object.entries(s.params)) out.set(at(p, t), v);
    s.nodes.forEach((nodes, k) => {
      for (const [q, v] of Object.entries(nodes)) out.set(at(one ? q : `${q}_n${k + 1}`, t), v);
    });
    out.set(at('L', t), s.loss);
    for (const [p, v] of Object.entries(s.grads)) out.set(at(`dL_d${p}`, t), v);
    for (const [n, v] of Object.entries(s.state)) out.set(at(n, t), v);
  }
  for (const [p, v] of Object.entries(f.steps[steps]?.params ?? f.final)) out.set(`${p}_final`, v);
  return out;
}

/** float32 recordings against a float64 workbook: the Comparison sheet's tolerance; float64 recordings: 1e-12 relative, 1e-15 absolute. */
export const RECORDING_TOLERANCE = { float32: { rel: 1e-5, abs: 1e-6 }, float64: { rel: 1e-12, abs: 1e-15 } } as const;

/** Every recorded name whose workbook value is further from PyTorch's than the dtype's tolerance. */
export function farFromRecording(recorded: Map<string, number>, got: (name: string) => unknown, dtype: 'float32' | 'float64'): string[] {
  const { rel, abs } = RECORDING_TOLERANCE[dtype];
  const far: string[] = [];
  for (const [n, want] of recorded) {
    const v = got(n);
    if (!(typeof v === 'number' && Math.abs(v - want) <= Math.max(abs, rel * Math.abs(want)))) far.push(`${n}: PyTorch ${want}, workbook ${String(v)}`);
  }
  return far;
}
