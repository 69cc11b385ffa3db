// `xlgrad verify`: recalculates a workbook in LibreOffice and compares every
// named value with the engine's float64 run of the same config.
//
// The file is checked before LibreOffice starts (size, zip parts, workbook,
// xlgrad's names, the config and the work it implies), so a wrong file fails
// in milliseconds with one line, never a hang.

import { parseConfig, type Config } from '../config.ts';
import type { WorkbookInput } from '../libreoffice/libreoffice.ts';
import { parseReference } from '../spreadsheet/address.ts';
import { escapeControls } from '../csv.ts';
import { MAX_CONFIG_BYTES, MAX_VERIFY_WORKBOOK_BYTES as MAX_WORKBOOK_BYTES, MAX_WORK } from '../limits.ts';
import { paramCount } from '../names.ts';
import { recalculatedValues } from '../workbook/columnValues.ts';
import { compareValues, type Comparison } from '../workbook/compareValues.ts';
import { engineValues } from '../workbook/engineValues.ts';
import { stepsOf } from '../workbook/layout.ts';
import { CONFIG, parseName } from '../workbook/names.ts';
import { storedConfigText } from '../workbook/storedConfigText.ts';
import { xmlTags } from '../workbook/xmlTags.ts';
import { NotAZip, zipDirectory, type ZipEntry } from '../workbook/zipDirectory.ts';
import { zipPartsProblem } from '../workbook/zipLimits.ts';
import { zipPartText } from '../workbook/zipPartText.ts';
import { parseArgs, readConfigFile, readUserFile, UsageError, type Option } from './args.ts';
import type { Io } from './main.ts';

export const usage = 'xlgrad verify <file.xlsx|.ods> [config.json]';

export const options: Option[] = [
  ['<file.xlsx|.ods>', 'a workbook written by xlgrad export (an .ods is converted to .xlsx by LibreOffice first)'],
  ['[config.json]', 'the config to compare with (default: the one stored in the workbook)'],
];

export { MAX_WORKBOOK_BYTES };

function readBytes(path: string): Uint8Array {
  return readUserFile(path, 'workbook', MAX_WORKBOOK_BYTES);
}

/** The workbook's zip archive: its directory, once every part is known to inflate within the limits (zipLimits.ts). */
async function zipEntries(shown: string, bytes: Uint8Array): Promise<ZipEntry[]> {
  let entries: ZipEntry[];
  try {
    entries = zipDirectory(bytes);
  } catch (e) {
    if (e instanceof NotAZip) throw new UsageError(`${shown}: not an .xlsx workbook (${e.message})`);
    throw e;
  }
  const tooBig = await zipPartsProblem(bytes);
  if (tooBig !== undefined) throw new UsageError(`${shown}: ${tooBig}`);
  return entries;
}

/** The defined names in the workbook's xl/workbook.xml with what each refers to, read without LibreOffice. */
function definedNames(shown: string, bytes: Uint8Array, entries: ZipEntry[]): Map<string, string> {
  const notXlsx = (why: string) => new UsageError(`${shown}: not an .xlsx workbook (${why})`);
  let xml: string | undefined;
  try {
    xml = zipPartText(bytes, entries, 'xl/workbook.xml');
  } catch (e) {
    throw notXlsx(`xl/workbook.xml cannot be read: ${escapeControls((e as Error).message)}`);
  }
  if (xml === undefined) throw notXlsx('a zip archive without xl/workbook.xml');
  const names = new Map<string, string>();
  for (const t of xmlTags(xml)) {
    const name = t.name === 'definedName' && !t.closing ? t.attributes.get('name') : undefined;
    if (name !== undefined) names.set(name, t.text);
  }
  return names;
}

/** The steps a rows-layout workbook holds: the longest of its <q>_col ranges (undefined for the sheets layout). */
function columnRows(refs: Map<string, string>): number | undefined {
  let rows: number | undefined;
  for (const [name, ref] of refs) {
    if (parseName(name)?.kind !== 'column') continue;
    const area = parseReference(ref);
    const n = area?.to ? area.to.row - area.from.row + 1 : 1;
    rows = Math.max(rows ?? 0, n);
  }
  return rows;
}

