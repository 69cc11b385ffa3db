// What a learner's label means. A label names one quantity of the network the
// way people write it on paper or in a sheet: `w1`, `z₃`, `ŷ`, `loss`,
// `∂L/∂w8`, `dL/dw8`, `new w8`, `w8'`, `Epoch 2`. Anything else (their own
// helper cells such as `delta4`, notes, headings) means nothing and is ignored.

import * as names from '../names.ts';
import { anyOf, BIAS, clean, EPOCH, exactly, GRADIENT, INPUT, LOSS, LR, OUTPUT, TARGET, WEIGHT } from './vocabulary.ts';

export type Label =
  /** A block heading: the labels under and to the right of it belong to this epoch. */
  | { kind: 'epoch'; epoch: number }
  /** x1…, y1…, lr: the same in every epoch. */
  | { kind: 'input'; name: string }
  /** A graph name (w8, z3, a4, yhat1, L, dL_dw8) at the block's epoch. */
  | { kind: 'node'; name: string }
  /** A parameter after this epoch's SGD step. */
  | { kind: 'updated'; name: string };

const UPDATED_BEFORE = /^(?:new|updated|next|novo|nova)\s+(.+)$/i;
const UPDATED_AFTER = /^(.+?)\s*(?:[_ ](?:new|updated|next|novo|nova)|\((?:new|updated|after update)\)|['’′+])$/i;
const EPOCH_HEADING = new RegExp(`^(?:${anyOf(EPOCH)})\\s*#?\\s*(\\d+)\\b`, 'i');
const IS_LOSS = exactly(LOSS);
const IS_LR = exactly(LR);
const numbered = (words: readonly string[], digits: '*' | '+') => new RegExp(`^(?:${anyOf(words)})\\s*_?\\s*(\\d${digits})$`, 'i');
const INPUTS = numbered(INPUT, '*'), TARGETS = numbered(TARGET, '*'), OUTPUTS = numbered(OUTPUT, '*'), WEIGHTS = numbered(WEIGHT, '+'), BIASES = numbered(BIAS, '+');

/** Same text, readable by the patterns (vocabulary.ts's clean), without a trailing note in parentheses. */
function cleanLabel(text: string): string {
  let s = clean(text);
  // A trailing note in parentheses, `z3 (pre-activation)`, unless it says "updated".
  const note = /^(.+?)\s*\(([^()]*)\)$/.exec(s);
  if (note && !/^(?:new|updated|after update)$/i.test(note[2]!)) s = note[1]!;
  return s.replace(/[{}]/g, '');
}

/** The graph name of unit i of a letter: w3, b1, z3, a4 (names.ts). */
export const UNITS: Record<string, (i: number) => string> = { w: names.weight, b: names.bias, z: names.pre, a: names.act };

/** A quantity's graph name from how it is written: `w_8`, `peso 8` → w8, `ŷ` → yhat1, `loss` → L. */
function nameOf(text: string): string | undefined {
  const t = text.trim();
  const unit = /^([za])\s*_?\s*(\d+)$/i.exec(t);
  if (unit) return UNITS[unit[1]!.toLowerCase()]!(Number(unit[2]));
  const w = WEIGHTS.exec(t) ?? undefined, b = BIASES.exec(t) ?? undefined;
  if (w || b) return (w ? names.weight : names.bias)(Number((w ?? b)![1]));
  const out = OUTPUTS.exec(t) ?? /^y\^\s*_?\s*(\d*)$/i.exec(t);
  if (out) return names.output(out[1] ? Number(out[1]) : 1);
  if (IS_LOSS.test(t)) return names.LOSS;
  return undefined;
}

function inputOf(text: string): string | undefined {
  const x = INPUTS.exec(text);
  if (x) return names.input(x[1] ? Number(x[1]) : 1);
  const y = TARGETS.exec(text);
  if (y) return names.target(y[1] ? Number(y[1]) : 1);
  if (IS_LR.test(text)) return 'lr';
  return undefined;
}

const isParam = (name: string | undefined): name is string => name !== undefined && /^[wb]\d+$/.test(name);

export function parseLabel(text: string): Label | undefined {
  const s = cleanLabel(text);
  const epoch = EPOCH_HEADING.exec(s);
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
