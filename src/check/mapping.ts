// Which cell of the learner's workbook holds which quantity. Three ways, the
// first that applies wins: a mapping file the user gives (`--map`), defined
// names following xlgrad's own scheme (`w1_e1`, `dL_dw8_e1`, `w8_final`, `x_1`,
// `lr`), or labels found beside (left of) or above a number.
//
// Quantity keys: `x_1`, `y_1`, `lr` (inputs); `<name>_e<k>` for any graph name at
// epoch k (`w8_e1`, `z3_e2`, `yhat1_e1`, `L_e1`, `dL_dz5_e1`); `<param>_final` for
// a parameter after the last epoch. A parameter updated in epoch k is the same
// quantity as that parameter at epoch k+1, so one key may list several cells
// (the update cell and the next epoch's copy of it): all of them are checked.

import { numberOf, textOf, type Book, type BookSheet } from './book.ts';
import { cellAddress, parseAddress, quoteSheet } from '../spreadsheet/address.ts';
import { formatRef, parseRef } from './cellRef.ts';
import * as names from '../names.ts';
import { parseJson } from '../parseJson.ts';
import { epochName, finalName, inputName, LR } from '../workbook/names.ts';
import { CheckError } from './checkError.ts';
import { parseLabel, UNITS, type Label } from './label.ts';
import { weightGrids, type GridWeight } from './weightGrid.ts';

/** Quantity key → cells (`Sheet1!B3`, `'My sheet'!B58`). */
export type Mapping = Record<string, string[]>;

export interface Detected {
  /** A mapping file, xlgrad's defined names, labels beside or above values, or a header row over one row per iteration. */
  source: 'map' | 'names' | 'labels' | 'rows';
  /** The mapping file's name, or the rows layout's sheet, for messages. */
  origin?: string;
  mapping: Mapping;
  /** Cell → the label text that mapped it (labels and rows only). */
  labels: Record<string, string>;
  /** What the detection left out and why (`not checked: E1 (K1): …`). */
  notes?: string[];
}

export interface Quantity {
  key: string;
  /** Graph name: x1, lr, w8, z3, dL_dw8. */
  name: string;
  /** 0 for inputs; 'final' for a parameter after the last epoch. */
  epoch: number | 'final';
}

const ADJOINT = new RegExp(`^${names.ADJOINT_PREFIX}(.+)$`, 'i');

function canonicalName(name: string): string | undefined {
  // Sample k of a batch graph (names.ts): `z3_n2`, `dL_dz3_n2`.
  const sample = /^(.+)_n(\d+)$/i.exec(name);
  if (sample && Number(sample[2]) >= 1) {
    const base = canonicalName(sample[1]!);
    return base && !/^[wb]\d+$/.test(base) && base !== names.LOSS && !/^dL_d[wb]\d+$/.test(base) ? names.ofSample(base, Number(sample[2])) : undefined;
  }
  const unit = /^([wbza])(\d+)$/i.exec(name);
  if (unit) return UNITS[unit[1]!.toLowerCase()]!(Number(unit[2]));
  const out = /^yhat(\d+)$/i.exec(name);
  if (out) return names.output(Number(out[1]));
  if (name.toUpperCase() === names.LOSS) return names.LOSS;
  const grad = ADJOINT.exec(name);
  const of = grad ? canonicalName(grad[1]!) : undefined;
  return of && of !== names.LOSS ? names.adjoint(of) : undefined;
}

/** Reads a quantity key (case-insensitively, as spreadsheet names are); undefined if it is not one. */
export function parseQuantity(key: string): Quantity | undefined {
  const io = /^([xy])_(\d+)(?:_s(\d+))?$/i.exec(key);
  if (io && Number(io[2]) >= 1 && (io[3] === undefined || Number(io[3]) >= 1)) {
    const plain = (io[1]!.toLowerCase() === 'x' ? names.input : names.target)(Number(io[2]));
    const name = io[3] === undefined ? plain : names.ofSample(plain, Number(io[3]));
    return { key: inputKey(name), name, epoch: 0 };
  }
  if (/^lr$/i.test(key)) return { key: LR, name: LR, epoch: 0 };
  const at = /^(.+)_e(\d+)$/i.exec(key);
  const name = at ? canonicalName(at[1]!) : undefined;
  if (name && Number(at![2]) >= 1) return { key: epochName(name, Number(at![2])), name, epoch: Number(at![2]) };
  const fin = /^([wb]\d+)_final$/i.exec(key);
  const param = fin ? canonicalName(fin[1]!) : undefined;
  return param ? { key: finalName(param), name: param, epoch: 'final' } : undefined;
}

