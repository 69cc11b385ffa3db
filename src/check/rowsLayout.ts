// The course template's layout: a header row of labels and one row per
// iteration below it. Row k holds the parameters entering iteration k, its
// forward pass, its loss and its gradients; row k + 1's weights are row k's
// update (`=F33-$H$31*Y33`). Each sheet is its own run (one experiment per
// sheet) unless its first weights are formulas reading the sheet before it.
// The learning rate is a cell labelled beside it (`η =`, `LR`, one or two cells
// to its left, or above it), else the absolute cell every update multiplies.
// Several samples trained full-batch (XOR) sit side by side in a row, each in
// columns of its own: a block of headings repeated per sample, or headings
// naming their sample (`h1 (2)`, `h1_s2`); they map to the batch graph's names
// (`z1_n2`, names.ts).

import * as names from '../names.ts';
import { epochName, inputName, LR } from '../workbook/names.ts';
import type { Book, BookCell, BookSheet } from './book.ts';
import { isEmpty, numberOf, textOf } from './book.ts';
import { cellAddress, parseAddress, unquoteSheet } from '../spreadsheet/address.ts';
import { formatRef, parseRef } from './cellRef.ts';
import { CheckError } from './checkError.ts';
import { parseHeaderLabel, parseSampleHeading, type HeaderLabel, type Role } from './headerLabel.ts';
import { clean } from './vocabulary.ts';
import { inputKey, type Detected, type Mapping } from './mapping.ts';

interface Column {
  col: number;
  text: string;
  label: HeaderLabel;
  /** The sample it belongs to in a row of several samples' forward passes (`h1 (2)`, or the second `h1` of the header). */
  sample?: number;
}

/** One header row and the iteration rows under it. */
export interface Table {
  sheet: BookSheet;
  headerRow: number;
  /** First and last iteration row. */
  first: number;
  last: number;
  columns: Column[];
  /** Headings that name nothing xlgrad checks, with why. */
  ignored: string[];
}

/** A run found in the rows layout: one mapping per reading of its ambiguous headings (`h1` alone). */
export interface RowsRun {
  sheet: string;
  variants: { detected: Detected; reading: string }[];
  notes: string[];
}

/** A header needs this many headings that name quantities, at least one of them a weight. */
const MIN_HEADINGS = 3;
/** And this many iteration rows under it (a label row over one row of values is the labels-above layout). */
const MIN_ROWS = 2;

const hasValue = (c: BookCell | undefined) => !!c && (numberOf(c) !== undefined || c.formula !== undefined || c.type === 'error' || c.error !== undefined);

function headingsByRow(sheet: BookSheet): Map<number, Column[]> {
  const rows = new Map<number, Column[]>();
  for (const [address, cell] of Object.entries(sheet.cells)) {
    const text = textOf(cell);
    const parsed = text === undefined ? undefined : parseSampleHeading(text);
    if (!parsed) continue;
    const at = parseAddress(address)!;
    const list = rows.get(at.row) ?? rows.set(at.row, []).get(at.row)!;
    list.push({ col: at.column, text: text!.trim(), label: parsed.label, ...(parsed.sample === undefined ? {} : { sample: parsed.sample }) });
  }
  for (const list of rows.values()) {
    list.sort((a, b) => a.col - b.col);
    samplesByRepetition(list);
  }
  return rows;
}

/** Quantities each sample has its own of: data, units, their δ, and the sample's own loss term. */
function perSample(l: HeaderLabel): boolean {
  if (l.kind === 'gradient') return perSample(l.of) && l.of.kind === 'unit';
  if (l.kind === 'loss' || l.kind === 'graph') return true;
  return l.kind === 'unit' && l.role !== 'weight' && l.role !== 'bias';
}

/**
 * Blocks repeated once per sample (`x1 x2 y h1 h2 o E`, four times): the k-th
 * heading of a text is sample k. Only a heading written more than once is
 * split; one written once (`E_total` after the blocks) belongs to the batch.
 */
