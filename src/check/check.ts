// The check itself, pure: read the mapped cells of a recalculated workbook, run
// the engine in float64 from the inputs and initial weights found there (or
// given in the config), and compare every mapped quantity. Rows are ordered as
// the expression graph is (epoch, then node id: every node's arguments come
// before it, gradients after the forward pass), so the first mismatch is one
// whose inputs all agree: the root cause, not one of its consequences.

import { expressions } from '../algebra.ts';
import type { Config } from '../config.ts';
import { Graph } from '../graph.ts';
import { adjoint } from '../names.ts';
import type { Network } from '../network.ts';
import { sgdUpdate } from '../optimizer.ts';
import { print } from '../print.ts';
import { toText } from '../toText.ts';
import { initialParams, networkOf } from '../train.ts';
import { engineValues } from '../workbook/engineValues.ts';
import { epochName, finalName, LR } from '../workbook/names.ts';
import type { Book } from './book.ts';
import { numberOf, textOf, isEmpty } from './book.ts';
import { quoteSheet } from '../spreadsheet/address.ts';
import { formatRef, parseRef } from './cellRef.ts';
import { checkConfig, type CheckConfig } from './checkConfig.ts';
import { CheckError } from './checkError.ts';
import { inputKey, parseQuantity, type Detected, type Mapping, type Quantity } from './mapping.ts';
import { expectedInCells } from './expectedInCells.ts';
import { namedFormula } from './namedFormula.ts';
import { referenceDifference } from './referenceDifference.ts';
import { rootCauses } from './rootCauses.ts';
import { flippedSign, oppositeSigns, signKind, signNote } from './oppositeSign.ts';

/** theirs agrees with expected when |theirs − expected| ≤ absolute + relative·|expected|. */
export interface Tolerance {
  relative: number;
  absolute: number;
}

/** Doubles from two correct formulas differ by a few ulps of the largest term; 1e-9 leaves room for summing in another order. */
export const TOLERANCE: Tolerance = { relative: 1e-9, absolute: 1e-12 };

export interface Row {
  key: string;
  cell: string;
  /** The label that mapped the cell, with its own cell. */
  label?: string;
  expected: number;
  theirs: number;
  /** theirs − expected. */
  difference: number;
  /** `input`: a value the run starts from, taken from this cell. */
  verdict: 'input' | 'ok' | 'mismatch';
  /** Their formula as written; absent for a typed number. */
  formula?: string;
  /** Read with the opposite sign (oppositeSign.ts): `expected` is the negated engine value. */
  negated?: true;
}

export interface FirstMismatch extends Row {
  /** What the cell should compute, in quantities: `dL_dw8_e1 = dL_dz5_e1 * a4_e1`. */
  definition: string;
  /** The same written over the workbook's own cells, `=(…)*Q5*D5` (expectedInCells); absent when a quantity it needs is in no cell. */
  expectedFormula?: string;
  /** Their formula with every mapped cell written as its quantity: `dL_dz5_e1 * z4_e1`. */
  theirFormulaNamed?: string;
  /** How the cells their formula reads differ from the expected formula's: `uses O5 (a_h1) where a_h2 (Q5) belongs`. */
  references?: string;
  /** Said when the cell holds the negative of what it should: `its sign is flipped: …`. */
  sign?: string;
}

export interface Report {
  source: Detected['source'];
  /** The sheet most mapped cells are on: the run's sheet. */
  sheet: string;
  origin?: string;
  /** How the values were obtained (LibreOffice, the in-browser engine, or cached values). */
  values: string;
  mapping: Mapping;
  labels: Record<string, string>;
  architecture: string;
  /** The network checked against and the learning rate read (undefined when the sheet shows no update). */
  network: Network['arch'];
  /** The network's parameters, w1 … wN, b1 … bM. */
  params: string[];
  lr?: number;
  epochs: number;
  /** Samples per iteration, all in one batch. */
  samples: number;
  tolerance: Tolerance;
  rows: Row[];
  checked: number;
  mismatches: number;
  first?: FirstMismatch;
  /** Every mismatch whose inputs all agree, in graph order; the first is `first`. */
  rootCauses: FirstMismatch[];
  /** Quantities of the run that no cell holds. */
  missing: string[];
  /** What the mapping left out. */
  notes: string[];
  /** How the network was inferred: each setting with its reason (checkBook). */
  inferred?: string[];
}