export const QUANTITY_HELP = 'x_1, y_1, lr, w1_e1, b5_e2, z3_e1, a4_e1, yhat1_e1, L_e1, dL_dw8_e1, dL_dz5_e1, w8_final; with several samples x_1_s2, z3_n2_e1, dL_dz5_n2_e1';

/** The key of an input of the graph: `x1` → `x_1`, sample 2's `x1_n2` → `x_1_s2` (as xlgrad's workbooks name the data). */
export function inputKey(name: string): string {
  const { quantity, sample } = names.sampleOf(name);
  return sample === undefined ? inputName(name) : `${inputName(quantity)}_s${sample}`;
}

/** The mapping as JSON the user can save, edit and pass back with --map. */
export function mappingJson(mapping: Mapping): string {
  const flat = Object.fromEntries(Object.entries(mapping).map(([k, cells]) => [k, cells.length === 1 ? cells[0] : cells]));
  return JSON.stringify(flat, null, 2);
}

function add(mapping: Mapping, key: string, cell: string): void {
  const cells = (mapping[key] ??= []);
  if (!cells.includes(cell)) cells.push(cell);
}

/** A mapping file: `{"w1_e1": "Sheet1!B3", "w8_e2": ["Sheet1!C30", "Sheet1!B40"], …}`, or a list of such objects, one per run. */
export function parseMappingFiles(text: string, file: string): Detected[] {
  const raw = parseJson(text, (m) => new CheckError(`${file}: ${m}`));
  if (!Array.isArray(raw)) return [mappingOf(raw, file)];
  if (raw.length === 0) throw new CheckError(`${file}: the list of runs is empty`);
  return raw.map((run, i) => mappingOf(run, `${file} (run ${i + 1})`));
}

/** A mapping file of one run. */
export function parseMappingFile(text: string, file: string): Detected {
  return mappingOf(parseJson(text, (m) => new CheckError(`${file}: ${m}`)), file);
}

function mappingOf(raw: unknown, file: string): Detected {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new CheckError(`${file}: must be a JSON object such as {"w1_e1": "Sheet1!B3"}, or a list of them, one per run`);
  const mapping: Mapping = {};
  for (const [key, value] of Object.entries(raw)) {
    const q = parseQuantity(key);
    if (!q) throw new CheckError(`${file}: ${JSON.stringify(key)} is not a quantity name (for example ${QUANTITY_HELP})`);
    const cells = typeof value === 'string' ? [value] : value;
    if (!Array.isArray(cells) || cells.length === 0) throw new CheckError(`${file}: ${key} must be a cell such as "Sheet1!B3" or a list of cells, got ${JSON.stringify(value)}`);
    for (const c of cells) {
      const ref = typeof c === 'string' ? parseRef(c) : undefined;
      if (!ref) throw new CheckError(`${file}: ${key}: ${JSON.stringify(c)} is not a cell; write it as Sheet1!B3 or 'My sheet'!B3`);
      add(mapping, q.key, formatRef(ref));
    }
  }
  if (Object.keys(mapping).length === 0) throw new CheckError(`${file}: the mapping is empty`);
  return { source: 'map', origin: file, mapping, labels: {} };
}

/** Defined names that follow xlgrad's scheme; names that do not are the learner's own and ignored. */
export function mappingFromNames(book: Book): Detected {
  const mapping: Mapping = {};
  for (const [name, def] of Object.entries(book.names)) {
    const q = parseQuantity(name);
    if (!q) continue;
    const ref = def.sheet !== undefined && def.cell !== undefined ? parseRef(`${quoteSheet(def.sheet)}!${def.cell}`) : parseRef(def.ref ?? '');
    if (!ref) throw new CheckError(`defined name ${name}: refers to ${def.ref ?? 'nothing'}, not to a single cell`);
    add(mapping, q.key, formatRef(ref));
  }
  return { source: 'names', mapping, labels: {} };
}

