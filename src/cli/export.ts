// `xlgrad export`: the run as an Excel workbook of live formulas, the same
// workbook as OpenDocument (converted by LibreOffice), or a PyTorch script.

import { readFileSync } from 'node:fs';
import { basename, dirname, extname, resolve } from 'node:path';
import type { Config } from '../config.ts';
import { escapeControls } from '../csv.ts';
import { parseJson } from '../parseJson.ts';
import { pytorchScript } from '../pytorchScript.ts';
import { formulaCount, layoutPlanned, planLayout, type LayoutKind } from '../workbook/layout.ts';
import { writeWorkbook } from '../workbook/writeWorkbook.ts';
import { configFrom, configOptions, parseArgs, UsageError, type Option, type Parsed } from './args.ts';
import type { Io } from './main.ts';
import { checkOutput, writeOutput, type Input } from './writeOutput.ts';

export const usage = 'xlgrad export <config.json> | --preset NAME [--out file.xlsx|.ods|.py] [--format xlsx|ods|py] [--dtype float32|float64] [--layout sheets|rows]';

export const options: Option[] = [
  ...configOptions,
  ['--out file.xlsx|.ods|.py', "where to write it (default: the preset's or the config file's name, with the format's extension, in the current folder)"],
  ['--format xlsx|ods|py', 'an Excel workbook, the same workbook as OpenDocument (needs LibreOffice), or a PyTorch script that trains the same run (default: from --out, else xlsx)'],
  ['--layout sheets|rows', 'workbooks: one sheet per step (the teaching layout, default up to 50 steps) or one row per step on a Training sheet (default above)'],
];

const FORMATS = ['xlsx', 'ods', 'py'] as const;
type Format = (typeof FORMATS)[number];
const isFormat = (s: string): s is Format => (FORMATS as readonly string[]).includes(s);

/** --format, or the extension of --out when it is one of the formats', else xlsx. A --format that contradicts --out's extension is refused. */
function formatOf(p: Parsed): Format {
  const ext = p.flags.out === undefined ? '' : extname(String(p.flags.out)).slice(1).toLowerCase();
  const given = p.flags.format;
  if (given === undefined) return isFormat(ext) ? ext : 'xlsx';
  if (given === true || !isFormat(given)) throw new UsageError(`--format: must be xlsx, ods or py; got ${escapeControls(JSON.stringify(given))}`);
  if (isFormat(ext) && ext !== given) throw new UsageError(`--out ${escapeControls(String(p.flags.out))}: ends in .${ext}, but --format is ${given}; give one or make them agree`);
  return given;
}

/** article.xlsx for --preset article, runs/my-net.json → my-net.xlsx (in the current directory); .ods or .py for those formats. */
function defaultOut(p: Parsed, format: Format): string {
  const from = p.flags.preset !== undefined ? String(p.flags.preset) : basename(p.positional[0]!).replace(/\.json$/i, '');
  return `${from}.${format}`;
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
  const format = formatOf(p);
  if (format === 'py') {
    if (kind !== undefined) throw new UsageError('--layout: applies to workbooks (--format xlsx or ods), not to a PyTorch script');
    return exportScript(p, configFrom(p, usage), io);
  }
  // Refused before any work or progress line: one line naming the field.
  const config = configFrom(p, usage);
  const out = p.flags.out === undefined ? defaultOut(p, format) : String(p.flags.out);
  checkOutput(out, inputsOf(p), 'the workbook');
  // Loaded only for .ods, so the other formats never load the LibreOffice bridge.
  const office = format === 'ods' ? await import('../libreoffice/libreoffice.ts') : undefined;
  if (office) {
    const status = office.libreOfficeStatus();
    if (!status.ok) throw new UsageError(`--format ods: converting to .ods needs LibreOffice: ${status.message}`);
  }
  const shown = escapeControls(out);
  // A long run takes seconds to lay out and to zip: say what is happening.
  // A workbook too big is refused here, in one line, before the progress lines.
  const planned = planLayout(config, { layout: kind as LayoutKind | undefined });
  const long = config.epochs >= LONG_RUN;
  if (long) io.err(`xlgrad export: laying out ${config.epochs.toLocaleString('en-US')} epochs of formulas…`);
  const layout = layoutPlanned(planned);
  const cells = formulaCount(layout);
  if (long) io.err(`xlgrad export: writing ${cells.toLocaleString('en-US')} formulas to ${shown}…`);
  const xlsx = await writeWorkbook(layout);
  const bytes = office ? await toOds(xlsx, office, shown) : xlsx;
  writeOutput(out, bytes, 'the workbook');
  io.out(`wrote ${shown}: ${layout.sheets.length - 1} sheets, ${cells.toLocaleString('en-US')} formulas, ${Object.keys(layout.names).length.toLocaleString('en-US')} named values (${Math.ceil(bytes.length / 1024)} kB)`);
  return 0;
}

/** The workbook as .ods, converted by LibreOffice (the caller writes --out). */
function toOds(xlsx: Uint8Array, office: typeof import('../libreoffice/libreoffice.ts'), shown: string): Promise<Uint8Array> {
  return office.convertWorkbook({ bytes: xlsx, type: 'xlsx' }, 'ods').catch((e: unknown) => {
    throw e instanceof office.LibreOfficeError ? new UsageError(`${shown}: cannot convert to .ods: ${escapeControls(e.message)}`) : e;
  });
}

/** `--format py`: the run as a standalone PyTorch script (pytorchScript.ts); any config the engine runs. */
function exportScript(p: Parsed, config: Config, io: Io): number {
  const out = p.flags.out === undefined ? defaultOut(p, 'py') : String(p.flags.out);
  checkOutput(out, inputsOf(p), 'the PyTorch script');
  const bytes = new TextEncoder().encode(pytorchScript(config));
  writeOutput(out, bytes, 'the PyTorch script');
  const steps = config.epochs * Math.ceil(config.x.length / config.batchSize);
  io.out(`wrote ${escapeControls(out)}: a PyTorch script of ${steps.toLocaleString('en-US')} optimizer steps (${Math.ceil(bytes.length / 1024)} kB); run it with python3 ${escapeControls(out)}`);
  return 0;
}
