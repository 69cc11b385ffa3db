// Weights laid out as a grid: a row of unit headings of one layer, a column of
// unit headings of the next (or the other way round), the weights where they
// cross, the corner cell holding anything (`pesos`, `W1`) or nothing:
//
//            h1     h2                   o1     o2
//     x1   0.15   0.25            h1   0.40   0.50
//     x2   0.20   0.30            h2   0.45   0.55
//
// The weight from unit j of one layer to unit k of the next is w((k−1)·fanIn + j)
// after the weights of the layers before (names.ts numbers each nn.Linear
// row-major, out × in), so x2→h1 is w2 and h1→o2 is w7 here.

import { numberOf, textOf, type BookSheet } from './book.ts';
import { cellAddress, parseAddress } from '../spreadsheet/address.ts';
import { formatRef } from './cellRef.ts';
import { parseHeaderLabel } from './headerLabel.ts';
import { weight } from '../names.ts';

/** Which layer a unit heading belongs to: 0 the inputs, 1 the hidden units, 2 the outputs. */
function layerOf(text: string | undefined): { layer: number; index: number } | undefined {
  const l = text === undefined ? undefined : parseHeaderLabel(text);
  if (l?.kind !== 'unit') return undefined;
  const layer = l.role === 'input' ? 0 : l.role.startsWith('hidden') ? 1 : l.role.startsWith('output') ? 2 : -1;
  return layer < 0 ? undefined : { layer, index: l.index };
}

export interface GridWeight {
  /** Graph name: w3. */
  name: string;
  /** `x1→h2`, for messages. */
  text: string;
  /** The heading of its row, as the label's place. */
  at: string;
  target: string;
  row: number;
  col: number;
}

interface Run {
  layer: number;
  cells: string[];
  texts: string[];
}

/** Headings of one layer numbered 1, 2, … from (col, row) on, stepping by (dc, dr). */
function headings(sheet: BookSheet, col: number, row: number, dc: number, dr: number): Run | undefined {
  const first = layerOf(textOf(sheet.cells[cellAddress(row, col)]));
  if (!first || first.index !== 1) return undefined;
  const run: Run = { layer: first.layer, cells: [], texts: [] };
  for (let c = col, r = row; ; c += dc, r += dr) {
    const text = textOf(sheet.cells[cellAddress(r, c)]);
    const u = layerOf(text);
    if (!u || u.layer !== first.layer || u.index !== run.cells.length + 1) break;
    run.cells.push(cellAddress(r, c));
    run.texts.push(text!.trim());
  }
  return run;
}

/**
 * Every weight grid of the sheets, by sheet, and every cell the grids occupy
 * (headings, corner and weights), which the label reader must not read again.
 * A layer's width is taken from the grids themselves, so a grid of the second
 * layer is numbered only when a grid of the first one is there too.
 */
export function weightGrids(sheets: BookSheet[]): Map<BookSheet, { weights: GridWeight[]; claimed: Set<string> }> {
  const found: { sheet: BookSheet; from: Run; to: Run; corner: { col: number; row: number }; fromAcross: boolean }[] = [];
  for (const sheet of sheets) {
    for (const address of Object.keys(sheet.cells)) {
      const { column: col, row } = parseAddress(address)!;
      const across = headings(sheet, col + 1, row, 1, 0);
      const down = across && headings(sheet, col, row + 1, 0, 1);
      if (!across || !down || Math.abs(across.layer - down.layer) !== 1 || across.cells.length * down.cells.length < 2) continue;
      const full = down.cells.every((_, i) => across.cells.every((_, j) => numberOf(sheet.cells[cellAddress(row + 1 + i, col + 1 + j)]) !== undefined || sheet.cells[cellAddress(row + 1 + i, col + 1 + j)]?.formula !== undefined));
      if (!full) continue;
      const fromAcross = across.layer < down.layer;
      found.push({ sheet, from: fromAcross ? across : down, to: fromAcross ? down : across, corner: { col, row }, fromAcross });
    }
  }
  // Layer sizes from the grids themselves: the fan-in of layer l's weights is the length of its "from" headings.
  const width = new Map<number, number>();
  for (const g of found) width.set(g.from.layer, Math.max(width.get(g.from.layer) ?? 0, g.from.cells.length));
  const out = new Map<BookSheet, { weights: GridWeight[]; claimed: Set<string> }>();
  for (const g of found) {
    // Weights before this layer: each earlier layer's fan-in times its fan-out (the next layer's width).
    let offset = 0;
    for (let l = 0; l < g.from.layer; l++) offset += (width.get(l) ?? NaN) * (width.get(l + 1) ?? NaN);
    if (!Number.isFinite(offset)) continue;
    const entry = out.get(g.sheet) ?? out.set(g.sheet, { weights: [], claimed: new Set() }).get(g.sheet)!;
    const fanIn = g.from.cells.length;
    g.from.cells.forEach((fromCell, j) => g.to.cells.forEach((toCell, k) => {
      const [col, row] = g.fromAcross ? [g.corner.col + 1 + j, g.corner.row + 1 + k] : [g.corner.col + 1 + k, g.corner.row + 1 + j];
      const cell = cellAddress(row, col);
      entry.weights.push({ name: weight(offset + k * fanIn + j + 1), text: `${g.from.texts[j]}→${g.to.texts[k]}`, at: formatRef({ sheet: g.sheet.name, address: g.fromAcross ? toCell : fromCell }), target: formatRef({ sheet: g.sheet.name, address: cell }), row, col });
      entry.claimed.add(cell);
    }));
    for (const c of [...g.from.cells, ...g.to.cells, cellAddress(g.corner.row, g.corner.col)]) entry.claimed.add(c);
  }
  return out;
}
