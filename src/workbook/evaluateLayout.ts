// Recalculation of a workbook from its formula text alone, by an engine that
// shares nothing with xlgrad's evaluator: fast-formula-parser (MIT) parses and
// evaluates each formula; this module only answers its questions ("what is in
// 'Epoch 1'!B3?"), so a number that agrees with xlgrad's was computed twice,
// independently. Pure and DOM-free: it runs in Node and in the browser, on any
// workbook's cells (the layout's, or a learner's uploaded workbook).
//
// Cells are evaluated dependencies first. fast-formula-parser's parser is not
// re-entrant (a parse started from inside another parse's cell callback would
// overwrite its token stream), and a 1,000-epoch chain of cells would overflow
// the stack if evaluated by recursion alone. So references are first scanned
// from the text, cells are put in dependency order by an iterative depth-first
// search, and evaluated in that order; a reference the scan missed falls back
// to recursion with a fresh parser per depth. A cycle evaluates to #CYCLE!.

import FormulaParser, { type Argument, type CellRef, type RangeRef } from 'fast-formula-parser';
import { A1_SOURCE, cellAddress, parseAddress, parseReference, quoteSheet, unquoteSheet } from '../spreadsheet/address.ts';

export interface CellInput {
  value?: unknown;
  /** Formula text, with or without the leading '='. */
  formula?: string;
  /** A defined name for this cell (as layoutWorkbook gives it). */
  name?: string;
}

export interface SheetInput {
  name: string;
  /** Cells by address (`A1`, `$B$2`), or a list of cells that carry their address. */
  cells: Record<string, CellInput> | (CellInput & { address: string })[];
}

/** Where a defined name points: one cell or a range (`B2` or `B2:B5`, `$` allowed). */
export interface NameTarget {
  sheet: string;
  address: string;
}

export type Value = number | string | boolean | null | { error: string };

export interface Recalculation {
  /** Value of every cell, keyed `Sheet!A1` (sheet name as given, address without `$`). */
  cells: Map<string, Value>;
  /** Value of every defined name (a range name gives its top-left cell). */
  names: Record<string, Value>;
}

const { FormulaError, FormulaHelpers, Types } = FormulaParser;
const CYCLE = new FormulaError('#CYCLE!');
const TOO_DEEP = new FormulaError('#DEPTH!');
const MAX_DEPTH = 400;

interface Cell {
  sheet: string;
  row: number;
  col: number;
  key: string;
  /** Formula text as given; scanned (names rewritten, references found) only when needed. */
  source?: string;
  scanned?: { text: string; refs: Area[] };
  value?: unknown;
}

interface Area {
  sheet: string;
  from: { row: number; col: number };
  to: { row: number; col: number };
}

/** `B3` / `$B$3` → its 1-based row and column, as this module's cells carry them. */
function parseCell(address: string): { row: number; col: number } | undefined {
  const at = parseAddress(address.trim());
  return at && { row: at.row, col: at.column };
}

function parseArea(sheet: string, address: string): Area | undefined {
  const [a, b = a] = address.split(':');
  const from = parseCell(a!), to = parseCell(b!);
  if (!from || !to) return undefined;
  return {
    sheet,
    from: { row: Math.min(from.row, to.row), col: Math.min(from.col, to.col) },
    to: { row: Math.max(from.row, to.row), col: Math.max(from.col, to.col) },
  };
}

const keyOf = (sheet: string, row: number, col: number) => `${sheet.toLowerCase()}!${row},${col}`;

// One token of formula text, tried in this order at each position: a string
// literal, a sheet-qualified reference, a plain reference, a number (so 1E5 is
// not read as cell E5), an identifier (function when followed by '(', else
// perhaps a defined name).
const AREA = `${A1_SOURCE}(?::${A1_SOURCE})?`;
const TOKEN = new RegExp(
  [
    /(?<str>"(?:[^"]|"")*")/,
    new RegExp(String.raw`(?:'(?<qsheet>(?:[^']|'')+)'|(?<sheet>[A-Za-z_][\w.]*))!(?<sref>${AREA})(?![\w.(])`),
    new RegExp(String.raw`(?<ref>${AREA})(?![\w.(!])`),
    /(?<num>\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)/,
    /(?<ident>[A-Za-z_\\][\w.]*)(?<call>\s*\()?/,
  ].map((r) => r.source).join('|'),
  'y',
);

