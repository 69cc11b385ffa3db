// `xlgrad export`: the run as an Excel workbook of live formulas.

import { readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { escapeControls } from '../csv.ts';
import { parseJson } from '../parseJson.ts';
import { formulaCount, layoutPlanned, planLayout, type LayoutKind } from '../workbook/layout.ts';
import { writeWorkbook } from '../workbook/writeWorkbook.ts';
import { configFrom, configOptions, parseArgs, UsageError, type Option, type Parsed } from './args.ts';
import type { Io } from './main.ts';
import { checkOutput, writeOutput, type Input } from './writeOutput.ts';

export const usage = 'xlgrad export <config.json> | --preset NAME [--out file.xlsx] [--dtype float32|float64] [--layout sheets|rows]';

export const options: Option[] = [
  ...configOptions,
  ['--out file.xlsx', "where to write it (default: the preset's or the config file's name, .xlsx, in the current folder)"],
  ['--layout sheets|rows', 'one sheet per step (the teaching layout, default up to 50 steps) or one row per step on a Training sheet (default above)'],
];

/** article.xlsx for --preset article, runs/my-net.json → my-net.xlsx (in the current directory). */
function defaultOut(p: Parsed): string {
  const from = p.flags.preset !== undefined ? String(p.flags.preset) : basename(p.positional[0]!).replace(/\.json$/i, '');
  return `${from}.xlsx`;
}

/** Epochs from which an export takes long enough to report its progress. */
const LONG_RUN = 100;

/**
 * The files the run was read from: the config file and the CSV file its "data"
 * names (found beside it, as readConfigFile finds it). Called once the config
 * has been read and validated, so the file parses.
 */
function inputsOf(p: Parsed): Input[] {
  const file = p.positional[0];
  if (file === undefined) return [];
  const inputs: Input[] = [{ path: file, what: 'the config file' }];
  const raw = parseJson(readFileSync(file, 'utf8'), (m) => new UsageError(m)) as { data?: unknown };
  if (typeof raw.data === 'string') inputs.push({ path: resolve(dirname(file), raw.data), what: "the config's data file" });
  return inputs;
}

export async function exportCommand(argv: string[], io: Io): Promise<number> {
  const p = parseArgs(argv, options, usage);
  const kind = p.flags.layout;
  if (kind !== undefined && kind !== 'sheets' && kind !== 'rows') throw new UsageError(`--layout: must be sheets or rows, got ${escapeControls(JSON.stringify(kind))}`);
  // Refused before any work or progress line: one line naming the field.
  const config = configFrom(p, usage);
  const out = p.flags.out === undefined ? defaultOut(p) : String(p.flags.out);
  checkOutput(out, inputsOf(p), 'the workbook');
  const shown = escapeControls(out);
  // A long run takes seconds to lay out and to zip: say what is happening.
  // A workbook too big is refused here, in one line, before the progress lines.
  const planned = planLayout(config, { layout: kind as LayoutKind | undefined });
  const long = config.epochs >= LONG_RUN;
  if (long) io.err(`xlgrad export: laying out ${config.epochs.toLocaleString('en-US')} epochs of formulas…`);
  const layout = layoutPlanned(planned);
  const cells = formulaCount(layout);
  if (long) io.err(`xlgrad export: writing ${cells.toLocaleString('en-US')} formulas to ${shown}…`);
  const bytes = await writeWorkbook(layout);
  writeOutput(out, bytes, 'the workbook');
  io.out(`wrote ${shown}: ${layout.sheets.length - 1} sheets, ${cells.toLocaleString('en-US')} formulas, ${Object.keys(layout.names).length.toLocaleString('en-US')} named values (${Math.ceil(bytes.length / 1024)} kB)`);
  return 0;
}
