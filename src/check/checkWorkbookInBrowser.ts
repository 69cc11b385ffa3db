// The notebook's upload cell: the same check as `xlgrad check`, on the bytes of
// an uploaded file, without Node. LibreOffice is not available in a browser, so
// the workbook is recalculated by the in-browser formula engine; with
// `recalculate: false` the values the file has cached are used instead, and the
// report says which. Failures come back as data (`error`), never as a throw.

import type { Report } from './check.ts';
import { checkBook, checkDocument, mappingFileOf, planRuns, unusableDocument, type BookCheck } from './checkBook.ts';
import { checkConfig, parseCheckConfig } from './checkConfig.ts';
import { CheckError } from './checkError.ts';
import { formatBookCheck } from './formatReport.ts';
import { parseMappingFiles } from './mapping.ts';
import { readXlsx } from './readXlsx.ts';
import { recalculateBook } from './recalculateBook.ts';
import { sniffWorkbook } from './sniffWorkbook.ts';

export interface BrowserCheckOptions {
  /** The uploaded file's name, for messages (and to refuse .xlsm/.xls by name). */
  fileName?: string;
  /** A mapping file's text (`{"w1_e1": "Sheet1!B3", …}`). */
  map?: string;
  /** A check config: JSON text or an object such as {"loss": "half_squared_error"}. */
  config?: string | object;
  /** Recalculate with the in-browser engine (default) or use the file's cached values. */
  recalculate?: boolean;
}

export interface BrowserCheck {
  /** The first run's report (the only one, unless the workbook has one run per sheet). */
  report?: Report;
  /** Every run, the verdict and its one-line message. */
  result?: BookCheck;
  /** The JSON document `xlgrad check --json` prints. */
  document: object;
  /** One line saying what is wrong with the input: when there is no report, or when the verdict is `unusable` (the report then says what was read). */
  error?: string;
  /** The report (or the error) as lines of text. */
  lines: string[];
  /** The detected mapping as JSON, to download, correct and upload back. */
  mappingJson?: string;
}

export async function checkWorkbookInBrowser(bytes: Uint8Array, opts: BrowserCheckOptions = {}): Promise<BrowserCheck> {
  const file = opts.fileName ?? 'workbook.xlsx';
  try {
    sniffWorkbook(bytes, file);
    const cached = await readXlsx(bytes, file);
    const recalc = opts.recalculate !== false;
    const book = recalc ? recalculateBook(cached) : cached;
    const values = recalc ? 'recalculated in the browser by fast-formula-parser (your formulas, not the values saved in the file)' : 'the values cached in the file when it was last saved (not recalculated: a stale value shows as it is)';
    const config = opts.config === undefined ? checkConfig() : typeof opts.config === 'string' ? parseCheckConfig(opts.config, 'config') : checkConfig(opts.config);
    const maps = opts.map === undefined ? undefined : parseMappingFiles(opts.map, 'mapping');
    const plans = planRuns(book, { config, maps });
    const result = checkBook(book, { config, maps, values }, plans);
    const out: BrowserCheck = { report: result.runs[0], result, document: checkDocument(result), lines: formatBookCheck(result), mappingJson: mappingFileOf(plans) };
    if (result.verdict === 'unusable') out.error = result.message;
    return out;
  } catch (e) {
    if (e instanceof CheckError) return { error: e.message, document: unusableDocument(e.message), lines: [e.message] };
    throw e;
  }
}