/**
 * Scans a formula for the areas it refers to, and rewrites every defined name
 * as the reference it stands for (fast-formula-parser reads a short name such
 * as `lr` as a column, so names never reach it).
 */
function scan(formula: string, sheet: string, names: Map<string, NameTarget>): { text: string; refs: Area[] } {
  const refs: Area[] = [];
  let text = '';
  let i = 0;
  while (i < formula.length) {
    TOKEN.lastIndex = i;
    const m = TOKEN.exec(formula);
    if (!m) {
      text += formula[i++];
      continue;
    }
    const g = m.groups!;
    i = TOKEN.lastIndex;
    let out = m[0];
    if (g.sref !== undefined) {
      const area = parseArea(g.qsheet !== undefined ? unquoteSheet(`'${g.qsheet}'`) : g.sheet!, g.sref);
      if (area) refs.push(area);
    } else if (g.ref !== undefined) {
      const area = parseArea(sheet, g.ref);
      if (area) refs.push(area);
    } else if (g.num !== undefined) {
      out = plainDecimal(g.num);
    } else if (g.ident !== undefined && g.call === undefined) {
      const target = names.get(g.ident.toLowerCase());
      const area = target && parseArea(target.sheet, target.address);
      if (target && area) {
        refs.push(area);
        out = `${quoteSheet(target.sheet)}!${target.address}`;
      }
    }
    text += out;
  }
  return { text, refs };
}

/**
 * 1.5E-7 written as 0.00000015: fast-formula-parser has no exponent syntax.
 * The digits are shifted as text, so the number read back is the same double.
 */
function plainDecimal(token: string): string {
  const m = /^(\d*)(?:\.(\d*))?[eE]([+-]?\d+)$/.exec(token);
  if (!m) return token;
  const digits = `${m[1]}${m[2] ?? ''}`;
  const point = m[1]!.length + Number(m[3]);
  if (point <= 0) return `0.${'0'.repeat(-point)}${digits}`;
  if (point >= digits.length) return digits + '0'.repeat(point - digits.length);
  return `${digits.slice(0, point)}.${digits.slice(point)}`;
}

type Lookup = (sheet: string, row: number, col: number, depth: number) => unknown;

// Building a parser costs tens of milliseconds (chevrotain analyses the grammar),
// so parsers are made once, one per nesting depth, and ask whichever workbook
// is being evaluated at the moment: evaluation is synchronous, so `lookup` is
// always the current one.
const parsers: FormulaParser[] = [];
let lookup: Lookup = () => FormulaError.REF;

function parserAt(depth: number): FormulaParser {
  return (parsers[depth] ??= new FormulaParser({
    onCell: (ref: CellRef) => lookup(ref.sheet, ref.row, ref.col, depth),
    onRange: (ref: RangeRef) => {
      const rows: unknown[][] = [];
      for (let r = ref.from.row; r <= ref.to.row; r++) {
        const row: unknown[] = [];
        for (let c = ref.from.col; c <= ref.to.col; c++) row.push(lookup(ref.sheet, r, c, depth));
        rows.push(row);
      }
      return rows;
    },
    // Names were rewritten by scan(); one left here is unknown.
    onVariable: () => null,
    functions: { MAX: extremum(Math.max), MIN: extremum(Math.min) },
  }));
}

/** Excel's MAX and MIN, which fast-formula-parser lacks: numbers among the arguments, 0 if none. */
function extremum(pick: (a: number, b: number) => number) {
  return (...args: Argument[]) => {
    let best: number | undefined;
    FormulaHelpers.flattenParams(args, Types.NUMBER, true, (item, info) => {
      if (item instanceof FormulaError) throw item;
      if (typeof item === 'number' || info.isLiteral) best = best === undefined ? Number(item) : pick(best, Number(item));
    });
    return best ?? 0;
  };
}