/** The config stored in the workbook (the config_json cell and the cells below it), validated like a config file. */
function storedConfig(shown: string, bytes: Uint8Array, entries: ZipEntry[]): Config {
  let stored;
  try {
    stored = storedConfigText(bytes, entries, MAX_CONFIG_BYTES);
  } catch (e) {
    throw new UsageError(`${shown}: not an .xlsx workbook (its ${CONFIG} cannot be read: ${escapeControls((e as Error).message)})`);
  }
  if ('missing' in stored) throw new UsageError(`${shown}: ${stored.missing}; give the config file: ${usage}`);
  const size = new TextEncoder().encode(stored.text).length;
  if (size > MAX_CONFIG_BYTES) throw new UsageError(`${shown}: ${CONFIG} holds more than ${MAX_CONFIG_BYTES.toLocaleString('en-US')} bytes of text; at most ${MAX_CONFIG_BYTES.toLocaleString('en-US')} are allowed, as for a config file`);
  try {
    return parseConfig(stored.text);
  } catch (e) {
    throw new UsageError(`${shown}: ${CONFIG} ${(e as Error).message}`);
  }
}

/**
 * Refuses a config whose run cannot be this workbook's before any of it is
 * computed. engineValues gives a value for every name of the run, and a
 * workbook names each parameter and its gradient in every epoch (and three
 * central-difference values per parameter when it has them), so a run needing
 * more names than the workbook defines (a million epochs stored in a 2-epoch
 * workbook) would spend minutes and gigabytes only to find them all missing.
 * The central differences cost 2 forward passes per parameter: epochs × 2 ×
 * parameters × parameters, held to the same bound as a run's work.
 */
function checkFits(config: Config, names: number, numeric: boolean, source: string): void {
  const params = paramCount(config.layers, config.bias);
  const perParam = numeric ? 5 : 2;
  const needed = config.epochs * params * perParam;
  const count = (n: number) => n.toLocaleString('en-US');
  if (needed > names) {
    throw new UsageError(`${source}: ${count(config.epochs)} epochs × ${count(params)} parameters × ${perParam} (${numeric ? 'each parameter, its gradient and 3 central-difference values' : 'each parameter and its gradient'}) = ${count(needed)} named values, but the workbook defines ${count(names)} names; give the config the workbook was exported from`);
  }
  const work = numeric ? config.epochs * 2 * params * params : 0;
  if (work > MAX_WORK) {
    throw new UsageError(`${source}: central differences over ${count(config.epochs)} epochs × 2 × ${count(params)} × ${count(params)} parameters = ${count(work)}; at most ${count(MAX_WORK)} are allowed`);
  }
}

const fmt = (v: number) => (v === 0 ? '0' : v.toExponential(0).replace('e+', 'e'));

function report(c: Comparison, io: Io): void {
  io.out(`${c.count.toLocaleString('en-US')} values, max relative difference ${fmt(c.maxRelative)}, ${c.mismatches.length} mismatch${c.mismatches.length === 1 ? '' : 'es'}`);
  if (c.maxRelativeNumeric > c.maxRelative) {
    io.out(`  central differences num_dL_d… differ by up to ${fmt(c.maxRelativeNumeric)} relative: a last-bit difference in L (EXP, TANH) divided by 2h; allowed up to 1e-12·(|L⁺|+|L⁻|)/2h`);
  }
  if (c.nearZero > 0) io.out(`  ${c.nearZero.toLocaleString('en-US')} values near 0 differ by more than 1e-12 relative, but less than 1e-15 or 1e-12 of their quantity's largest value: the spreadsheet rounds a difference of nearly equal numbers to 0`);
  // `got` may be text from a cell: nothing in it may drive the terminal.
  for (const m of c.mismatches.slice(0, 30)) io.out(escapeControls(`  ${m.name}: expected ${m.expected}, workbook ${m.got}`));
  if (c.mismatches.length > 30) io.out(`  … and ${c.mismatches.length - 30} more`);
}