function samplesByRepetition(columns: Column[]): void {
  const byText = new Map<string, Column[]>();
  for (const c of columns) {
    if (c.sample !== undefined || !perSample(c.label)) continue;
    const id = clean(c.text).toLowerCase();
    byText.set(id, [...(byText.get(id) ?? []), c]);
  }
  for (const same of byText.values()) if (same.length > 1) same.forEach((c, k) => (c.sample = k + 1));
}

const isWeight = (c: Column) => c.label.kind === 'unit' && c.label.role === 'weight';

/** Every header row of a sheet with the iteration rows under it, top to bottom. */
export function tablesOf(sheet: BookSheet): Table[] {
  const byRow = headingsByRow(sheet);
  const tables: Table[] = [];
  let after = 0;
  for (const row of [...byRow.keys()].sort((a, b) => a - b)) {
    if (row <= after) continue;
    const columns = byRow.get(row)!;
    const quantities = columns.filter((c) => c.label.kind !== 'counter' && c.label.kind !== 'lr');
    const weights = columns.filter(isWeight);
    if (quantities.length < MIN_HEADINGS || weights.length === 0) continue;
    let last = row;
    while (weights.some((w) => hasValue(sheet.cells[cellAddress(last + 1, w.col)]))) last++;
    if (last - row < MIN_ROWS) continue;
    const ignored: string[] = [];
    const used = new Set(columns.map((c) => c.col));
    for (const [address, cell] of Object.entries(sheet.cells)) {
      const at = parseAddress(address)!;
      const text = textOf(cell)?.trim();
      if (at.row === row && text && !used.has(at.column)) ignored.push(`${JSON.stringify(text)} (${formatRef({ sheet: sheet.name, address })}): not a quantity xlgrad knows`);
    }
    tables.push({ sheet, headerRow: row, first: row + 1, last, columns, ignored });
    after = last;
  }
  return tables;
}

const ref = (t: Table, col: number, row: number) => formatRef({ sheet: t.sheet.name, address: cellAddress(row, col) });

/** Highest unit index of the given roles, counting gradients' units too. */
function maxIndex(columns: Column[], roles: Role[]): number {
  let n = 0;
  for (const c of columns) {
    const l = c.label.kind === 'gradient' ? c.label.of : c.label;
    if (l.kind === 'unit' && roles.includes(l.role)) n = Math.max(n, l.index);
  }
  return n;
}

type Reading = { hidden: 'pre' | 'act'; output: 'pre' | 'act' };

/**
 * `h1` alone is the pre-activation when `a_h1` (or `out_h1`) is beside it, the
 * activation when `net_h1` is; with neither both readings are tried (the
 * network's inference keeps the one that reproduces the first iteration).
 */
function readingsOf(columns: Column[]): Reading[] {
  const has = (role: Role) => maxIndex(columns, [role]) > 0;
  const choose = (lone: Role, pre: Role, act: Role): ('pre' | 'act')[] => (!has(lone) ? ['pre'] : has(act) ? ['pre'] : has(pre) ? ['act'] : ['pre', 'act']);
  const out: Reading[] = [];
  for (const hidden of choose('hidden', 'hiddenPre', 'hiddenAct')) for (const output of choose('output', 'outputPre', 'outputAct')) out.push({ hidden, output });
  return out;
}

interface Sizes {
  inputs: number;
  hidden: number;
  outputs: number;
  /** Samples per iteration row: the highest sample a heading names, 1 without any. */
  samples: number;
}

function sizesOf(columns: Column[]): Sizes {
  const inputs = maxIndex(columns, ['input']);
  const outputs = maxIndex(columns, ['target', 'output', 'outputPre', 'outputAct', 'error']);
  let hidden = maxIndex(columns, ['hidden', 'hiddenPre', 'hiddenAct']);
  const weights = maxIndex(columns, ['weight']);
  // Without hidden headings, one hidden layer has weights / (inputs + outputs) units.
  if (hidden === 0 && inputs + outputs > 0 && weights % (inputs + outputs) === 0) hidden = weights / (inputs + outputs);
  return { inputs, hidden, outputs, samples: Math.max(1, ...columns.map((c) => c.sample ?? 1)) };
}

