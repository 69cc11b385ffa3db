// `xlgrad check`: a learner's own workbook, recalculated by LibreOffice (their
// formulas, not the values saved in the file), mapped to the network's
// quantities, compared with the engine; the first wrong cell is named.
// Exit 0: every checked cell agrees; 1: mismatches; 2: the input is unusable.

import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Book } from '../check/book.ts';
import { checkBook, checkDocument, mappingFileOf, planRuns, unusableDocument } from '../check/checkBook.ts';
import { checkConfig, parseCheckConfig, type CheckConfig } from '../check/checkConfig.ts';
import { CheckError } from '../check/checkError.ts';
import { formatBookCheck } from '../check/formatReport.ts';
import { parseMappingFiles, type Detected } from '../check/mapping.ts';
import { readXlsx } from '../check/readXlsx.ts';
import { recalculateBook } from '../check/recalculateBook.ts';
import { MAX_WORKBOOK_BYTES, sniffWorkbook } from '../check/sniffWorkbook.ts';
import { annotateWorkbook } from '../check/annotate.ts';
import { parseArgs, readUserFile, UsageError } from './args.ts';
import type { Io } from './main.ts';

export const usage = 'xlgrad check <their.xlsx> [--map mapping.json] [--config c.json] [--out marked.xlsx] [--print-map] [--json] [--recalc libreoffice|builtin|none]';

const MAX_SIDE_FILE = 1 << 20;

const readSmall = (path: string, what: string) => readUserFile(path, what, MAX_SIDE_FILE).toString('utf8');

// Checked before reading, so a huge file is never loaded.
const readWorkbookBytes = (path: string) => new Uint8Array(readUserFile(path, 'workbook', MAX_WORKBOOK_BYTES));

/** LibreOffice's values, with each formula as written in the file (Excel's syntax, as the learner typed it). */
async function withLibreOffice(path: string, written: Book | undefined): Promise<{ book: Book; version: string }> {
  // Loaded on use: the other recalculation modes work without it.
  const { recalculate, LibreOfficeError } = await import('../workbook/libreoffice.ts');
  let recalculated: Book;
  try {
    recalculated = (await recalculate(path)) as unknown as Book;
  } catch (e) {
    if (e instanceof LibreOfficeError) throw new CheckError(`${path}: ${e.message}`);
    throw e;
  }
  const version = 'LibreOffice';
  if (!written) return { book: recalculated, version };
  const sheets = recalculated.sheets.map((s) => {
    const source = written.sheets.find((w) => w.name === s.name);
    const cells = Object.fromEntries(Object.entries(s.cells).map(([a, c]) => [a, source?.cells[a]?.formula !== undefined ? { ...c, formula: source.cells[a]!.formula } : c]));
    return { name: s.name, cells };
  });
  return { book: { sheets, names: recalculated.names }, version };
}

const EXIT = { agree: 0, mismatch: 1, unusable: 2 } as const;

export async function checkCommand(argv: string[], io: Io): Promise<number> {
  const p = parseArgs(argv, { values: ['map', 'config', 'out', 'recalc'], booleans: ['print-map', 'json'] });
  if (!p.flags.json) return checkWorkbook(p, io);
  // --json: the unusable input is a document too, on stdout, with exit code 2.
  try {
    return await checkWorkbook(p, io);
  } catch (e) {
    if (!(e instanceof CheckError)) throw e;
    io.out(JSON.stringify(unusableDocument(e.message), null, 2));
    return EXIT.unusable;
  }
}

async function checkWorkbook(p: ReturnType<typeof parseArgs>, io: Io): Promise<number> {
  if (p.positional.length !== 1) throw new UsageError(`give one workbook (usage: ${usage})`);
  const path = p.positional[0]!;
  const recalc = (p.flags.recalc ?? 'libreoffice') as string;
  if (!['libreoffice', 'builtin', 'none'].includes(recalc)) throw new UsageError(`--recalc: must be libreoffice, builtin or none, got ${JSON.stringify(recalc)}`);
  const out = p.flags.out === undefined ? undefined : String(p.flags.out);
  if (out !== undefined && resolve(out) === resolve(path)) throw new UsageError(`--out: ${out} is the workbook being checked; the original is never modified, give another file name`);

  const bytes = readWorkbookBytes(path);
  sniffWorkbook(bytes, path);
  const config: CheckConfig = p.flags.config === undefined ? checkConfig() : parseCheckConfig(readSmall(String(p.flags.config), 'config file'), String(p.flags.config));
  const maps: Detected[] | undefined = p.flags.map === undefined ? undefined : parseMappingFiles(readSmall(String(p.flags.map), 'mapping file'), String(p.flags.map));

  const written = await readXlsx(bytes, path).catch((e: unknown) => (recalc === 'libreoffice' && e instanceof CheckError ? undefined : Promise.reject(e)));
  let book: Book, values: string;
  if (recalc === 'libreoffice') {
    const lo = await withLibreOffice(path, written);
    book = lo.book;
    values = `recalculated by ${lo.version} (your formulas, not the values saved in the file)`;
  } else if (recalc === 'builtin') {
    book = recalculateBook(written!);
    values = 'recalculated by the built-in formula engine (fast-formula-parser), not LibreOffice';
  } else {
    book = written!;
    values = 'the values cached in the file when it was last saved (not recalculated: a stale value shows as it is)';
  }

  if (p.flags['print-map']) {
    io.out(mappingFileOf(planRuns(book, { config, maps })));
    return 0;
  }
  const result = checkBook(book, { config, maps, values });
  if (p.flags.json) io.out(JSON.stringify(checkDocument(result), null, 2));
  else for (const line of formatBookCheck(result)) io.out(line);
  if (out !== undefined) {
    writeFileSync(out, await annotateWorkbook(bytes, result.runs));
    if (!p.flags.json) io.out(`annotated copy: ${out} (green agrees, red disagrees, blue: where the run starts; ${path} is unchanged)`);
  }
  return EXIT[result.verdict];
}
