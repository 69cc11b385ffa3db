// What a learner's label means. A label names one quantity of the network the
// way people write it on paper or in a sheet: `w1`, `z₃`, `ŷ`, `loss`,
// `∂L/∂w8`, `dL/dw8`, `new w8`, `w8'`, `Epoch 2`. Anything else (their own
// helper cells such as `delta4`, notes, headings) means nothing and is ignored.

import * as names from '../names.ts';

export type Label =
  /** A block heading: the labels under and to the right of it belong to this epoch. */
  | { kind: 'epoch'; epoch: number }
  /** x1…, y1…, lr: the same in every epoch. */
  | { kind: 'input'; name: string }
  /** A graph name (w8, z3, a4, yhat1, L, dL_dw8) at the block's epoch. */
  | { kind: 'node'; name: string }
  /** A parameter after this epoch's SGD step. */
  | { kind: 'updated'; name: string };

const UPDATED_BEFORE = /^(?:new|updated|next)\s+(.+)$/i;
const UPDATED_AFTER = /^(.+?)\s*(?:[_ ](?:new|updated|next)|\((?:new|updated|after update)\)|['’′+])$/i;
const GRADIENT = /^(?:(?:∂|d)\s*(?:l|loss)\s*(?:\/|_)\s*(?:∂|d)|(?:grad|gradient)\s+(?:of\s+)?|∇\s*)\s*(.+)$/i;

/** Same text, readable by the patterns: subscripts as digits, one space, no trailing `:` or `=`. */
function clean(text: string): string {
  let s = text.normalize('NFKC').replace(/\s+/g, ' ').trim().replace(/\s*[:=]$/, '').trim();
  // A trailing note in parentheses, `z3 (pre-activation)`, unless it says "updated".
  const note = /^(.+?)\s*\(([^()]*)\)$/.exec(s);
  if (note && !/^(?:new|updated|after update)$/i.test(note[2]!)) s = note[1]!;
  return s.replace(/[{}]/g, '');
}

/** The graph name of unit i of a letter: w3, b1, z3, a4 (names.ts). */
export const UNITS: Record<string, (i: number) => string> = { w: names.weight, b: names.bias, z: names.pre, a: names.act };

/** A quantity's graph name from how it is written: `w_8` → w8, `ŷ` → yhat1, `loss` → L. */
function nameOf(text: string): string | undefined {
  const t = text.trim();
  const unit = /^([wbza])\s*_?\s*(\d+)$/i.exec(t);
  if (unit) return UNITS[unit[1]!.toLowerCase()]!(Number(unit[2]));
  const out = /^(?:yhat|y_hat|y\^|ŷ|y_pred|ypred)\s*_?\s*(\d*)$/i.exec(t);
  if (out) return names.output(out[1] ? Number(out[1]) : 1);
  if (t === names.LOSS || /^loss$/i.test(t)) return names.LOSS;
  return undefined;
}

function inputOf(text: string): string | undefined {
  const x = /^(?:x|input)\s*_?\s*(\d*)$/i.exec(text);
  if (x) return names.input(x[1] ? Number(x[1]) : 1);
  const y = /^(?:y|target|y_true|ytrue)\s*_?\s*(\d*)$/i.exec(text);
  if (y) return names.target(y[1] ? Number(y[1]) : 1);
  if (/^(?:lr|learning[ _]rate|η|eta|α|alpha)$/i.test(text)) return 'lr';
  return undefined;
}

const isParam = (name: string | undefined): name is string => name !== undefined && /^[wb]\d+$/.test(name);

export function parseLabel(text: string): Label | undefined {
  const s = clean(text);
  const epoch = /^(?:epoch|iteration)\s*#?\s*(\d+)\b/i.exec(s);
  if (epoch) return Number(epoch[1]) >= 1 ? { kind: 'epoch', epoch: Number(epoch[1]) } : undefined;
  const input = inputOf(s);
  if (input) return { kind: 'input', name: input };
  const node = nameOf(s);
  if (node) return { kind: 'node', name: node };
  const grad = GRADIENT.exec(s);
  if (grad) {
    const of = nameOf(grad[1]!);
    return of && of !== names.LOSS ? { kind: 'node', name: names.adjoint(of) } : undefined;
  }
  const updated = UPDATED_BEFORE.exec(s) ?? UPDATED_AFTER.exec(s);
  const param = updated ? nameOf(updated[1]!) : undefined;
  return isParam(param) ? { kind: 'updated', name: param } : undefined;
}
