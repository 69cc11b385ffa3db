// What a column heading of a rows layout means: the course template's one row
// per iteration under a header such as `Epoch | i1 i2 | t1 t2 | w1 … w8 | h1
// a_h1 … | o1 a_o1 … | E1 E2 E_total | ∂E/∂w1 …`. A heading names a role and a
// unit index (`net_h1` is hidden unit 1 before its activation); which graph
// name that is (names.ts) depends on the layer sizes, so resolving it is left to
// the layout (rowsLayout.ts). Anything else (`delta_o1`, notes) means nothing.

import { parseLabel } from './label.ts';

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
  | { kind: 'graph'; name: string };

/** Subscripts as digits, one space, no trailing `:` or `=`. */
function clean(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, ' ').trim().replace(/\s*[:=]$/, '').trim();
}

const SEP = '[ _.]?';
const unit = (prefix: string) => new RegExp(`^(?:${prefix})${SEP}(\\d+)$`, 'i');

// Each row: a pattern whose group 1 is the unit index, and the role it names.
const UNITS: [RegExp, Role][] = [
  [unit('i|x|in|input'), 'input'],
  [unit('t|y|target|tgt|y_?true'), 'target'],
  [unit('w'), 'weight'],
  [unit('b'), 'bias'],
  [unit(`(?:net|z|in|sum)${SEP}h`), 'hiddenPre'],
  [unit(`(?:out|a|y|act|σ|sig|sigmoid)${SEP}h`), 'hiddenAct'],
  [unit('h'), 'hidden'],
  [unit(`(?:net|z|in|sum)${SEP}o`), 'outputPre'],
  [unit(`(?:out|a|y|act|σ|sig|sigmoid)${SEP}o|y_?hat|ŷ|y_?pred|pred`), 'outputAct'],
  [unit('o'), 'output'],
  [unit(`e${SEP}o|e|err|error`), 'error'],
];
// `h1_out`, `o2 net`: the role written after the unit.
const AFTER: [RegExp, Role][] = [
  [new RegExp(`^h${SEP}(\\d+)${SEP}(?:net|in|z)$`, 'i'), 'hiddenPre'],
  [new RegExp(`^h${SEP}(\\d+)${SEP}(?:out|a|act)$`, 'i'), 'hiddenAct'],
  [new RegExp(`^o${SEP}(\\d+)${SEP}(?:net|in|z)$`, 'i'), 'outputPre'],
  [new RegExp(`^o${SEP}(\\d+)${SEP}(?:out|a|act)$`, 'i'), 'outputAct'],
];

const LOSS = /^(?:e|e[ _]?tot(?:al)?|etotal|loss|l|cost|j|total[ _]?error|error[ _]?total)$/i;
const LR = /^(?:lr|η|eta|α|alpha|learning[ _]?rate)$/i;
const COUNTER = /^(?:epoch|epochs|iteration|iter|step|#|n|no\.?|run|t|time)$/i;
// ∂E_total/∂w1, ∂E/∂w1, dE/dw1, dEtotal_dw1, ∂L/∂w1, dL/dw1, E∂w1, grad w1, ∇w1.
const GRADIENT = /^(?:(?:∂|d|δ)\s*(?:e[ _]?tot(?:al)?|etotal|e|l|loss)\s*(?:\/|_)?\s*(?:∂|d)|e\s*∂|(?:grad|gradient)\s+(?:of\s+)?|∇\s*)\s*(.+)$/i;

function unitOf(s: string): HeaderLabel | undefined {
  for (const [re, role] of [...UNITS, ...AFTER]) {
    const m = re.exec(s);
    if (m && Number(m[1]) >= 1) return { kind: 'unit', role, index: Number(m[1]) };
  }
  return undefined;
}

/** What a heading names, or undefined if it names nothing of the network. */
export function parseHeaderLabel(text: string): HeaderLabel | undefined {
  const s = clean(text);
  if (s === '') return undefined;
  if (COUNTER.test(s)) return { kind: 'counter' };
  if (LR.test(s)) return { kind: 'lr' };
  if (LOSS.test(s)) return { kind: 'loss' };
  const u = unitOf(s);
  if (u) return u;
  const g = GRADIENT.exec(s);
  if (g) {
    const of = unitOf(g[1]!.trim()) ?? (LOSS.test(g[1]!.trim()) ? undefined : graphOf(g[1]!.trim()));
    return of && !(of.kind === 'unit' && of.role === 'error') ? { kind: 'gradient', of } : undefined;
  }
  return graphOf(s);
}

/** xlgrad's own names (label.ts): z3, a1, yhat1, dL/dz3. */
function graphOf(s: string): HeaderLabel | undefined {
  const l = parseLabel(s);
  return l?.kind === 'node' ? { kind: 'graph', name: l.name } : undefined;
}