/** The graph name of a column (names.ts): its heading's, of its sample in a run of several (`z3_n2`); or why it has none. */
function columnName(c: Column, sizes: Sizes, reading: Reading): string | { ignored: string } {
  const name = graphName(c.label, sizes, reading);
  if (typeof name !== 'string' || sizes.samples === 1) return name;
  if (c.sample === undefined) {
    return perSample(c.label) && name !== names.LOSS ? { ignored: `written once in a run of ${sizes.samples} samples: which sample's it is is not clear (write one per sample, or label them "h1 (2)", "h1_s2")` } : name;
  }
  if (name === names.LOSS) return { ignored: "one sample's own loss term, which xlgrad's graph does not name (the total over the samples, E_total, is checked as L)" };
  if (!perSample(c.label)) return { ignored: "one sample's share of a gradient or parameter, which xlgrad's graph does not name (the summed gradient is checked)" };
  return names.ofSample(name, c.sample);
}

/** The graph name a heading stands for (names.ts), or why it has none. */
function graphName(l: HeaderLabel, sizes: Sizes, reading: Reading): string | { ignored: string } {
  switch (l.kind) {
    case 'loss': return names.LOSS;
    case 'lr': return LR;
    case 'counter': return { ignored: 'the iteration number' };
    case 'graph':
    case 'updated': return l.name;
    case 'gradient': {
      const of = graphName(l.of, sizes, reading);
      if (typeof of !== 'string') return of;
      if (/^[xy]\d+$/.test(of)) return { ignored: 'a gradient with respect to the data, which xlgrad does not compute' };
      return names.adjoint(of);
    }
    case 'unit': {
      const i = l.index;
      const role = l.role === 'hidden' ? (reading.hidden === 'pre' ? 'hiddenPre' : 'hiddenAct') : l.role === 'output' ? (reading.output === 'pre' ? 'outputPre' : 'outputAct') : l.role;
      switch (role) {
        case 'input': return names.input(i);
        case 'target': return names.target(i);
        case 'weight': return names.weight(i);
        case 'bias': return names.bias(i);
        case 'hiddenPre': return names.pre(i);
        case 'hiddenAct': return names.act(i);
        case 'outputPre': return names.pre(sizes.hidden + i);
        case 'outputAct': return names.output(i);
        default: return { ignored: "each output's own error term ½(t − o)², which xlgrad's graph does not name (their sum, E_total, is checked as L)" };
      }
    }
  }
}

