// What a column heading of a rows layout means: the course template's one row
// per iteration under a header such as `Epoch | i1 i2 | t1 t2 | w1 … w8 | h1
// a_h1 … | o1 a_o1 … | E1 E2 E_total | ∂E/∂w1 …`. A heading names a role and a
// unit index (`net_h1` is hidden unit 1 before its activation); which graph
// name that is (names.ts) depends on the layer sizes, so resolving it is left to
// the layout (rowsLayout.ts). Anything else (`delta_o1`, notes) means nothing.

import { parseLabel } from './label.ts';
import { anyOf, BIAS, clean, COUNTER, ERROR, exactly, GRADIENT, HIDDEN, INPUT, LOSS, LR, NET, OUT, OUTPUT, TARGET, WEIGHT } from './vocabulary.ts';

export type Role =
  | 'input' | 'target' | 'weight' | 'bias'
  /** A hidden unit's pre-activation (`h1`, `net_h1`) and activation (`a_h1`, `out_h1`). */
  | 'hiddenPre' | 'hiddenAct'
  /** `h1` written alone: a pre-activation beside `a_h1`, else either. */
  | 'hidden'
  | 'outputPre' | 'outputAct'
  /** `o1` written alone: a pre-activation beside `a_o1`, else either. */
  | 'output'
  /** `E1`: output k's own error term ½(t_k − o_k)², which xlgrad's graph does not name. */
  | 'error';

export type HeaderLabel =
  | { kind: 'unit'; role: Role; index: number }
  /** E_total, E, loss. */
  | { kind: 'loss' }
  | { kind: 'lr' }
  /** Epoch, iteration: the row's number, not a quantity. */
  | { kind: 'counter' }
  /** ∂E_total/∂w1 … of a unit or of the loss's input. */
  | { kind: 'gradient'; of: HeaderLabel }
  /** A heading in xlgrad's own scheme (z3, a1, yhat1, dL_dz3). */
  | { kind: 'graph'; name: string }
  /** A parameter after this row's update (`w1'`, `new w1`, `w1_new`): the next iteration's value. */
  | { kind: 'updated'; name: string };

const SEP = '[ _.]?';
const unit = (prefix: string) => new RegExp(`^(?:${prefix})${SEP}(\\d+)$`, 'i');
const PRE = `(?:${anyOf(NET)})${SEP}`;
const ACT = `(?:${anyOf(OUT)})${SEP}`;

// Each row: a pattern whose group 1 is the unit index, and the role it names (the words from vocabulary.ts).
const UNITS: [RegExp, Role][] = [
  [unit(anyOf(INPUT)), 'input'],
  [unit(anyOf(TARGET)), 'target'],
  [unit(anyOf(WEIGHT)), 'weight'],
  [unit(anyOf(BIAS)), 'bias'],
  [unit(`${PRE}h`), 'hiddenPre'],
  [unit(`${ACT}h`), 'hiddenAct'],
  [unit(anyOf(HIDDEN)), 'hidden'],
  [unit(`${PRE}o`), 'outputPre'],
  [unit(`${ACT}o|${anyOf(OUTPUT)}`), 'outputAct'],
  [unit('o'), 'output'],
  [unit(`e${SEP}o|${anyOf(ERROR)}`), 'error'],
];
// `h1_out`, `o2 net`: the role written after the unit.
const AFTER: [RegExp, Role][] = [
  [new RegExp(`^h${SEP}(\\d+)${SEP}(?:net|in|z)$`, 'i'), 'hiddenPre'],
  [new RegExp(`^h${SEP}(\\d+)${SEP}(?:out|a|act)$`, 'i'), 'hiddenAct'],
  [new RegExp(`^o${SEP}(\\d+)${SEP}(?:net|in|z)$`, 'i'), 'outputPre'],
  [new RegExp(`^o${SEP}(\\d+)${SEP}(?:out|a|act)$`, 'i'), 'outputAct'],
];

