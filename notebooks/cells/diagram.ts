// The network as an SVG drawing (markup text, so it is testable without a
// DOM): units in columns, edges labelled with their weights and coloured by
// ∂L/∂w (red positive, blue negative, grey zero), dead ReLU units greyed.
// Hovering an edge or a unit shows its numbers (SVG <title>); given `explain`,
// each also carries its formulas with the numbers plugged in (data-formula),
// which the page shows on hover, keyboard focus and tap.

import * as names from '../../src/names.ts';
import type { Network } from '../../src/network.ts';
import type { EpochTrace } from '../../src/trace.ts';
import { num } from './format.ts';

interface Unit {
  x: number;
  y: number;
  label: string;
  caption: string;
  title: string;
  dead: boolean;
  /** The quantities its formulas define: z, a, the bias and its gradient (the output adds L). */
  defines: string[];
}

/** A quantity's definition with numbers, by name (cells/formulas.ts). */
export type Explain = (name: string) => string;

const W = 680, ROW = 78, PAD = 46;

const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const sub = (name: string) => name.replace(/^yhat/, 'ŷ').replace(/(\d+)$/, (d) => [...d].map((c) => '₀₁₂₃₄₅₆₇₈₉'[+c]).join(''));

/** Edge colour: the sign of the gradient, its strength relative to the largest one. */
function gradColour(g: number, max: number): string {
  if (g === 0 || max === 0 || !Number.isFinite(g)) return 'rgb(190,190,190)';
  const t = 0.25 + 0.75 * Math.min(1, Math.abs(g) / max);
  return g > 0 ? `rgba(200,45,40,${t.toFixed(3)})` : `rgba(35,105,190,${t.toFixed(3)})`;
}

/** A unit after the inputs: its pre-activation, activation (or output) and bias names. */
export interface UnitNames {
  z: string;
  a: string;
  bias?: string;
  last: boolean;
}

/** Each layer's units, named as network() names them: z and a numbered over the whole network. */
export function unitNames(net: Network): UnitNames[][] {
  let z = 0, a = 0;
  return net.layers.map((layer, l) => {
    const last = l === net.layers.length - 1;
    return Array.from({ length: layer.fanOut }, (_, j) => ({ z: names.pre(++z), a: last ? names.output(j + 1) : names.act(++a), bias: layer.biases[j], last }));
  });
}

/**
 * The diagram element that shows each quantity, by the element's `data-key`:
 * an input by its name, a weight by its edge, and a unit's z, a, bias (and the
 * output's L), with their adjoints, by the unit's z.
 */
export function elementOf(net: Network): Map<string, string> {
  const at = new Map<string, string>();
  for (const x of net.template.x) at.set(x, x);
  for (const w of net.params) at.set(w, w);
  for (const u of unitNames(net).flat()) for (const q of [u.z, u.a, ...(u.bias ? [u.bias] : []), ...(u.last ? [names.LOSS] : [])]) at.set(q, u.z);
  for (const [q, key] of [...at]) if (q !== names.LOSS) at.set(names.adjoint(q), key);
  return at;
}

/** A weight's label on its edge: `w₅ 0.123`. */
export const weightLabel = (w: string, value: number): string => `${sub(w)} ${Number(value.toPrecision(3))}`;

function columns(net: Network, e: EpochTrace, x: readonly number[]): Unit[][] {
  const sizes = [net.layers[0]!.fanIn, ...net.layers.map((l) => l.fanOut)];
  const height = Math.max(...sizes) * ROW;
  const place = (l: number, j: number) => ({ x: PAD + 20 + ((W - 2 * PAD - 40) * l) / (sizes.length - 1), y: 30 + (height - sizes[l]! * ROW) / 2 + ROW * (j + 0.5) });
  const cols: Unit[][] = [net.template.x.map((name, j) => ({ ...place(0, j), label: sub(name), caption: `${sub(name)} = ${num(x[j]!)}`, title: `input ${name} = ${num(x[j]!)}`, dead: false, defines: [name] }))];
  let unit = 0;
  unitNames(net).forEach((layer, l) => {
    const fn = layer[0]!.last ? net.arch.outputActivation : net.arch.activation;
    cols.push(layer.map(({ z: zName, a: aName, bias: b, last }, j) => {
      const zv = e.nodes[zName]!, av = e.nodes[aName]!;
      const dead = fn === 'relu' && !(zv > 0);
      const bias = b === undefined ? ', no bias' : `, ${b} = ${num(e.params[b]!)}, ∂L/∂${b} = ${num(e.grads.backprop[b]!)}`;
      const title = `${last ? 'output' : `unit ${unit + 1}`}: ${zName} = ${num(zv)}, ${aName} = ${num(av)}${bias}${dead ? ' (dead: ReLU input ≤ 0, no gradient flows back)' : ''}`;
      const defines = [zName, aName, ...(b === undefined ? [] : [b, names.adjoint(b)]), ...(last ? ['L'] : [])];
      return { ...place(l + 1, j), label: last ? sub(aName) : String(++unit), caption: `${sub(aName)} = ${num(av)}`, title, dead, defines };
    }));
  });
  return cols;
}