function toValue(raw: unknown): Value {
  if (raw instanceof FormulaError) return { error: raw.error };
  if (Array.isArray(raw)) return toValue((raw as unknown[][])[0]?.[0]);
  if (typeof raw === 'number' || typeof raw === 'string' || typeof raw === 'boolean') return raw;
  return null;
}

function cellsOf(sheet: SheetInput): [string, CellInput][] {
  return Array.isArray(sheet.cells) ? sheet.cells.map((c) => [c.address, c]) : Object.entries(sheet.cells);
}

export interface EvaluateOptions {
  /**
   * Recalculate only what these need: defined names or `Sheet!A1` addresses.
   * Other formula cells are left out of the result. Default: every cell.
   */
  only?: readonly string[];
}

/** Recalculates the workbook's formula cells; `names` adds to the names the cells carry. */
export function evaluateLayout(sheets: readonly SheetInput[], names: Readonly<Record<string, NameTarget>> = {}, options: EvaluateOptions = {}): Recalculation {
  return prepareLayout(sheets, names, options)();
}

/**
 * The workbook read once for many recalculations: its cells indexed, the
 * formulas needed scanned and put in dependency order. Each call of the
 * result recalculates every needed formula with fast-formula-parser, with the
 * value cells named in `values` (defined names, as `x1` or `w3`) holding the
 * numbers given there instead of their own: the same workbook for new inputs.
 */
export function prepareLayout(
  sheets: readonly SheetInput[],
  names: Readonly<Record<string, NameTarget>> = {},
  options: EvaluateOptions = {},
): (values?: Readonly<Record<string, number>>) => Recalculation {
  const sheetName = new Map(sheets.map((s) => [s.name.toLowerCase(), s.name]));
  const nameMap = new Map<string, NameTarget>();
  for (const s of sheets) for (const [address, c] of cellsOf(s)) if (c.name) nameMap.set(c.name.toLowerCase(), { sheet: s.name, address });
  for (const [n, t] of Object.entries(names)) nameMap.set(n.toLowerCase(), t);

  const book = new Map<string, Cell>();
  const bySheet = new Map<string, Cell[]>();
  for (const s of sheets) {
    const list: Cell[] = [];
    for (const [address, c] of cellsOf(s)) {
      const at = parseCell(address);
      if (!at) continue;
      const key = keyOf(s.name, at.row, at.col);
      const cell: Cell = { sheet: s.name, ...at, key };
      if (typeof c.formula === 'string' && c.formula.trim() !== '') cell.source = c.formula.trim().replace(/^=/, '');
      else cell.value = c.value ?? null;
      book.set(key, cell);
      list.push(cell);
    }
    bySheet.set(s.name.toLowerCase(), list);
  }

  const cellsIn = (a: Area): Cell[] => {
    if (a.from.row === a.to.row && a.from.col === a.to.col) {
      const c = book.get(keyOf(a.sheet, a.from.row, a.from.col));
      return c ? [c] : [];
    }
    return (bySheet.get(a.sheet.toLowerCase()) ?? []).filter((c) => c.row >= a.from.row && c.row <= a.to.row && c.col >= a.from.col && c.col <= a.to.col);
  };

  const scanned = (c: Cell) => (c.scanned ??= scan(c.source!, c.sheet, nameMap));
  const roots = options.only ? options.only.flatMap((t) => targetArea(t, nameMap)).flatMap(cellsIn) : [...book.values()];
  const order = dependencyOrder(roots, (c) => scanned(c).refs.flatMap(cellsIn));
  const valueCells = [...book.values()].filter((c) => c.source === undefined);
  const cellOfName = (n: string): Cell | undefined => {
    const area = targetArea(n, nameMap)[0];
    return area && book.get(keyOf(area.sheet, area.from.row, area.from.col));
  };

  return (given = {}) => {
    const values = new Map<string, unknown>();
    const inProgress = new Set<string>();

    const valueAt = (sheet: string, row: number, col: number, depth: number): unknown => {
      if (!sheetName.has(sheet.toLowerCase())) return FormulaError.REF;
      const c = book.get(keyOf(sheet, row, col));
      if (!c) return null;
      if (values.has(c.key)) return values.get(c.key);
      if (inProgress.has(c.key)) return CYCLE;
      return compute(c, depth + 1);
    };

    function compute(c: Cell, depth: number): unknown {
      if (c.source === undefined) return c.value;
      if (depth > MAX_DEPTH) return TOO_DEEP;
      inProgress.add(c.key);
      let v: unknown;
      const outer = lookup;
      lookup = valueAt;
      try {
        v = parserAt(depth).parse(scanned(c).text, { sheet: c.sheet, row: c.row, col: c.col });
      } catch (e) {
        v = e instanceof FormulaError ? e : new FormulaError('#ERROR!', String(e));
      }
      lookup = outer;
      inProgress.delete(c.key);
      values.set(c.key, v);
      return v;
    }

    for (const c of valueCells) values.set(c.key, c.value);
    for (const [n, v] of Object.entries(given)) {
      const c = cellOfName(n);
      if (!c || c.source !== undefined) throw new Error(`prepareLayout: ${n} names no value cell of this workbook`);
      values.set(c.key, v);
    }
    for (const c of order) if (!values.has(c.key)) compute(c, 0);

    const cells = new Map<string, Value>();
    for (const c of book.values()) if (values.has(c.key)) cells.set(`${c.sheet}!${cellAddress(c.row, c.col)}`, toValue(values.get(c.key)));
    const named: Record<string, Value> = {};
    const wanted = (n: string) => !options.only || options.only.includes(n);
    for (const [n, t] of Object.entries(names)) if (wanted(n)) named[n] = nameValue(t, valueAt);
    for (const s of sheets) for (const [address, c] of cellsOf(s)) if (c.name && !(c.name in named) && wanted(c.name)) named[c.name] = nameValue({ sheet: s.name, address }, valueAt);
    return { cells, names: named };
  };
}