/** The first way that applies: the user's mapping file, else defined names, else labels. */
export function detectMapping(book: Book, mapFile?: Detected): Detected {
  if (mapFile) return mapFile;
  const named = mappingFromNames(book);
  return Object.keys(named.mapping).length > 0 ? named : mappingFromLabels(book);
}

// ---- labels ---------------------------------------------------------------

type Named = Exclude<Label, { kind: 'epoch' }>;

interface Found {
  label: Named;
  text: string;
  at: string;
  target: string;
  row: number;
  col: number;
  epoch?: number;
  /** False when the epoch came from repetition order rather than a heading. */
  headed?: boolean;
}

type Kind = 'number' | 'label' | 'text' | 'empty';

function kindAt(sheet: BookSheet, address: string): Kind {
  const cell = sheet.cells[address];
  if (!cell) return 'empty';
  if (numberOf(cell) !== undefined || cell.type === 'error' || cell.error !== undefined) return 'number';
  const text = textOf(cell);
  if (text === undefined) return cell.formula !== undefined ? 'number' : typeof cell.value === 'boolean' ? 'text' : 'empty';
  if (text.trim() === '') return 'empty';
  return parseLabel(text) ? 'label' : 'text';
}

/** The cell a label names: the one to its right, else the one below it. */
function targetOf(sheet: BookSheet, col: number, row: number, text: string): string | undefined {
  const right = cellAddress(row, col + 1), below = cellAddress(row + 1, col);
  const r = kindAt(sheet, right);
  if (r === 'number') return right;
  if (kindAt(sheet, below) === 'number') return below;
  if (r === 'text') {
    const shown = textOf(sheet.cells[right]) ?? '';
    throw new CheckError(`${formatRef({ sheet: sheet.name, address: right })}: text ${JSON.stringify(shown.slice(0, 40))} where a number belongs (it is labelled ${JSON.stringify(text)} at ${formatRef({ sheet: sheet.name, address: cellAddress(row, col) })})`);
  }
  return undefined;
}

function labelsOf(sheet: BookSheet, grid?: { weights: GridWeight[]; claimed: Set<string> }): { found: Found[]; headers: { row: number; col: number; epoch: number }[] } {
  const found: Found[] = (grid?.weights ?? []).map((w) => ({ label: { kind: 'node', name: w.name }, text: w.text, at: w.at, target: w.target, row: w.row, col: w.col }));
  const headers: { row: number; col: number; epoch: number }[] = [];
  for (const [address, cell] of Object.entries(sheet.cells)) {
    if (grid?.claimed.has(address)) continue;
    const text = textOf(cell);
    const label = text === undefined ? undefined : parseLabel(text);
    if (!label) continue;
    const { column: col, row } = parseAddress(address)!;
    if (label.kind === 'epoch') {
      headers.push({ row, col, epoch: label.epoch });
      continue;
    }
    const target = targetOf(sheet, col, row, text!);
    if (target) found.push({ label, text: text!.trim(), at: formatRef({ sheet: sheet.name, address }), target: formatRef({ sheet: sheet.name, address: target }), row, col });
  }
  // A heading governs the labels below and to the right of it; the nearest one wins.
  for (const f of found) {
    const over = headers.filter((h) => h.row <= f.row && h.col <= f.col).sort((a, b) => b.row - a.row || b.col - a.col)[0];
    f.epoch = over?.epoch;
  }
  found.sort((a, b) => a.row - b.row || a.col - b.col);
  return { found, headers };
}

/**
 * Without headings, a label written once too often shifts every later epoch of
 * that quantity. Most labels repeat once per epoch, so one that repeats more
 * often than most is named, with its cells.
 */
function overRepeated(unheaded: Found[]): void {
  const cellsOf = new Map<string, Found[]>();
  for (const f of unheaded) {
    const id = `${f.label.kind}:${f.label.name}`;
    cellsOf.set(id, [...(cellsOf.get(id) ?? []), f]);
  }
  const counts = [...cellsOf.values()].map((c) => c.length);
  const tally = new Map<number, number>();
  for (const c of counts) tally.set(c, (tally.get(c) ?? 0) + 1);
  const usual = [...tally.entries()].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]?.[0] ?? 0;
  const odd = [...cellsOf.values()].find((c) => c.length > usual);
  if (odd && cellsOf.size > 1) {
    throw new CheckError(`label ${JSON.stringify(odd[0]!.text)} found ${odd.length} times (${odd.map((f) => f.at).join(', ')}) but most labels ${usual} time${usual === 1 ? '' : 's'}: remove the extra one, add an "Epoch k" heading above each block, or give a mapping file with --map`);
  }
}

