// `xlgrad verify`: recalculates a workbook in LibreOffice and compares every
// named value with the engine's float64 run of the same config.
//
// The file is checked before LibreOffice starts (size, zip, workbook, xlgrad's
// names), so a wrong file fails in milliseconds with one line, never a hang.

import { statSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { parseConfig, type Config } from '../config.ts';
import { recalculatedValues } from '../workbook/columnValues.ts';
import { compareValues, type Comparison } from '../workbook/compareValues.ts';
import type { Recalculated } from '../workbook/libreoffice.ts';
import { engineValues } from '../workbook/engineValues.ts';
import { CONFIG, parseName } from '../workbook/names.ts';
import { supported } from '../workbook/supported.ts';
import { entryData, NotAZip, zipDirectory } from '../workbook/zipDirectory.ts';
import { parseArgs, readConfigFile, readUserFile, UsageError } from './args.ts';
import type { Io } from './main.ts';

export const usage = 'xlgrad verify <file.xlsx> [config.json]';

export const MAX_WORKBOOK_BYTES = 50 * 1024 * 1024;
/** xl/workbook.xml of a 4-million-cell workbook is a few megabytes. */
const MAX_WORKBOOK_XML = 64 * 1024 * 1024;

function readBytes(path: string): Uint8Array {
  return readUserFile(path, 'workbook', MAX_WORKBOOK_BYTES);
}

/** The defined names in the workbook's xl/workbook.xml, read without LibreOffice. */
function definedNames(path: string, bytes: Uint8Array): string[] {
  const notXlsx = (why: string) => new UsageError(`${path}: not an .xlsx workbook (${why})`);
  let entries;
  try {
    entries = zipDirectory(bytes);
  } catch (e) {
    if (e instanceof NotAZip) throw notXlsx(e.message);
    throw e;
  }
  const book = entries.find((e) => e.name === 'xl/workbook.xml');
  if (!book) throw notXlsx('a zip archive without xl/workbook.xml');
  let xml: string;
  try {
    const data = entryData(bytes, book);
    const raw = book.method === 0 ? data : inflateRawSync(data, { maxOutputLength: MAX_WORKBOOK_XML });
    xml = new TextDecoder().decode(raw);
  } catch (e) {
    throw notXlsx(`xl/workbook.xml cannot be read: ${(e as Error).message}`);
  }
  return [...xml.matchAll(/<definedName\b[^>]*\bname="([^"]+)"/g)].map((m) => m[1]!);
}


/** The config stored in the workbook: the config_json cell and the cells below it. */
function storedConfig(path: string, r: Recalculated): Config {
  const at = r.names[CONFIG];
  const sheet = r.sheets.find((s) => s.name === at?.sheet);
  if (!at || !sheet) throw new UsageError(`${path}: the workbook has no ${CONFIG} cell; give the config file: ${usage}`);
  const [, col, row] = String(at.cell).replace(/\$/g, '').match(/^([A-Z]+)(\d+)$/) ?? [];
  let text = '';
  for (let r = Number(row); col !== undefined; r++) {
    const cell = sheet.cells[`${col}${r}`];
    if (cell?.type !== 'text' || cell.text === '') break;
    text += cell.text;
  }
  try {
    return supported(parseConfig(text));
  } catch (e) {
    throw new UsageError(`${path}: ${CONFIG} ${(e as Error).message}`);
  }
}

const fmt = (v: number) => (v === 0 ? '0' : v.toExponential(0).replace('e+', 'e'));

function report(c: Comparison, io: Io): void {
  io.out(`${c.count.toLocaleString('en-US')} values, max relative difference ${fmt(c.maxRelative)}, ${c.mismatches.length} mismatch${c.mismatches.length === 1 ? '' : 'es'}`);
  if (c.maxRelativeNumeric > c.maxRelative) {
    io.out(`  central differences num_dL_d… differ by up to ${fmt(c.maxRelativeNumeric)} relative: a last-bit difference in L (EXP, TANH) divided by 2h; allowed up to 1e-12·(|L⁺|+|L⁻|)/2h`);
  }
  if (c.nearZero > 0) io.out(`  ${c.nearZero.toLocaleString('en-US')} values near 0 differ by more than 1e-12 relative, but less than 1e-15 or 1e-12 of their quantity's largest value: the spreadsheet rounds a difference of nearly equal numbers to 0`);
  for (const m of c.mismatches.slice(0, 30)) io.out(`  ${m.name}: expected ${m.expected}, workbook ${m.got}`);
  if (c.mismatches.length > 30) io.out(`  … and ${c.mismatches.length - 30} more`);
}

export async function verifyCommand(argv: string[], io: Io): Promise<number> {
  const p = parseArgs(argv, { values: [] });
  const [path, configPath, extra] = p.positional;
  if (path === undefined) throw new UsageError(`missing workbook (usage: ${usage})`);
  if (extra !== undefined) throw new UsageError(`unexpected argument ${JSON.stringify(extra)} (usage: ${usage})`);
  const given = configPath === undefined ? undefined : supported(readConfigFile(configPath));
  const names = definedNames(path, readBytes(path));
  if (!names.some((n) => parseName(n)?.kind === 'epoch' || parseName(n)?.kind === 'column' || n === CONFIG)) {
    throw new UsageError(`${path}: not an xlgrad workbook (it has none of xlgrad's defined names, such as w1_e1 or ${CONFIG})`);
  }
  if (!given && !names.includes(CONFIG)) throw new UsageError(`${path}: the workbook has no ${CONFIG} cell; give the config file: ${usage}`);
  // Loaded here, so the other commands never load the LibreOffice bridge.
  const { recalculate, LibreOfficeError } = await import('../workbook/libreoffice.ts');
  const size = statSync(path).size;
  if (size > 2 ** 20) io.err(`xlgrad verify: recalculating ${path} (${(size / 2 ** 20).toFixed(1)} MB) in LibreOffice; large workbooks take a minute or more…`);
  const recalculated = await recalculate(path).catch((e: unknown) => {
    throw e instanceof LibreOfficeError ? new UsageError(`${path}: ${e.message}`) : e;
  });
  const config = given ?? storedConfig(path, recalculated);
  const numeric = names.some((n) => parseName(n)?.kind === 'numeric');
  // The rows layout names columns (L_col): every row of each is compared.
  const layout = names.some((n) => parseName(n)?.kind === 'column') ? 'rows' : 'sheets';
  const result = compareValues(engineValues(config, { numeric, layout }), recalculatedValues(recalculated));
  report(result, io);
  return result.mismatches.length ? 1 : 0;
}