const IS_LOSS = exactly(LOSS);
const IS_LR = exactly(LR);
const IS_COUNTER = exactly(COUNTER);
// A network of one output writes its target and output without an index: `y`, `target`, `o`, `ŷ`, `out`.
const BARE: [RegExp, Role][] = [
  [exactly(TARGET), 'target'],
  [new RegExp(`^(?:${PRE}o)$`, 'i'), 'outputPre'],
  [new RegExp(`^(?:${anyOf(OUTPUT)}|out|output|a${SEP}o)$`, 'i'), 'outputAct'],
  [/^o$/i, 'output'],
];
// δ (delta) of a unit, ∂E/∂net as the delta rule writes it: `δh1`, `delta_o1`, `δ_o`.
const DELTA = new RegExp(`^(?:δ|delta)${SEP}(h|o)${SEP}(\\d*)$`, 'i');

function unitOf(s: string): HeaderLabel | undefined {
  for (const [re, role] of [...UNITS, ...AFTER]) {
    const m = re.exec(s);
    if (m && Number(m[1]) >= 1) return { kind: 'unit', role, index: Number(m[1]) };
  }
  for (const [re, role] of BARE) if (re.test(s)) return { kind: 'unit', role, index: 1 };
  return undefined;
}

/** `δh1` is ∂E/∂net_h1; `δo` the single output's. */
function deltaOf(s: string): HeaderLabel | undefined {
  const m = DELTA.exec(s);
  if (!m || (m[2] !== '' && Number(m[2]) < 1)) return undefined;
  const role: Role = m[1]!.toLowerCase() === 'h' ? 'hiddenPre' : 'outputPre';
  if (role === 'hiddenPre' && m[2] === '') return undefined;
  return { kind: 'gradient', of: { kind: 'unit', role, index: m[2] === '' ? 1 : Number(m[2]) } };
}

// Which sample a heading is of, written after it: `h1 (2)`, `h1_s2`, `h1 s2`, `out_h1[3]`, `h1 (sample 2)`.
const SAMPLE = /^(.+?)\s*(?:\(\s*(?:s|sample|amostra)?\s*(\d+)\s*\)|\[\s*(\d+)\s*\]|[ _](?:s|sample|amostra)\s*_?(\d+))$/i;

/** A heading of a multi-sample row and the sample it names, if it says; `sample` undefined when it does not. */
export function parseSampleHeading(text: string): { label: HeaderLabel; sample?: number } | undefined {
  const s = clean(text);
  const m = SAMPLE.exec(s);
  const sample = m ? Number(m[2] ?? m[3] ?? m[4]) : 0;
  if (m && sample >= 1) {
    const label = parseHeaderLabel(m[1]!, true);
    if (label) return { label, sample };
  }
  const label = parseHeaderLabel(text);
  return label ? { label } : undefined;
}

/** What a heading names, or undefined if it names nothing of the network. */
export function parseHeaderLabel(text: string, ofSample = false): HeaderLabel | undefined {
  const s = clean(text);
  if (s === '') return undefined;
  // `t (2)` is sample 2's target, not a time column.
  if (!ofSample && IS_COUNTER.test(s)) return { kind: 'counter' };
  if (IS_LR.test(s)) return { kind: 'lr' };
  if (IS_LOSS.test(s)) return { kind: 'loss' };
  const u = unitOf(s) ?? deltaOf(s);
  if (u) return u;
  const g = GRADIENT.exec(s);
  if (g) {
    const of = unitOf(g[1]!.trim()) ?? (IS_LOSS.test(g[1]!.trim()) ? undefined : graphOf(g[1]!.trim()));
    return of && !(of.kind === 'unit' && of.role === 'error') ? { kind: 'gradient', of } : undefined;
  }
  return graphOf(s);
}

/** xlgrad's own names (label.ts): z3, a1, yhat1, dL/dz3. */
function graphOf(s: string): HeaderLabel | undefined {
  const l = parseLabel(s);
  return l?.kind === 'node' ? { kind: 'graph', name: l.name } : l?.kind === 'updated' ? { kind: 'updated', name: l.name } : undefined;
}
