// The config an xlgrad workbook stores: the text of the config_json cell and
// of the cells below it (inputsSheet.ts splits long JSON down column A), read
// from the file's XML without a spreadsheet program, so `verify` can validate
// it before LibreOffice starts.
//
// What is read (ECMA-376 Part 1, SpreadsheetML): the defined name in
// xl/workbook.xml gives `sheet!$A$2`; the <sheet> element of that name gives a
// relationship id, which xl/_rels/workbook.xml.rels maps to the sheet's part;
// there each <c r="A2" t="…"> holds a shared-string index (t="s", into
// xl/sharedStrings.xml), inline text (t="inlineStr") or a formula's text result
// (t="str"). OOXML writes characters XML cannot hold as _xHHHH_.

import { escapeControls } from '../csv.ts';
import { parseAddress, parseReference } from '../spreadsheet/address.ts';
import { CONFIG } from './names.ts';
import { xmlTags } from './xmlTags.ts';
import type { ZipEntry } from './zipDirectory.ts';
import { zipPartText } from './zipPartText.ts';

/** The stored text, or why there is none (`the workbook has no config_json cell`). */
export type StoredConfigText = { text: string } | { missing: string };

/** Cell text with SpreadsheetML's _xHHHH_ escapes decoded (`_x005F_` is `_`). */
const cellText = (s: string): string => s.replace(/_x([0-9A-Fa-f]{4})_/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));

/** `'My sheet'!$A$2` → sheet, column number, row (one cell only). */
function parseCellRef(ref: string): { sheet: string; column: number; row: number } | undefined {
  const at = ref.length > 300 ? undefined : parseReference(ref);
  return at && !at.to ? { sheet: at.sheet, ...at.from } : undefined;
}

/** `worksheets/sheet5.xml` (relative to xl/) or `/xl/worksheets/sheet5.xml` (from the root) as a part name. */
function partName(target: string): string {
  const parts: string[] = [];
  for (const p of (target.startsWith('/') ? target : `xl/${target}`).split('/')) {
    if (p === '..') parts.pop();
    else if (p !== '' && p !== '.') parts.push(p);
  }
  return parts.join('/');
}

/** The text of each <si> of the shared strings, its <t> runs joined, phonetic guides (<rPh>) left out. */
function sharedStrings(xml: string): string[] {
  const out: string[] = [];
  let current: string | undefined, phonetic = false, inText = false;
  for (const t of xmlTags(xml)) {
    if (t.name === 'si') {
      if (!t.closing) current = '';
      if (t.closing || t.empty) {
        out.push(current ?? '');
        current = undefined;
      }
    } else if (t.name === 'rPh') phonetic = !t.closing && !t.empty;
    else if (t.name === 't') inText = !t.closing && !t.empty;
    if (inText && !phonetic && current !== undefined && t.name === 't') current += cellText(t.text);
  }
  return out;
}

/** Column `col` (1-based) of a sheet part: each cell's type (`t`), its <v> and its inline <t> text, by row. */
function column(xml: string, col: number): Map<number, { type: string; v?: string; inline: string }> {
  const cells = new Map<number, { type: string; v?: string; inline: string }>();
  let cell: { type: string; v?: string; inline: string } | undefined;
  for (const t of xmlTags(xml)) {
    if (t.name === 'c') {
      cell = undefined;
      if (t.closing) continue;
      const r = parseAddress(t.attributes.get('r') ?? '');
      if (!r || r.column !== col) continue;
      const found = { type: t.attributes.get('t') ?? 'n', inline: '' };
      cells.set(r.row, found);
      if (!t.empty) cell = found;
    } else if (cell && !t.closing && !t.empty) {
      if (t.name === 'v') cell.v = t.text;
      else if (t.name === 't') cell.inline += cellText(t.text);
    }
  }
  return cells;
}

/**
 * The config_json text of the workbook in `bytes` (whose zip directory is
 * `entries`), read until it is longer than `maxBytes` UTF-8 bytes (the caller
 * refuses that). Throws when a part it needs cannot be inflated.
 */
export function storedConfigText(bytes: Uint8Array, entries: ZipEntry[], maxBytes: number): StoredConfigText {
  const part = (name: string) => zipPartText(bytes, entries, name) ?? '';
  let ref: string | undefined;
  const sheets: Map<string, string>[] = [];
  let inName = false;
  for (const t of xmlTags(part('xl/workbook.xml'))) {
    if (t.name === 'sheet' && !t.closing) sheets.push(t.attributes);
    if (t.name === 'definedName') inName = !t.closing && !t.empty && t.attributes.get('name') === CONFIG && !t.attributes.has('localSheetId');
    if (inName && ref === undefined) ref = t.text;
  }
  if (ref === undefined) return { missing: `the workbook has no ${CONFIG} cell` };
  const at = parseCellRef(ref);
  if (!at) return { missing: `${CONFIG} refers to ${escapeControls(JSON.stringify(ref.slice(0, 40)))}, not to one cell` };

  const sheet = sheets.find((a) => a.get('name') === at.sheet) ?? sheets.find((a) => a.get('name')?.toLowerCase() === at.sheet.toLowerCase());
  const id = sheet && [...sheet].find(([k]) => k === 'id' || k.endsWith(':id'))?.[1];
  let target: string | undefined;
  for (const t of xmlTags(part('xl/_rels/workbook.xml.rels'))) {
    if (id !== undefined && t.name === 'Relationship' && t.attributes.get('Id') === id) target ??= t.attributes.get('Target');
  }
  if (target === undefined) return { missing: `${CONFIG} is on a sheet the workbook does not have` };

  const cells = column(part(partName(target)), at.column);
  let shared: string[] | undefined;
  let text = '';
  let size = 0;
  for (let row = at.row; size <= maxBytes; row++) {
    const cell = cells.get(row);
    if (!cell) break;
    const piece =
      cell.type === 's' ? (shared ??= sharedStrings(part('xl/sharedStrings.xml')))[Number(cell.v)]
      : cell.type === 'inlineStr' ? cell.inline
      : cell.type === 'str' ? cellText(cell.v ?? '')
      : undefined;
    if (!piece) break; // not text, or empty: the JSON has ended
    text += piece;
    size += new TextEncoder().encode(piece).length;
  }
  if (text === '') return { missing: `the ${CONFIG} cell holds no text` };
  return { text };
}