/**
 * Without headings, the k-th time a label appears is epoch k; a label that
 * appears on several sheets would make each sheet the next epoch of the one
 * before, when several sheets with the same labels are more often separate
 * experiments. Neither is assumed: the user says which.
 */
function acrossSheets(unheaded: Found[]): void {
  const sheetsOf = new Map<string, Found[]>();
  for (const f of unheaded) {
    const id = `${f.label.kind}:${f.label.name}`;
    sheetsOf.set(id, [...(sheetsOf.get(id) ?? []), f]);
  }
  for (const found of sheetsOf.values()) {
    const sheets = [...new Set(found.map((f) => parseRef(f.at)!.sheet))];
    if (sheets.length < 2) continue;
    throw new CheckError(
      `label ${JSON.stringify(found[0]!.text)} is on ${sheets.length} sheets (${found.map((f) => f.at).slice(0, 4).join(', ')}${found.length > 4 ? ', …' : ''}) without an "Epoch k" heading, so it is not clear whether each sheet is the next epoch or a run of its own: name the sheets "Epoch 1", "Epoch 2", … (or add the headings) if they are epochs, or give one mapping per run with --map (a list)`,
    );
  }
}

/** Labels beside or above numbers, epochs from `Epoch k` headings (or a sheet named so), else from the order labels repeat in. */
export function mappingFromLabels(book: Book): Detected {
  const all: Found[] = [];
  const grids = weightGrids(book.sheets);
  for (const sheet of book.sheets) {
    const sheetEpoch = /(?:epoch|iteration)\s*#?\s*(\d+)/i.exec(sheet.name);
    for (const f of labelsOf(sheet, grids.get(sheet)).found) {
      f.epoch ??= sheetEpoch && Number(sheetEpoch[1]) >= 1 ? Number(sheetEpoch[1]) : undefined;
      all.push(f);
    }
  }
  // Without a heading, the k-th time a label appears (reading order) is epoch k.
  const seen = new Map<string, number>();
  for (const f of all) {
    if (f.label.kind === 'input' || f.epoch !== undefined) continue;
    f.headed = false;
    const id = `${f.label.kind}:${f.label.name}`;
    f.epoch = (seen.get(id) ?? 0) + 1;
    seen.set(id, f.epoch);
  }
  const unheaded = all.filter((f) => f.label.kind !== 'input' && f.headed === false);
  acrossSheets(unheaded);
  overRepeated(unheaded);
  const epochs = Math.max(0, ...all.map((f) => (f.label.kind === 'input' ? 0 : f.epoch!)));
  const mapping: Mapping = {};
  const labels: Record<string, string> = {};
  const owner = new Map<string, Found>();
  const claimed = new Map<string, string>();
  const updates = new Set<string>();
  for (const f of all) {
    const { label } = f;
    const key =
      label.kind === 'input' ? (label.name === LR ? LR : inputName(label.name))
      : label.kind === 'node' ? epochName(label.name, f.epoch!)
      : f.epoch === epochs ? finalName(label.name) : epochName(label.name, f.epoch! + 1);
    const role = `${label.kind}:${key}`;
    const before = owner.get(role);
    if (before && label.kind !== 'input') {
      throw new CheckError(`label ${JSON.stringify(f.text)} found twice for ${key}: at ${before.at} (for ${before.target}) and at ${f.at} (for ${f.target}); remove one, add an "Epoch k" heading above each block, or give a mapping file with --map`);
    }
    owner.set(role, f);
    const other = claimed.get(f.target);
    if (other !== undefined && other !== key) throw new CheckError(`${f.target} is labelled both ${other} and ${key}; give a mapping file with --map`);
    claimed.set(f.target, key);
    add(mapping, key, f.target);
    if (label.kind === 'updated') updates.add(f.target);
    labels[f.target] = `${f.text} (${f.at})`;
  }
  // The update cell computes the value the next epoch's copy refers to: it comes first, so a wrong update is blamed before its copy.
  for (const cells of Object.values(mapping)) cells.sort((a, b) => Number(updates.has(b)) - Number(updates.has(a)));
  return { source: 'labels', mapping, labels };
}