/**
 * The attributes that make a unit or an edge explain itself: its key (always),
 * and given its formulas, those, focusable (when there are few) and named. A unit is an image named by its
 * title: as a button its name would have to repeat the text drawn inside it.
 */
function explained(key: string, label: string, lines: string[] | undefined, focusable: boolean, role: 'button' | 'img'): string {
  if (!lines) return ` data-key="${key}"`;
  return ` data-key="${key}" data-formula="${escape(lines.join('\n'))}"${focusable ? ` tabindex="0" role="${role}" aria-label="${escape(label)}"` : ''}`;
}

export function diagram(net: Network, e: EpochTrace, x: readonly number[], explain?: Explain): string {
  const cols = columns(net, e, x);
  const height = Math.max(...cols.map((c) => c.length)) * ROW + 60;
  const weights = net.layers.flatMap((l) => l.weights);
  const maxGrad = Math.max(0, ...weights.map((w) => Math.abs(e.grads.backprop[w]!)).filter(Number.isFinite));
  const maxW = Math.max(1e-12, ...weights.map((w) => Math.abs(e.params[w]!)).filter(Number.isFinite));
  const labelled = weights.length <= 32;
  const edges: string[] = [], labels: string[] = [];
  net.layers.forEach((layer, l) => {
    layer.weights.forEach((w, k) => {
      const from = cols[l]![k % layer.fanIn]!, to = cols[l + 1]![Math.floor(k / layer.fanIn)]!;
      const value = e.params[w]!, g = e.grads.backprop[w]!;
      const width = (1 + 4 * Math.min(1, Math.abs(value) / maxW)).toFixed(2);
      const title = `${w} = ${num(value)}   ∂L/∂${w} = ${num(g)}`;
      const formula = explained(w, title, explain && [explain(w), explain(names.adjoint(w))], labelled, 'button');
      edges.push(`<g class="edge" data-param="${w}"${formula}><title>${escape(title)}</title><line x1="${from.x}" y1="${from.y}" x2="${to.x}" y2="${to.y}" stroke="${gradColour(g, maxGrad)}" stroke-width="${width}"/>${explain ? `<line class="hit" x1="${from.x}" y1="${from.y}" x2="${to.x}" y2="${to.y}"/>` : ''}</g>`);
      if (labelled) {
        const t = 0.3 + 0.12 * (k % 2);
        const lx = from.x + (to.x - from.x) * t, ly = from.y + (to.y - from.y) * t;
        labels.push(`<text class="weight" data-param="${w}" x="${lx.toFixed(1)}" y="${(ly - 4).toFixed(1)}">${escape(weightLabel(w, value))}</text>`);
      }
    });
  });
  const units = cols.flat().map((u) =>
    `<g class="unit${u.dead ? ' dead' : ''}"${explained(u.defines[0]!, u.title, explain && u.defines.map(explain), labelled, 'img')}><title>${escape(u.title)}</title><circle cx="${u.x}" cy="${u.y}" r="17"/><text class="label" x="${u.x}" y="${u.y + 5}">${escape(u.label)}</text><text class="caption" x="${u.x}" y="${u.y + 33}">${escape(u.caption)}</text></g>`);
  return `<svg class="network" viewBox="0 0 ${W} ${height}" width="${W}" height="${height}" role="group" aria-label="network diagram">${edges.join('')}${labels.join('')}${units.join('')}</svg>`;
}