/** A defined name's area, or the area of a `Sheet!A1` / `'My sheet'!A1:B2` address. */
function targetArea(target: string, names: Map<string, NameTarget>): Area[] {
  const t = names.get(target.toLowerCase());
  if (t) {
    const area = parseArea(t.sheet, t.address);
    return area ? [area] : [];
  }
  const ref = parseReference(target);
  if (!ref) return [];
  const to = ref.to ?? ref.from;
  return [{ sheet: ref.sheet, from: { row: ref.from.row, col: ref.from.column }, to: { row: to.row, col: to.column } }];
}

function nameValue(t: NameTarget, valueAt: (sheet: string, row: number, col: number, depth: number) => unknown): Value {
  const area = parseArea(t.sheet, t.address);
  return area ? toValue(valueAt(t.sheet, area.from.row, area.from.col, 0)) : { error: '#REF!' };
}

/**
 * Formula cells ordered so that each comes after the cells it refers to:
 * depth-first post-order with an explicit stack (no recursion, so chains of
 * any length fit). A back edge (a cycle) is skipped here; evaluation then
 * meets the cell still in progress and yields #CYCLE!.
 */
function dependencyOrder(roots: Iterable<Cell>, depsOf: (c: Cell) => Cell[]): Cell[] {
  const order: Cell[] = [];
  const state = new Map<string, 'open' | 'done'>();
  for (const root of roots) {
    if (root.source === undefined || state.has(root.key)) continue;
    const stack: { cell: Cell; deps: Cell[]; next: number }[] = [{ cell: root, deps: depsOf(root), next: 0 }];
    state.set(root.key, 'open');
    while (stack.length) {
      const top = stack.at(-1)!;
      const dep = top.deps[top.next++];
      if (dep === undefined) {
        stack.pop();
        state.set(top.cell.key, 'done');
        order.push(top.cell);
      } else if (dep.source !== undefined && !state.has(dep.key)) {
        state.set(dep.key, 'open');
        stack.push({ cell: dep, deps: depsOf(dep), next: 0 });
      }
    }
  }
  return order;
}
