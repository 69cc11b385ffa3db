// `xlgrad check`: a learner's own workbook, recalculated by LibreOffice (their
// formulas, not the values saved in the file), mapped to the network's
// quantities, compared with the engine; the first wrong cell is named.
// An .ods is converted to .xlsx by LibreOffice first (same sheets, same cell
// addresses, formulas in Excel's syntax), and that copy is what is read and
// annotated; the values are LibreOffice's recalculation of the .ods itself.
// Exit 0: every checked cell agrees; 1: mismatches; 2: the input is unusable.

import type { Book } from '../check/book.ts';
import { checkBook, checkDocument, mappingFileOf, planRuns, unusableDocument } from '../check/checkBook.ts';
import { checkConfig, parseCheckConfig, type CheckConfig } from '../check/checkConfig.ts';
import { CheckError } from '../check/checkError.ts';
import { formatBookCheck } from '../check/formatReport.ts';
import { parseMappingFiles, type Detected } from '../check/mapping.ts';
import { numbersFromText, TEXT_NOTE } from '../check/numbersFromText.ts';
import { readXlsx } from '../check/readXlsx.ts';
import { recalculateBook } from '../check/recalculateBook.ts';
import { isOpenDocument, MAX_WORKBOOK_BYTES, sniffWorkbook } from '../check/sniffWorkbook.ts';
import { annotateWorkbook } from '../check/annotate.ts';
import { escapeControls } from '../csv.ts';
import type { Recalculated } from '../libreoffice/libreoffice.ts';
import { zipPartsProblem } from '../workbook/zipLimits.ts';
import { parseArgs, readUserFile, UsageError, type Option } from './args.ts';
import type { Io } from './main.ts';
import { checkOutput, writeOutput, type Input } from './writeOutput.ts';

export const usage = 'xlgrad check <their.xlsx|.ods> [--map mapping.json] [--config c.json] [--out marked.xlsx] [--print-map] [--json] [--recalc libreoffice|builtin|none]';

export const options: Option[] = [
  ['<their.xlsx|.ods>', 'the workbook to check (it is never modified); an .ods is converted to .xlsx by LibreOffice first'],
  ['--map mapping.json', 'which cell holds which quantity, instead of finding them by their labels or defined names'],
  ['--config c.json', 'what the sheet may not say: the run\'s config with every key optional (default: the article\'s 1-2-2-1 net), e.g. {"loss": "half_squared_error"}'],
  ['--out marked.xlsx', 'write a copy with every checked cell coloured: green agrees, red disagrees (an .xlsx, for an .ods too)'],
  ['--print-map', 'print the mapping found, as JSON to correct and pass back with --map'],
  ['--json', 'print the whole report as one JSON document (verdict, runs, network, root causes)'],
  ['--recalc libreoffice|builtin|none', "who computes the values: LibreOffice (default), the built-in formula engine, or none (the file's cached values)"],
];

const MAX_SIDE_FILE = 1 << 20;

const readSmall = (path: string, what: string) => readUserFile(path, what, MAX_SIDE_FILE).toString('utf8');

// Checked before reading, so a huge file is never loaded.
const readWorkbookBytes = (path: string) => new Uint8Array(readUserFile(path, 'workbook', MAX_WORKBOOK_BYTES));

/**
 * LibreOffice's result as a Book. A defined name that is not one cell (a range,
 * or a formula such as `1/0`, for which LibreOffice gives no sheet and no cell)
 * keeps only its text, so the mapping refuses it by name.
 */
function bookOf(r: Recalculated): Book {
  const names = Object.entries(r.names).map(([n, d]) => [n, typeof d.sheet === 'string' && typeof d.cell === 'string' ? { ref: d.ref, sheet: d.sheet, cell: d.cell } : { ref: d.ref }]);
  return { sheets: r.sheets, names: Object.fromEntries(names) };
}

/** LibreOffice's values, with each formula as written in the file (Excel's syntax, as the learner typed it). */
async function withLibreOffice(path: string, written: Book | undefined): Promise<{ book: Book; version: string }> {
  // Loaded on use: the other recalculation modes work without it.
  const { recalculate, LibreOfficeError } = await import('../libreoffice/libreoffice.ts');
  let recalculated: Book;
  try {
    recalculated = bookOf(await recalculate(path));
  } catch (e) {
    if (e instanceof LibreOfficeError) throw new CheckError(escapeControls(`${path}: ${e.message}`));
    throw e;
  }
  const version = 'LibreOffice';
  if (!written) return { book: numbersFromText(recalculated), version };
  const sheets = recalculated.sheets.map((s) => {
    const source = written.sheets.find((w) => w.name === s.name);
    const cells = Object.fromEntries(Object.entries(s.cells).map(([a, c]) => [a, source?.cells[a]?.formula !== undefined ? { ...c, formula: source.cells[a]!.formula } : c]));
    return { name: s.name, cells };
  });
  // Numbers stored as text are read as numbers, as readXlsx read them; its notes (document properties left out) kept.
  const book = numbersFromText({ sheets, names: recalculated.names });
  return { book: { ...book, notes: [...(written.notes ?? []).filter((n) => !n.startsWith(TEXT_NOTE)), ...(book.notes ?? [])] }, version };
}

