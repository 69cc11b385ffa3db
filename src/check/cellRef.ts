// Cell references as a spreadsheet user writes them: `B58`, `Sheet1!B3`,
// `'My sheet'!B58` (a quote inside a quoted name is doubled, as in Excel).

export interface CellRef {
  sheet: string;
  /** Upper-case A1 address without `$`. */
  address: string;
}

const ADDRESS = /^\$?([A-Za-z]{1,3})\$?(\d{1,7})$/;

/** `B58` → { col: 2, row: 58 } (both 1-based), or undefined if not an A1 address. */
export function splitAddress(address: string): { col: number; row: number } | undefined {
  const m = ADDRESS.exec(address);
  if (!m) return undefined;
  const col = [...m[1]!.toUpperCase()].reduce((n, c) => n * 26 + c.charCodeAt(0) - 64, 0);
  const row = Number(m[2]);
  return row >= 1 ? { col, row } : undefined;
}

export function columnName(col: number): string {
  let s = '';
  for (let n = col; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
  return s;
}

export function joinAddress(col: number, row: number): string {
  return `${columnName(col)}${row}`;
}

/** A sheet name needs quotes unless it is a plain identifier that cannot be read as a cell address. */
export function quoteSheet(sheet: string): string {
  const plain = /^[A-Za-z_][A-Za-z0-9_.]*$/.test(sheet) && !splitAddress(sheet) && !/^R\d*C\d*$/i.test(sheet);
  return plain ? sheet : `'${sheet.replace(/'/g, "''")}'`;
}

export function formatRef(ref: CellRef): string {
  return `${quoteSheet(ref.sheet)}!${ref.address}`;
}

/** Parses `Sheet1!B3`, `'My sheet'!$B$3`; undefined if the text is not such a reference. */
export function parseRef(text: string): CellRef | undefined {
  const m = /^\s*(?:'((?:[^']|'')+)'|([^'!]+))!(\S+)\s*$/.exec(text);
  if (!m) return undefined;
  const sheet = m[1] !== undefined ? m[1].replace(/''/g, "'") : m[2]!.trim();
  const at = splitAddress(m[3]!);
  return at ? { sheet, address: joinAddress(at.col, at.row) } : undefined;
}
