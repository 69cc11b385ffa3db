// exceljs, reached through one door for the checker: reading a learner's
// workbook and annotating a copy of it both open it here. Files written by
// other spreadsheet programs sometimes carry document properties
// (docProps/core.xml, app.xml, custom.xml: author, title, company) that exceljs
// cannot parse, and it then refuses the whole file. The checker needs nothing
// from them, so when exceljs fails they are hidden from it and it tries again:
// each docProps entry is renamed in place (`docProps/` → `_ignored/`, the same
// length, in the central directory and the local header; the data and its CRC
// are untouched), a name exceljs does not look at. exceljs is loaded on first
// use, so a page that never checks a workbook never downloads it.

import { zipDirectory } from '../workbook/zipDirectory.ts';

import { excelJS, type ExcelJSTypes } from '../exceljs/excelJS.ts';

export type Workbook = ExcelJSTypes.Workbook;

const PROPS = 'docProps/';
const HIDDEN = '_ignored/';

/** A copy of the bytes with every docProps entry renamed out of exceljs's sight, and the names it had. */
export function withoutDocProps(bytes: Uint8Array): { bytes: Uint8Array; hidden: string[] } {
  const out = bytes.slice();
  const hidden: string[] = [];
  const ascii = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
  for (const e of zipDirectory(bytes)) {
    const lead = e.name.startsWith('/') ? 1 : 0;
    if (!e.name.slice(lead).startsWith(PROPS) || e.name.endsWith('/')) continue;
    // The name sits after the 46-byte directory header and the 30-byte local header.
    out.set(ascii(HIDDEN), e.central + 46 + lead);
    out.set(ascii(HIDDEN), e.local + 30 + lead);
    hidden.push(e.name.slice(lead));
  }
  return { bytes: out, hidden };
}

/**
 * The workbook as exceljs reads it, and a note when its document properties
 * had to be left out. Throws exceljs's own error when it cannot read the file
 * even without them.
 */
export async function openXlsx(bytes: Uint8Array): Promise<{ wb: Workbook; notes: string[] }> {
  const ExcelJS = await excelJS();
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(bytes.slice().buffer as ArrayBuffer);
    return { wb, notes: [] };
  } catch (first) {
    let stripped: ReturnType<typeof withoutDocProps>;
    try {
      stripped = withoutDocProps(bytes);
    } catch {
      throw first;
    }
    if (stripped.hidden.length === 0) throw first;
    const again = new ExcelJS.Workbook();
    try {
      await again.xlsx.load(stripped.bytes.buffer as ArrayBuffer);
    } catch {
      throw first;
    }
    const why = String((first as Error)?.message ?? first).split('\n')[0]!.slice(0, 120);
    return { wb: again, notes: [`document properties ${stripped.hidden.join(', ')} could not be read (${why}); left out, they hold nothing the check needs`] };
  }
}