/** The .ods at `path` as .xlsx bytes, converted by LibreOffice; one line with the install hint when it is missing. */
async function odsAsXlsx(path: string, shown: string): Promise<Uint8Array> {
  const office = await import('../libreoffice/libreoffice.ts');
  const status = office.libreOfficeStatus();
  if (!status.ok) throw new CheckError(`${shown}: reading an .ods needs LibreOffice: ${status.message}`);
  return office.convertWorkbook(path, 'xlsx').catch((e: unknown) => {
    throw e instanceof office.LibreOfficeError ? new CheckError(escapeControls(`${shown}: cannot convert the .ods to .xlsx: ${e.message}`)) : e;
  });
}

const EXIT = { agree: 0, mismatch: 1, unusable: 2 } as const;

/** The files a check reads, which its --out may not replace. */
function inputsOf(path: string, flags: Record<string, string | true>): Input[] {
  const inputs: Input[] = [{ path, what: 'the workbook being checked' }];
  if (typeof flags.map === 'string') inputs.push({ path: flags.map, what: 'the mapping file' });
  if (typeof flags.config === 'string') inputs.push({ path: flags.config, what: 'the config file' });
  return inputs;
}

export async function checkCommand(argv: string[], io: Io): Promise<number> {
  const p = parseArgs(argv, options, usage);
  if (!p.flags.json) return checkWorkbook(p, io);
  // --json: the unusable input is a document too, on stdout, with exit code 2.
  try {
    return await checkWorkbook(p, io);
  } catch (e) {
    if (!(e instanceof CheckError)) throw e;
    io.out(JSON.stringify(unusableDocument(e.message), null, 2).split('\n').map(escapeControls).join('\n'));
    return EXIT.unusable;
  }
}

async function checkWorkbook(p: ReturnType<typeof parseArgs>, io: Io): Promise<number> {
  if (p.positional.length !== 1) throw new UsageError(`give one workbook (usage: ${usage})`);
  const path = p.positional[0]!;
  const recalc = (p.flags.recalc ?? 'libreoffice') as string;
  if (!['libreoffice', 'builtin', 'none'].includes(recalc)) throw new UsageError(`--recalc: must be libreoffice, builtin or none, got ${JSON.stringify(recalc)}`);
  const out = p.flags.out === undefined ? undefined : String(p.flags.out);
  if (out !== undefined) checkOutput(out, inputsOf(path, p.flags), 'the annotated copy');
  // The copy is annotated by exceljs, which writes .xlsx only.
  if (out !== undefined && !/\.xlsx$/i.test(out)) throw new UsageError(`--out ${escapeControls(out)}: the annotated copy is an .xlsx (of an .ods too: converted by LibreOffice, then coloured); give a name ending in .xlsx`);

  const file = readWorkbookBytes(path);
  // Messages name the files as given, with any control characters escaped.
  const shown = escapeControls(path);
  const ods = isOpenDocument(file);
  if (!ods) sniffWorkbook(file, shown);
  // Before exceljs or LibreOffice inflates anything: a few MB of zip can hold gigabytes.
  const tooBig = await zipPartsProblem(file);
  if (tooBig !== undefined) throw new CheckError(`${shown}: ${tooBig}`);
  const config: CheckConfig = p.flags.config === undefined ? checkConfig() : parseCheckConfig(readSmall(String(p.flags.config), 'config file'), escapeControls(String(p.flags.config)));
  const maps: Detected[] | undefined = p.flags.map === undefined ? undefined : parseMappingFiles(readSmall(String(p.flags.map), 'mapping file'), escapeControls(String(p.flags.map)));
  const bytes = ods ? await odsAsXlsx(path, shown) : file;
  // LibreOffice's .xlsx is opened by exceljs next: its parts are held to the same limits.
  const convertedTooBig = ods ? await zipPartsProblem(bytes) : undefined;
  if (convertedTooBig !== undefined) throw new CheckError(`${shown}, converted to .xlsx: ${convertedTooBig}`);

  const written = await readXlsx(bytes, shown).catch((e: unknown) => (recalc === 'libreoffice' && e instanceof CheckError ? undefined : Promise.reject(e)));
  let book: Book, values: string;
  if (recalc === 'libreoffice') {
    const lo = await withLibreOffice(path, written);
    book = lo.book;
    values = `recalculated by ${lo.version} (your formulas, not the values saved in the file)`;
  } else if (recalc === 'builtin') {
    book = recalculateBook(written!);
    values = 'recalculated by the built-in formula engine (fast-formula-parser), not LibreOffice';
  } else if (ods) {
    book = written!;
    values = 'the values LibreOffice computed converting the .ods to .xlsx (an .ods is always recalculated)';
  } else {
    book = written!;
    values = 'the values cached in the file when it was last saved (not recalculated: a stale value shows as it is)';
  }

  if (p.flags['print-map']) {
    // Line by line: JSON.stringify leaves C1 controls and U+2028 raw; \uXXXX keeps the JSON valid.
    io.out(mappingFileOf(planRuns(book, { config, maps })).split('\n').map(escapeControls).join('\n'));
    return 0;
  }
  const result = checkBook(book, { config, maps, values });
  // Sheet names, labels and formulas come from the learner's file: nothing in them may drive the terminal.
  if (p.flags.json) io.out(JSON.stringify(checkDocument(result), null, 2).split('\n').map(escapeControls).join('\n'));
  else for (const line of formatBookCheck(result)) io.out(escapeControls(line));
  if (out !== undefined) {
    writeOutput(out, await annotateWorkbook(bytes, result.runs), 'the annotated copy');
    if (!p.flags.json) io.out(`annotated copy: ${escapeControls(out)} (${ods ? `an .xlsx converted from ${shown} by LibreOffice; ` : ''}green agrees, red disagrees, blue: where the run starts; ${shown} is unchanged)`);
  }
  return EXIT[result.verdict];
}
