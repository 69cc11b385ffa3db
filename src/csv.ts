// Samples from a CSV file: a header row naming the columns x1…xI and y1…yO in
// any order, then one row of numbers per sample. Only what a data file of
// numbers needs: comma-separated, no quoting; cells may carry spaces around
// them, a UTF-8 byte-order mark and blank lines at the end are ignored.

import { MAX_DATA_CELLS } from './limits.ts';
import { input, target } from './names.ts';
import type { Loss } from './network.ts';

export interface CsvShape {
  /** Input units (layers[0]): columns x1 … x<inputs>. */
  inputs: number;
  /** Output units (layers.at(-1)); cross_entropy has a single column y1, the class index. */
  outputs: number;
  loss: Loss;
  /** How messages name the file (control characters escaped), e.g. `data.csv line 7, column 3 (x2): …`. Default `data`. */
  file?: string;
}

/** Numbers per sample of y: the class index alone for cross_entropy, else one per output unit. */
export const targetWidth = (loss: Loss, outputs: number): number => (loss === 'cross_entropy' ? 1 : outputs);

/**
 * What is wrong with one target value under this loss, or undefined. The
 * inline y of a config and a CSV file's y columns share the rule.
 */
export function targetProblem(loss: Loss, outputs: number, v: number): string | undefined {
  if (loss === 'cross_entropy' && !(Number.isInteger(v) && v >= 0 && v < outputs)) {
    return `must be a class index, an integer from 0 to ${outputs - 1} (cross_entropy over ${outputs} output${outputs === 1 ? '' : 's'})`;
  }
  // BCEWithLogitsLoss takes targets as probabilities: y·log σ(z) + (1 − y)·log(1 − σ(z)).
  if (loss === 'bce_with_logits' && !(v >= 0 && v <= 1)) return 'must be a probability from 0 to 1 (bce_with_logits targets)';
  return undefined;
}

/** `x1…x5`, `x1, x2`, `x1`: a short list of numbered names. */
export const span = (name: (i: number) => string, n: number): string => (n > 2 ? `${name(1)}…${name(n)}` : Array.from({ length: n }, (_, i) => name(i + 1)).join(', '));

// A decimal number as a spreadsheet or numpy.savetxt writes it; no hex, no
// "Infinity", and an empty cell is not 0 (as Number('') would have it).
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Text from the input cut to n characters (ending in ...), for echoing it in a message. */
export const shorten = (s: string, n = 40): string => (s.length > n ? `${s.slice(0, n - 3)}...` : s);

/**
 * Text from the input made safe to echo in a one-line message: C0 and C1
 * control characters and the line/paragraph separators become \uXXXX
 * (JSON.stringify escapes only U+0000–U+001F, and terminals act on the rest).
 */
export const escapeControls = (s: string): string => s.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
/** A cell as a quoted, shortened, escaped string: `"abc"`. */
const quote = (s: string): string => escapeControls(JSON.stringify(shorten(s)));
const count = (n: number): string => n.toLocaleString('en-US');

/**
 * Parses `text` into x (samples × inputs) and y (samples × targetWidth). Every
 * problem becomes `fail(message)`, one line naming the file's line and column:
 * `data.csv line 7, column 3 (x2): must be a number, got "abc"`.
 */
export function parseCsv(text: string, shape: CsvShape, fail: (message: string) => Error = (m) => new Error(m)): { x: number[][]; y: number[][] } {
  const { inputs, outputs, loss } = shape;
  const file = escapeControls(shape.file ?? 'data');
  const width = targetWidth(loss, outputs);
  const columns = [...Array.from({ length: inputs }, (_, i) => input(i + 1)), ...Array.from({ length: width }, (_, i) => target(i + 1))];
  const wanted = `${span(input, inputs)}, ${span(target, width)}`;
  const why = `layers[0] = ${inputs} input${inputs === 1 ? '' : 's'}, ${loss === 'cross_entropy' ? 'y1 the class index for cross_entropy' : `${outputs} output${outputs === 1 ? '' : 's'}`}`;

  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  while (lines.length > 0 && lines.at(-1)!.trim() === '') lines.pop();
  if (lines.length === 0) throw fail(`${file}: is empty; it needs a header row naming ${wanted} (${why}) and one row per sample`);

  // The header: which column holds which quantity.
  const head = lines[0]!.split(',').map((c) => c.trim());
  if (!head.some((c) => /^[xy]\d+$/.test(c))) throw fail(`${file} line 1: must be a header row naming the columns ${wanted} (${why}), got ${quote(lines[0]!)}`);
  const at = new Map<string, number>();
  head.forEach((name, c) => {
    if (!columns.includes(name)) throw fail(`${file} line 1, column ${c + 1}: unknown column ${quote(name)} (the columns are ${wanted}: ${why})`);
    if (at.has(name)) throw fail(`${file} line 1, column ${c + 1}: column ${name} appears twice (also column ${at.get(name)! + 1})`);
    at.set(name, c);
  });
  const missing = columns.filter((name) => !at.has(name));
  if (missing.length) throw fail(`${file} line 1: missing column${missing.length === 1 ? '' : 's'} ${missing.slice(0, 8).join(', ')}${missing.length > 8 ? ` and ${missing.length - 8} more` : ''} (the columns are ${wanted}: ${why})`);

  const rows = lines.length - 1;
  if (rows === 0) throw fail(`${file}: has a header but no samples; after line 1 it needs one row per sample`);
  const cells = rows * head.length;
  if (cells > MAX_DATA_CELLS) throw fail(`${file}: ${count(rows)} rows × ${head.length} columns = ${count(cells)} numbers; at most ${count(MAX_DATA_CELLS)} are allowed (x and y together)`);

  const xAt = columns.slice(0, inputs).map((n) => at.get(n)!);
  const yAt = columns.slice(inputs).map((n) => at.get(n)!);
  const x: number[][] = [], y: number[][] = [];
  for (let r = 1; r < lines.length; r++) {
    const line = lines[r]!;
    if (line.trim() === '') throw fail(`${file} line ${r + 1}: blank line between samples (only blank lines at the end are ignored)`);
    const row = line.split(',').map((c) => c.trim());
    if (row.length !== head.length) throw fail(`${file} line ${r + 1}: has ${row.length} cell${row.length === 1 ? '' : 's'}, the header has ${head.length} (${head.join(', ')})`);
    const where = (c: number) => `${file} line ${r + 1}, column ${c + 1} (${head[c]})`;
    const num = (c: number): number => {
      const s = row[c]!;
      const v = NUMBER.test(s) ? Number(s) : NaN;
      if (Number.isNaN(v)) throw fail(`${where(c)}: must be a number, got ${quote(s)}`);
      if (!Number.isFinite(v)) throw fail(`${where(c)}: must be a finite number, got ${quote(s)}`);
      return v;
    };
    x.push(xAt.map(num));
    y.push(yAt.map((c) => {
      const v = num(c);
      const problem = targetProblem(loss, outputs, v);
      if (problem) throw fail(`${where(c)}: ${problem}, got ${quote(row[c]!)}`);
      return v;
    }));
  }
  return { x, y };
}
