// Spreadsheet addresses, written once. Rows and columns are numbered from 1,
// as a spreadsheet shows them: column 1 is A, 26 is Z, 27 is AA; row 1 is the
// first row. Sheet names in references are quoted as Excel quotes them:
// `Inputs!$B$3`, but `'Epoch 1'!$B$3` and `'It''s'!A1` (a quote inside doubled).

/** A cell's 1-based row and column. */
export interface Position {
  row: number;
  column: number;
}

/** A cell or a rectangle of cells: its top-left corner and, for more than one cell, its bottom-right one. */
export interface Area {
  from: Position;
  to?: Position;
}

/** An area on a sheet. */
export interface Reference extends Area {
  sheet: string;
}

/** Column 1 → `A`, 26 → `Z`, 27 → `AA`, 16,384 → `XFD` (1-based; bijective base 26). */
export function columnLetters(column: number): string {
  if (!Number.isInteger(column) || column < 1) throw new RangeError(`columnLetters: column ${column} is not an integer ≥ 1`);
  let s = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

/** `A` → 1, `Z` → 26, `AA` → 27 (either case); the inverse of columnLetters. */
export function columnNumber(letters: string): number {
  if (!/^[A-Za-z]+$/.test(letters)) throw new RangeError(`columnNumber: ${JSON.stringify(letters)} is not column letters`);
  let n = 0;
  for (const ch of letters.toUpperCase()) n = n * 26 + ch.charCodeAt(0) - 64;
  return n;
}

/** Row 3, column 2 → `B3`. */
export const cellAddress = (row: number, column: number): string => `${columnLetters(column)}${row}`;

/** Row 3, column 2 → `$B$3`: the form a defined name uses, so it does not move with the cell it is used from. */
export const absoluteAddress = (row: number, column: number): string => `$${columnLetters(column)}$${row}`;

const ADDRESS = /^\$?([A-Za-z]{1,3})\$?([1-9]\d{0,6})$/;

/** An A1 address as it stands in formula text (`B3`, `$B$3`, `b3`), as regular-expression source for the formula scanners; parseAddress reads what it matches. */
export const A1_SOURCE = String.raw`\$?[A-Za-z]{1,3}\$?\d+`;

/** `B3`, `$B$3`, `b$3` → { row: 3, column: 2 }; undefined when the text is not an A1 address. */
export function parseAddress(text: string): Position | undefined {
  const m = ADDRESS.exec(text);
  return m ? { row: Number(m[2]), column: columnNumber(m[1]!) } : undefined;
}

/**
 * A sheet name as a reference writes it: bare when it is a plain identifier
 * that cannot be read as a cell address (`AB12`), an R1C1 reference (`R1C1`) or a boolean,
 * else in single quotes with any quote inside doubled.
 */
export function quoteSheet(sheet: string): string {
  const plain = /^[A-Za-z_][A-Za-z0-9_]*$/.test(sheet) && !/^[A-Za-z]{1,3}\d+$/.test(sheet) && !/^R\d*C\d*$/i.test(sheet) && !/^(TRUE|FALSE)$/i.test(sheet);
  return plain ? sheet : `'${sheet.replace(/'/g, "''")}'`;
}

/** A sheet name as a reference wrote it, quoted (`'It''s'`) or bare (`Inputs`): the name itself. */
export const unquoteSheet = (text: string): string => (text.length >= 2 && text.startsWith("'") && text.endsWith("'") ? text.slice(1, -1).replace(/''/g, "'") : text);

/** `B3`, or with `to` a rectangle `B4:B103`; `absolute: true` writes `$B$3`, `$B$4:$B$103`. */
export function areaText(area: Area, absolute = false): string {
  const at = absolute ? absoluteAddress : cellAddress;
  return `${at(area.from.row, area.from.column)}${area.to === undefined ? '' : `:${at(area.to.row, area.to.column)}`}`;
}

/** `B3`, `$B$3:B9`, `C9:A1` → the area, corners ordered top-left first, `to` only for more than one cell; undefined when the text is not one. */
export function parseArea(text: string): Area | undefined {
  const [first, second, ...more] = text.split(':');
  const a = parseAddress(first!), b = second === undefined ? a : parseAddress(second);
  if (!a || !b || more.length) return undefined;
  const from = { row: Math.min(a.row, b.row), column: Math.min(a.column, b.column) };
  const to = { row: Math.max(a.row, b.row), column: Math.max(a.column, b.column) };
  return to.row === from.row && to.column === from.column ? { from } : { from, to };
}

/** `Inputs!$B$3`, or with `to` a rectangle `Training!$B$4:$B$103`; `absolute: false` writes `Inputs!B3`. */
export function referenceText(ref: Reference, absolute = true): string {
  return `${quoteSheet(ref.sheet)}!${areaText(ref, absolute)}`;
}

/**
 * Parses `Inputs!$B$3`, `'Epoch 1'!B3:B9` (`to` only for a rectangle of more
 * than one cell, corners ordered top-left first); undefined when the text is not
 * one such reference.
 */
export function parseReference(text: string): Reference | undefined {
  const m = /^\s*(?:'((?:[^']|'')+)'|([^'!\s][^'!]*))!(\S+?)\s*$/.exec(text);
  const area = m && parseArea(m[3]!);
  return area ? { sheet: m![1] !== undefined ? unquoteSheet(`'${m![1]}'`) : m![2]!.trim(), ...area } : undefined;
}