const ODS = 'application/vnd.oasis.opendocument.spreadsheet';

export async function verifyCommand(argv: string[], io: Io): Promise<number> {
  const p = parseArgs(argv, options, usage);
  const [path, configPath] = p.positional;
  if (path === undefined) throw new UsageError(`missing workbook (usage: ${usage})`);
  const given = configPath === undefined ? undefined : readConfigFile(configPath);
  const shown = escapeControls(path);
  const bytes = readBytes(path);
  const entries = await zipEntries(shown, bytes);
  if (zipPartText(bytes, entries, 'mimetype')?.trim() !== ODS) return verifyXlsx(path, bytes, entries, given, configPath, io, shown);
  // An OpenDocument file: LibreOffice saves it as .xlsx (formulas and defined names as they are), which is verified as any export.
  const office = await import('../libreoffice/libreoffice.ts');
  const status = office.libreOfficeStatus();
  if (!status.ok) throw new UsageError(`${shown}: reading an .ods needs LibreOffice: ${status.message}`);
  const converted = await office.convertWorkbook(path, 'xlsx').catch((e: unknown) => {
    throw e instanceof office.LibreOfficeError ? new UsageError(`${shown}: ${escapeControls(e.message)}`) : e;
  });
  return verifyXlsx({ bytes: converted, type: 'xlsx' }, converted, await zipEntries(shown, converted), given, configPath, io, shown);
}

/** Verifies the .xlsx `book` (`bytes`, its zip `entries`); `shown` names it in messages. */
async function verifyXlsx(book: WorkbookInput, bytes: Uint8Array, entries: ZipEntry[], given: Config | undefined, configPath: string | undefined, io: Io, shown: string): Promise<number> {
  const refs = definedNames(shown, bytes, entries);
  const names = [...refs.keys()];
  if (!names.some((n) => parseName(n)?.kind === 'epoch' || parseName(n)?.kind === 'column' || n === CONFIG)) {
    throw new UsageError(`${shown}: not an xlgrad workbook (it has none of xlgrad's defined names, such as w1_e1 or ${CONFIG})`);
  }
  if (!given && !names.includes(CONFIG)) throw new UsageError(`${shown}: the workbook has no ${CONFIG} cell; give the config file: ${usage}`);
  const config = given ?? storedConfig(shown, bytes, entries);
  const numeric = names.some((n) => parseName(n)?.kind === 'numeric');
  const source = given ? escapeControls(configPath!) : `${shown}: ${CONFIG}`;
  const rows = columnRows(refs);
  if (rows === undefined) checkFits(config, names.length, numeric, source);
  else if (stepsOf(config) > rows) {
    throw new UsageError(`${source}: ${stepsOf(config).toLocaleString('en-US')} steps, but the workbook's columns hold ${rows.toLocaleString('en-US')} steps; give the config the workbook was exported from`);
  }
  // Loaded here, so the other commands never load the LibreOffice bridge.
  const { recalculate, LibreOfficeError } = await import('../libreoffice/libreoffice.ts');
  if (bytes.length > 2 ** 20) io.err(`xlgrad verify: recalculating ${shown} (${(bytes.length / 2 ** 20).toFixed(1)} MB) in LibreOffice; large workbooks take a minute or more…`);
  const recalculated = await recalculate(book).catch((e: unknown) => {
    throw e instanceof LibreOfficeError ? new UsageError(`${shown}: ${escapeControls(e.message)}`) : e;
  });
  // The rows layout names columns (L_col): every row of each is compared.
  const layout = names.some((n) => parseName(n)?.kind === 'column') ? 'rows' : 'sheets';
  const result = compareValues(engineValues(config, { numeric, layout }), recalculatedValues(recalculated));
  report(result, io);
  return result.mismatches.length ? 1 : 0;
}
