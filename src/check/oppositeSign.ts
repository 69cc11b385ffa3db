// Many courses write the delta rule with the opposite sign: δ_o = (t − o)·f′(net),
// which is −∂E/∂net, and then add it, w_new = w + η·δ·a. A sheet written that
// way is correct, only its δ cells (and often the gradient cells summed from
// them) hold the negatives of xlgrad's adjoints. Each kind, δ (∂E/∂ of a unit)
// and gradient (∂E/∂ of a parameter), is read with the sign most of its cells
// show: a cell agreeing only with the negated value counts for the opposite
// sign, one agreeing only with the value itself for xlgrad's, one agreeing with
// neither (a mistake, or downstream of one) or both (0) for none. A kind is
// read negated when more cells show it so than not; the cells of the other
// sign are then mismatches, and their root cause says the sign is flipped.

import { adjointOf } from '../names.ts';
import type { Network } from '../network.ts';
import type { Quantity } from './mapping.ts';
import { parseAddress } from '../spreadsheet/address.ts';
import { parseRef } from './cellRef.ts';

/** The two kinds of adjoint a sheet may write negated. */
export type SignKind = 'delta' | 'gradient';

/** δ for ∂L/∂ of a unit (`dL_dz3`, `dL_dz1_n2`), gradient for ∂L/∂ of a parameter; undefined for anything else. */
export function signKind(net: Network, name: string): SignKind | undefined {
  const of = adjointOf(name);
  if (of === undefined) return undefined;
  return net.params.includes(of) ? 'gradient' : 'delta';
}

interface Read {
  q: Quantity;
  cell: string;
  value: number;
}

/** The kinds most of whose cells hold the negated engine value. */
export function oppositeSigns(reads: readonly Read[], expected: ReadonlyMap<string, number>, agrees: (theirs: number, expected: number) => boolean, net: Network): Set<SignKind> {
  const votes: Record<SignKind, number> = { delta: 0, gradient: 0 };
  for (const r of reads) {
    const kind = signKind(net, r.q.name);
    const e = expected.get(r.q.key);
    if (kind === undefined || e === undefined) continue;
    const straight = agrees(r.value, e), negated = agrees(r.value, -e);
    if (negated && !straight) votes[kind]++;
    else if (straight && !negated) votes[kind]--;
  }
  return new Set((['delta', 'gradient'] as const).filter((k) => votes[k] > 0));
}

const MAX_HEADINGS = 4;

/** The one note line saying which cells are read with the opposite sign, by the learner's own headings (or quantities). */
export function signNote(kinds: ReadonlySet<SignKind>, reads: readonly Read[], labels: Record<string, string>, net: Network): string {
  // `δo (XOR!K4), iteration 1` → `δo`; a cell mapped without a label by its quantity.
  const negated = (r: Read) => {
    const kind = signKind(net, r.q.name);
    return kind !== undefined && kinds.has(kind);
  };
  const cells = reads.filter(negated).map((r) => {
    const ref = parseRef(r.cell)!, at = parseAddress(ref.address)!;
    return { head: labels[r.cell]?.replace(/ \(.*$/s, '') || r.q.name, sheet: ref.sheet, row: at.row, column: at.column };
  });
  // Listed in reading order: sheet, row, column.
  cells.sort((a, b) => (a.sheet === b.sheet ? a.row - b.row || a.column - b.column : a.sheet < b.sheet ? -1 : 1));
  const heads = [...new Set(cells.map((c) => c.head))];
  const shown = heads.slice(0, MAX_HEADINGS).join(', ') + (heads.length > MAX_HEADINGS ? ', …' : '');
  const both = kinds.size === 2;
  const what = both ? 'δ and gradients' : kinds.has('delta') ? 'δ' : 'gradients';
  const holds = both ? '−∂E/∂net and −∂E/∂w' : kinds.has('delta') ? '−∂E/∂net' : '−∂E/∂w';
  const rule = kinds.has('delta') ? 'the delta rule written δ = (t − o)·f′(net) with the update w + η·δ·a' : 'the update then adds them, w + η·(the cell)';
  return `${what} with the opposite sign: ${shown} hold ${holds}, ${rule}; read with that sign, and every cell after them checked as usual`;
}

/** Why a mismatch is one of sign: it holds the negative of what the sheet's convention expects. */
export function flippedSign(key: string, negated: boolean): string {
  return negated
    ? `its sign is flipped: the cell holds ${key} itself, while the sheet's other cells of its kind hold the opposite sign (−∂E/∂…, as δ = (t − o)·f′(net) writes it)`
    : `its sign is flipped: the cell holds −${key}, while the sheet's other cells of its kind hold ${key} with its own sign`;
}