export interface CheckOptions {
  config?: CheckConfig;
  /** The config's network, if already built. */
  net?: Network;
  values?: string;
  tolerance?: Tolerance;
}

interface Read {
  q: Quantity;
  cell: string;
  value: number;
  formula?: string;
}

const ERROR_HINTS: [RegExp, string][] = [
  [/522|circular|cycle/i, 'a circular reference (the formula depends on its own result)'],
  [/523/, 'an iteration that does not converge'],
  [/#REF!|524/i, 'a reference to a cell that no longer exists'],
  [/#DIV\/0!|532/i, 'a division by zero'],
  [/#NAME\?|525/i, 'an unknown function or name'],
  [/#VALUE!|519/i, 'an argument of the wrong type'],
  [/#NUM!|503/i, 'an invalid number'],
  [/#N\/A/i, 'a missing value'],
];

function errorText(code: string): string {
  const hint = ERROR_HINTS.find(([re]) => re.test(code));
  return hint ? `${code} (${hint[1]})` : code;
}

function readCell(book: Book, detected: Detected, q: Quantity, text: string): Read {
  const where = detected.source === 'map' ? `${detected.origin}: ${q.key} → ${text}` : detected.source === 'names' ? `defined name ${q.key} → ${text}` : `${text} (${q.key}, labelled ${detected.labels[text] ?? '?'})`;
  const ref = parseRef(text);
  if (!ref) throw new CheckError(`${where}: not a cell reference`);
  const sheet = book.sheets.find((s) => s.name === ref.sheet) ?? book.sheets.find((s) => s.name.toLowerCase() === ref.sheet.toLowerCase());
  if (!sheet) throw new CheckError(`${where}: there is no sheet ${quoteSheet(ref.sheet)} (sheets: ${book.sheets.map((s) => quoteSheet(s.name)).join(', ')})`);
  const cell = sheet.cells[ref.address];
  const cellName = formatRef({ sheet: sheet.name, address: ref.address });
  if (cell?.formula !== undefined && cell.type === 'empty') throw new CheckError(`${cellName} (${q.key}): the formula ${cell.formula} has no value saved in the file; check it with recalculation on`);
  if (isEmpty(cell)) throw new CheckError(`${where}: the cell is empty`);
  if (cell!.type === 'error' || cell!.error !== undefined) throw new CheckError(`${cellName} (${q.key}): the cell shows ${errorText(String(cell!.error ?? cell!.value ?? cell!.text ?? 'an error'))}`);
  const value = numberOf(cell);
  if (value === undefined) {
    const shown = textOf(cell) ?? String(cell!.value);
    throw new CheckError(`${cellName} (${q.key}): ${typeof cell!.value === 'boolean' ? 'a truth value' : 'text'} ${JSON.stringify(shown.slice(0, 40))} where a number belongs`);
  }
  if (!Number.isFinite(value)) throw new CheckError(`${cellName} (${q.key}): the cell holds ${value}, not a finite number`);
  return { q, cell: cellName, value, formula: cell!.formula };
}

function describe(net: Network): string {
  const { layers, bias, activation, loss } = net.arch;
  const biases = bias.every(Boolean) ? '' : bias.some(Boolean) ? ` (bias ${JSON.stringify(bias)})` : ' without biases';
  return `${layers.join('-')} ${activation}${biases}, loss ${loss}`;
}

/** Every mapped cell, validated against the network and read in graph order, so an unreadable cell reported is the earliest one. */
function readAll(book: Book, detected: Detected, net: Network): { reads: Read[]; epochs: number } {
  const wanted: { q: Quantity; cell: string }[] = [];
  for (const [key, cells] of Object.entries(detected.mapping)) {
    const q = parseQuantity(key);
    if (!q) throw new CheckError(`${detected.origin ?? 'mapping'}: ${JSON.stringify(key)} is not a quantity name`);
    const known = q.epoch === 0 ? q.name === 'lr' || net.x.includes(q.name) || net.y.includes(q.name) : q.epoch === 'final' ? net.params.includes(q.name) : net.id[q.name] !== undefined && !net.x.includes(q.name) && !net.y.includes(q.name);
    if (!known && q.epoch === 0 && (net.batch > 1) !== /_n\d+$/.test(q.name)) {
      throw new CheckError(`${key} (${cells[0]}): the sheet has ${net.batch > 1 ? 'one sample' : 'several samples'} but the network is checked with ${net.batch} (${net.batch > 1 ? 'the config\'s "x"' : 'one'}); give --config with as many rows of "x" and "y" as the sheet has samples, or none`);
    }
    if (!known) throw new CheckError(`${key} (${cells[0]}): the ${describe(net)} network has no ${q.name}; give --config with its "layers"${/^b\d+$/.test(q.name) ? ' and "bias"' : ''}`);
    for (const cell of cells) wanted.push({ q, cell });
  }
  const epochs = epochsOf(wanted.map((w) => w.q), net);
  const ordered = wanted.map((w, i) => ({ w, i, o: orderOf(net, w.q, epochs) })).sort((a, b) => a.o[0] - b.o[0] || a.o[1] - b.o[1] || a.i - b.i);
  return { reads: ordered.map(({ w }) => readCell(book, detected, w.q, w.cell)), epochs };
}

interface Start {
  inputs: Record<string, number>;
  lr?: number;
  params: Record<string, number>;
  /** Keys whose first cell is where the run's starting value was read. */
  fromSheet: Set<string>;
}


/** Where the run starts: what the config explicitly gives, else the first cell holding it. */
function startOf(reads: Read[], net: Network, cc: CheckConfig): Start {
  const first = new Map<string, Read>();
  for (const r of reads) if (!first.has(r.q.key)) first.set(r.q.key, r);
  const fromSheet = new Set<string>();
  const take = (key: string, given: number | undefined, hint: string): number => {
    if (given !== undefined) return given;
    const r = first.get(key);
    if (!r) throw new CheckError(`no cell holds ${key}: ${hint}`);
    fromSheet.add(key);
    return r.value;
  };
  const { config, given } = cc;
  const inputs: Record<string, number> = {};
  // One full batch (checkable.ts): sample s of the graph is row s of the config's x and y.
  net.samples.forEach((s, k) => {
    s.x.forEach((x, i) => (inputs[x] = take(inputKey(x), given.has('x') ? config.x[k]![i] : undefined, `label the input "x" or give --config with "x"`)));
    s.y.forEach((y, i) => (inputs[y] = take(inputKey(y), given.has('y') ? config.y[k]![i] : undefined, `label the target "y" or give --config with "y"`)));
  });
  const lr = given.has('lr') ? config.lr : first.has('lr') ? take('lr', undefined, '') : undefined;
  const init = given.has('init') ? initialParams(net, config) : undefined;
  const params = Object.fromEntries(net.params.map((p) => [p, take(epochName(p, 1), init?.[p], `label the initial ${p} "${p}" in the first epoch, or give --config with "init"`)]));
  return { inputs, lr, params, fromSheet };
}

/** How many epochs the sheet runs: its last forward or gradient quantity, or the epoch before its last parameter copy. */
function epochsOf(qs: Quantity[], net: Network): number {
  let n = 1;
  for (const q of qs) {
    if (typeof q.epoch !== 'number' || q.epoch === 0) continue;
    n = Math.max(n, net.params.includes(q.name) ? q.epoch - 1 : q.epoch);
  }
  return n;
}

/**
 * Engine values (float64) of every quantity of epochs 1…n and the parameters
 * after them: the run an xlgrad workbook of the same start would hold, from the
 * same driver (engineValues). Without a learning rate only epoch 1 can be computed.
 */
function expectedValues(net: Network, cc: CheckConfig, start: Start, epochs: number, needsLr: boolean): Map<string, number> {
  const config: Config = {
    ...cc.config,
    x: net.samples.map((s) => s.x.map((n) => start.inputs[n]!)),
    y: net.samples.map((s) => s.y.map((n) => start.inputs[n]!)),
    batchSize: net.batch,
    lr: start.lr ?? 0,
    epochs: needsLr ? epochs : 1,
    dtype: 'float64',
    init: { params: start.params },
  };
  const out = engineValues(config, { numeric: false }, net);
  if (!needsLr) {
    for (const p of net.params) out.delete(epochName(p, 2)), out.delete(finalName(p));
  }
  if (start.lr === undefined) out.delete(LR);
  return out;
}

/** The symbolic definition of a quantity, in the keys of the mapping. */
function definitionOf(net: Network, q: Quantity, epochs: number): string {
  const k = q.epoch === 'final' ? epochs + 1 : q.epoch;
  if (k === 0) return `${q.key} is an input of the run`;
  if (net.params.includes(q.name)) {
    if (k === 1) return `${q.key} is an initial weight (an input of the run)`;
    // The update rule printed from the same expression the workbook's formulas come from.
    const g = new Graph();
    const next = g.let(q.key, sgdUpdate(expressions(g), g.param(epochName(q.name, k - 1)), g.input(LR), g.input(epochName(adjoint(q.name), k - 1))));
    return `${q.key} = ${toText(g, next)}`;
  }
  const ref = (n: { name?: string; op: string }) => (n.op === 'input' ? inputKey(n.name!) : epochName(n.name!, k));
  const text = `${q.key} = ${print(net.graph, net.id[q.name]!, { style: 'text', ref })}`;
  // ReLU'(z) prints as step(z); say which value it takes at the kink.
  return text.includes('step(') ? `${text}, where step(z) = 1 if z > 0 else 0 (0 at z = 0, as in PyTorch)` : text;
}

/** Sort key: epoch, then position in the graph (arguments before results). */
function orderOf(net: Network, q: Quantity, epochs: number): [number, number] {
  const epoch = q.epoch === 'final' ? epochs + 1 : q.epoch;
  if (q.name === 'lr') return [0, net.graph.nodes.length];
  return [epoch, net.id[q.name]!];
}

function missingOf(net: Network, mapping: Mapping, epochs: number): string[] {
  const all: string[] = [];
  for (let k = 1; k <= epochs; k++) for (const n of [...net.params, ...net.nodes, ...net.adjoints]) all.push(epochName(n, k));
  const last = net.params.map(finalName);
  return [...all, ...last].filter((key) => !(key in mapping) && !(key.endsWith('_final') && epochName(key.slice(0, -6), epochs + 1) in mapping));
}

const agrees = (theirs: number, expected: number, t: Tolerance) => Math.abs(theirs - expected) <= t.absolute + t.relative * Math.abs(expected);

/** Checks a recalculated workbook against the engine. Throws CheckError for input it cannot use. */
export function check(book: Book, detected: Detected, options: CheckOptions = {}): Report {
  const cc = options.config ?? checkConfig();
  const tolerance = options.tolerance ?? TOLERANCE;
  const net = options.net ?? networkOf(cc.config);
  const { reads, epochs } = readAll(book, detected, net);
  if (!cc.given.has('init') && !reads.some((r) => /^w\d+$/.test(r.q.name))) {
    throw new CheckError(`no weights found (no cell labelled w1, w2, … beside, above or as a column heading): this does not look like a neural network xlgrad can check; label the weights, or give a mapping file with --map`);
  }
  if (!reads.some((r) => r.q.epoch !== 0)) throw new CheckError(`no quantities found: label cells like w1, z3, ∂L/∂w8 beside or above their numbers, or give a mapping file with --map`);
  const needsLr = reads.some((r) => r.q.epoch === 'final' || (typeof r.q.epoch === 'number' && r.q.epoch >= 2));
  const start = startOf(reads, net, cc);
  if (needsLr && start.lr === undefined) throw new CheckError(`no cell holds the learning rate: label it "lr" or give --config with "lr"`);
  const expected = expectedValues(net, cc, start, epochs, needsLr);
  const within = (theirs: number, e: number) => agrees(theirs, e, tolerance);
  // δ = (t − o)·f′(net) courses: a kind of adjoint most of whose cells hold the negated value is read so.
  const kinds = oppositeSigns(reads, expected, within, net);
  const isNegated = (key: string) => {
    const kind = signKind(net, parseQuantity(key)?.name ?? '');
    return kind !== undefined && kinds.has(kind);
  };

  const seen = new Set<string>();
  const rows: Row[] = reads.map((r) => {
    const isStart = start.fromSheet.has(r.q.key) && !seen.has(r.q.key);
    seen.add(r.q.key);
    // An update in a row after the last iteration holds the parameters after the run.
    const engine = expected.get(r.q.key) ?? expected.get(finalName(r.q.name))!;
    const negated = isNegated(r.q.key);
    const e = negated ? -engine : engine;
    const ok = within(r.value, e);
    // Another cell holding an input (the course template repeats x and y in every row) is an input too when it agrees.
    const verdict = isStart || (ok && r.q.epoch === 0) ? 'input' : ok ? 'ok' : 'mismatch';
    const row: Row = { key: r.q.key, cell: r.cell, expected: e, theirs: r.value, difference: r.value - e, verdict };
    if (detected.labels[r.cell]) row.label = detected.labels[r.cell];
    if (r.formula !== undefined) row.formula = r.formula;
    if (negated) row.negated = true;
    return row;
  });
  const mismatches = rows.filter((r) => r.verdict === 'mismatch').length;
  // A cell read with the opposite sign stands for the negated quantity in their formula written as quantities.
  const byCell = new Map([...keysByCell(detected.mapping)].map(([cell, key]) => [cell, isNegated(key) ? `(-${key})` : key]));
  const explain = (row: Row): FirstMismatch => {
    const q = parseQuantity(row.key)!;
    const definition = definitionOf(net, q, epochs);
    const out: FirstMismatch = { ...row, definition: row.negated ? `${definition} (this sheet holds −${q.key}: read with the opposite sign)` : definition };
    if (signKind(net, q.name) && within(row.theirs, -row.expected) && !within(row.theirs, row.expected)) out.sign = flippedSign(q.key, !!row.negated);
    const inCells = expectedInCells(net, q, epochs, detected.mapping, row.cell, isNegated);
    if (inCells) out.expectedFormula = inCells.formula;
    if (row.formula) {
      out.theirFormulaNamed = namedFormula(row.formula, parseRef(row.cell)!.sheet, byCell);
      const refs = inCells && referenceDifference(row.formula, row.cell, inCells, book, detected.mapping, detected.labels);
      if (refs) out.references = refs;
    }
    return out;
  };
  const roots = rootCauses(rows, net, detected.mapping, epochs).map(explain);
  const report: Report = {
    source: detected.source, sheet: sheetOf(rows), values: options.values ?? 'values as given', mapping: detected.mapping, labels: detected.labels,
    architecture: describe(net), network: net.arch, params: net.params, epochs, samples: net.batch, tolerance, rows, checked: rows.filter((r) => r.verdict !== 'input').length, mismatches,
    rootCauses: roots, missing: missingOf(net, detected.mapping, epochs), notes: [...(detected.notes ?? []), ...(kinds.size ? [signNote(kinds, reads, detected.labels, net)] : [])],
  };
  if (start.lr !== undefined) report.lr = start.lr;
  if (detected.origin !== undefined) report.origin = detected.origin;
  if (roots[0]) report.first = roots[0];
  return report;
}

/** The sheet most of the rows' cells are on. */
function sheetOf(rows: Row[]): string {
  const count = new Map<string, number>();
  for (const r of rows) {
    const s = parseRef(r.cell)!.sheet;
    count.set(s, (count.get(s) ?? 0) + 1);
  }
  return [...count.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? '';
}

function keysByCell(mapping: Mapping): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, cells] of Object.entries(mapping)) for (const c of cells) if (!out.has(c)) out.set(c, key);
  return out;
}

/** The mapping with its keys in graph order (inputs, then epoch by epoch), for printing. */
export function orderMapping(mapping: Mapping, cc: CheckConfig = checkConfig()): Mapping {
  const net = networkOf(cc.config);
  const qs = Object.keys(mapping).map((k) => parseQuantity(k)!);
  const epochs = Math.max(1, ...qs.map((q) => (typeof q.epoch === 'number' ? q.epoch : 0)));
  const key = (q: Quantity) => {
    const [e, id] = orderOf(net, q, epochs);
    return e * 1e7 + (id ?? 1e6);
  };
  return Object.fromEntries(qs.sort((a, b) => key(a) - key(b)).map((q) => [q.key, mapping[q.key]!]));
}
