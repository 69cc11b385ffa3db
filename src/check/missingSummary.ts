// What the workbook does not show, said in a few lines instead of as a list of
// every quantity of every epoch (488 for the course template's 60 rows). A
// quantity no epoch shows is named once, by kind: intermediate derivatives
// (checked through the cells computed from them), gradients, forward values,
// parameters. One shown in some epochs and not others is a gap, named with its
// epochs. The parameters after the last update are one clause.

import { adjointOf } from '../names.ts';
import { parseName } from '../workbook/names.ts';

/** How many names, and epochs of a gap, a line lists before `…`. */
const SHOWN = 8;

const list = (items: string[], n = SHOWN) => items.slice(0, n).join(', ') + (items.length > n ? ', …' : '');

/** Lines for the report from `missing` (quantity keys: `dL_dz3_e1`, `w1_final`) of a run of `epochs` epochs with parameters `params`. */
export function missingSummary(missing: readonly string[], params: readonly string[], epochs: number): string[] {
  const epochsOf = new Map<string, number[]>();
  const finals: string[] = [];
  for (const key of missing) {
    const n = parseName(key);
    if (n?.kind === 'final') finals.push(n.quantity);
    else if (n?.kind === 'epoch') epochsOf.set(n.quantity, [...(epochsOf.get(n.quantity) ?? []), n.epoch!]);
  }
  const natural = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });
  const everywhere = [...epochsOf].filter(([, ks]) => ks.length === epochs).map(([q]) => q).sort(natural);
  const gaps = [...epochsOf].filter(([, ks]) => ks.length < epochs);
  const kind = (q: string) => {
    const of = adjointOf(q);
    if (of !== undefined) return params.includes(of) ? 'gradients' : 'intermediate derivatives';
    return params.includes(q) ? 'parameters' : 'forward values';
  };
  const every = epochs === 1 ? '' : ` (in all ${epochs} epochs)`;
  const lines: string[] = [];
  const derivatives = everywhere.filter((q) => kind(q) === 'intermediate derivatives');
  if (derivatives.length) lines.push(`not in the workbook, checked through the cells computed from them: ${list(derivatives)}${every}`);
  for (const k of ['gradients', 'forward values', 'parameters'] as const) {
    const qs = everywhere.filter((q) => kind(q) === k);
    if (qs.length) lines.push(`not in the workbook, so not checked: ${k} ${list(qs)}${every}`);
  }
  if (gaps.length) lines.push(`missing in some epochs only: ${list(gaps.map(([q, ks]) => `${q} (epoch ${list(ks.map(String), 4)})`), 4)}`);
  if (finals.length) lines.push(finals.length === params.length ? 'not in the workbook: the parameters after the last update' : `not in the workbook: ${list(finals)} after the last update`);
  return lines;
}