function add(mapping: Mapping, key: string, cell: string): void {
  const cells = (mapping[key] ??= []);
  if (!cells.includes(cell)) cells.push(cell);
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The first iteration row's weight formulas read the sheet before (`='Run 1'!F61-…`). */
function continues(t: Table, previous: Table): boolean {
  if (t.sheet === previous.sheet) return false;
  const name = escape(previous.sheet.name.replace(/'/g, "''"));
  const reads = new RegExp(`(?:'${name}'|(?<![\\w.])${name})!`, 'i');
  const weights = t.columns.filter(isWeight);
  return weights.length > 0 && weights.every((w) => reads.test(t.sheet.cells[cellAddress(t.first, w.col)]?.formula ?? ''));
}

/** A value beside a label: the cell to its right, the one after an empty cell, or (`below`) the one under it. */
function valueBeside(sheet: BookSheet, col: number, row: number, below: boolean): string | undefined {
  const number = (c: number, r: number) => (numberOf(sheet.cells[cellAddress(r, c)]) !== undefined ? cellAddress(r, c) : undefined);
  return number(col + 1, row) ?? (isEmpty(sheet.cells[cellAddress(row, col + 1)]) ? number(col + 2, row) : undefined) ?? (below ? number(col, row + 1) : undefined);
}

/** Labelled single cells outside the tables: the learning rate, and inputs or targets the header does not have. */
function labelledConstants(sheet: BookSheet, tables: Table[]): { key: string; cell: string; label: string }[] {
  const inTable = (row: number) => tables.some((t) => t.sheet === sheet && row >= t.first && row <= t.last);
  // A header row's own `η =` has its value to the right; the cells under it are iterations.
  const isHeader = (row: number) => tables.some((t) => t.sheet === sheet && row === t.headerRow);
  const out: { key: string; cell: string; label: string }[] = [];
  const cells = Object.entries(sheet.cells).map(([a, c]) => ({ a, c, at: parseAddress(a)! })).sort((x, y) => x.at.row - y.at.row || x.at.column - y.at.column);
  for (const { a, c, at } of cells) {
    if (inTable(at.row)) continue;
    const text = textOf(c);
    const l = text === undefined ? undefined : parseHeaderLabel(text);
    const key = l?.kind === 'lr' ? LR : l?.kind === 'unit' && (l.role === 'input' || l.role === 'target') ? inputName((l.role === 'input' ? names.input : names.target)(l.index)) : undefined;
    if (!key || out.some((o) => o.key === key)) continue;
    if (isHeader(at.row) && key !== LR) continue;
    const value = valueBeside(sheet, at.column, at.row, !isHeader(at.row));
    if (value) out.push({ key, cell: formatRef({ sheet: sheet.name, address: value }), label: `${text!.trim()} (${formatRef({ sheet: sheet.name, address: a })})` });
  }
  return out;
}

// An absolute reference ($H$31, Sheet1!$H$31, 'My sheet'!$H$31).
const ABSOLUTE = /(?:('(?:[^']|'')+'|[A-Za-z_][\w.]*)!)?\$([A-Za-z]{1,3})\$(\d+)/g;

/** The one absolute cell every update formula of the second iteration row uses: the learning rate. */
function lrFromUpdates(t: Table): string | undefined {
  const found = new Set<string>();
  for (const w of t.columns.filter(isWeight)) {
    const f = t.sheet.cells[cellAddress(t.first + 1, w.col)]?.formula;
    if (!f) return undefined;
    const refs = [...f.matchAll(ABSOLUTE)].map((m) => formatRef({ sheet: m[1] ? unquoteSheet(m[1]) : t.sheet.name, address: `${m[2]!.toUpperCase()}${m[3]}` }));
    if (refs.length !== 1) return undefined;
    found.add(refs[0]!);
  }
  return found.size === 1 ? [...found][0] : undefined;
}

/** Iteration rows must hold one sample: an input or target that changes from row to row is several samples. */
function oneSample(t: Table, col: Column): void {
  const first = numberOf(t.sheet.cells[cellAddress(t.first, col.col)]);
  for (let r = t.first + 1; r <= t.last; r++) {
    const v = numberOf(t.sheet.cells[cellAddress(r, col.col)]);
    if (v !== undefined && first !== undefined && v !== first) {
      throw new CheckError(`${ref(t, col.col, r)}: ${JSON.stringify(col.text)} is ${v} here but ${first} in the first iteration (${ref(t, col.col, t.first)}): rows that train on different samples are not checked yet; write every sample's columns in each iteration's row (x1 (2), h1 (2), … or the block repeated per sample), or put one sample per sheet`);
    }
  }
}

/** The cell is in an updated parameter's column (`sheet|column` keys). */
function isUpdate(cell: string, columns: Set<string>): boolean {
  const ref = parseRef(cell)!;
  return columns.has(`${ref.sheet}|${parseAddress(ref.address)!.column}`);
}

/** The runs of a workbook laid out one row per iteration; empty if no sheet has a header row. */
export function rowsRuns(book: Book): RowsRun[] {
  const tables = book.sheets.flatMap(tablesOf);
  // Consecutive tables form one run when each continues the one before.
  const groups: Table[][] = [];
  for (const t of tables) {
    const last = groups.at(-1);
    if (last && continues(t, last.at(-1)!)) last.push(t);
    else groups.push([t]);
  }
  return groups.map((group) => runOf(group, tables));
}

function runOf(group: Table[], all: Table[]): RowsRun {
  const head = group[0]!;
  const columns = group.flatMap((t) => t.columns);
  const sizes = sizesOf(columns);
  const notes: string[] = [];
  const labels: Record<string, string> = {};
  const base: Mapping = {};
  const haveKey = new Set<string>();
  for (const t of group) for (const c of t.columns) if (c.label.kind === 'unit' && (c.label.role === 'input' || c.label.role === 'target')) oneSample(t, c);
  if (group.length > 1) notes.push(`sheets ${group.map((t) => t.sheet.name).join(', ')} are one run: each one's first weights read the sheet before`);
  for (const t of group) notes.push(...t.ignored);

  // The learning rate and any inputs the header lacks, labelled on the run's first sheet.
  for (const k of labelledConstants(head.sheet, all)) {
    add(base, k.key, k.cell);
    labels[k.cell] = k.label;
    haveKey.add(k.key);
  }
  const hasLrColumn = columns.some((c) => c.label.kind === 'lr');
  if (!haveKey.has(LR) && !hasLrColumn) {
    const cell = lrFromUpdates(head);
    if (cell) {
      add(base, LR, cell);
      labels[cell] = 'the cell every weight update multiplies';
      notes.push(`learning rate: no label found; taken from ${cell}, the absolute cell every weight update of the second row multiplies`);
    }
  } else if (haveKey.has(LR) && !hasLrColumn) {
    const used = lrFromUpdates(head);
    if (used && used !== base[LR]![0]) notes.push(`learning rate: labelled at ${base[LR]![0]}, but the updates multiply ${used}`);
  }

  const variants = readingsOf(columns).map((reading) => {
    const mapping: Mapping = structuredClone(base);
    const ignored = new Map<string, string[]>();
    let offset = 0;
    for (const t of group) {
      for (const c of t.columns) {
        const name = columnName(c, sizes, reading);
        const header = ref(t, c.col, t.headerRow);
        if (typeof name !== 'string') {
          if (c.label.kind !== 'counter') ignored.set(name.ignored, [...(ignored.get(name.ignored) ?? []), `${c.text} (${header})`]);
          continue;
        }
        for (let r = t.first; r <= t.last; r++) {
          const cell = t.sheet.cells[cellAddress(r, c.col)];
          if (!hasValue(cell)) continue;
          const at = ref(t, c.col, r);
          const epoch = offset + r - t.first + 1;
          const key = name === LR ? LR : /^[xy]\d+(?:_n\d+)?$/.test(name) ? inputKey(name) : epochName(name, c.label.kind === 'updated' ? epoch + 1 : epoch);
          add(mapping, key, at);
          labels[at] = `${c.text} (${header}), iteration ${epoch}`;
        }
      }
      offset += t.last - t.first + 1;
    }
    // An updated parameter's cell computes what the next row's copy reads: it comes first, so a wrong update is blamed before its copy.
    const updates = new Set(group.flatMap((t) => t.columns.filter((c) => c.label.kind === 'updated').map((c) => `${t.sheet.name}|${c.col}`)));
    for (const cells of Object.values(mapping)) cells.sort((a, b) => Number(isUpdate(b, updates)) - Number(isUpdate(a, updates)));
    const skipped = [...ignored.entries()].map(([why, cols]) => `not checked: ${cols.join(', ')}: ${why}`);
    const readings = readingsOf(columns);
    const described = [
      new Set(readings.map((r) => r.hidden)).size > 1 ? `h1, h2, … read as hidden ${reading.hidden === 'pre' ? 'pre-activations' : 'activations'}` : '',
      new Set(readings.map((r) => r.output)).size > 1 ? `o1, o2, … read as ${reading.output === 'pre' ? 'output pre-activations' : 'the outputs'}` : '',
    ].filter(Boolean).join(', ');
    return { detected: { source: 'rows' as const, origin: head.sheet.name, mapping, labels, notes: skipped }, reading: described };
  });
  return { sheet: head.sheet.name, variants, notes };
}
