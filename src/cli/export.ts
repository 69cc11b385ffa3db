// `xlgrad export`: the run as an Excel workbook of live formulas.

import { writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { formulaCount, layoutWorkbook, type LayoutKind } from '../workbook/layout.ts';
import { supported } from '../workbook/supported.ts';
import { writeWorkbook } from '../workbook/writeWorkbook.ts';
import { configFrom, parseArgs, UsageError, type Parsed } from './args.ts';
import type { Io } from './main.ts';

export const usage = 'xlgrad export <config.json> | --preset NAME [--out file.xlsx] [--dtype float32|float64] [--layout sheets|rows]';

/** article.xlsx for --preset article, runs/my-net.json → my-net.xlsx (in the current directory). */
function defaultOut(p: Parsed): string {
  const from = p.flags.preset !== undefined ? String(p.flags.preset) : basename(p.positional[0]!).replace(/\.json$/i, '');
  return `${from}.xlsx`;
}

/** Epochs from which an export takes long enough to report its progress. */
const LONG_RUN = 100;

const reasons: Record<string, string> = {
  ENOENT: 'its folder does not exist',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a folder',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  ENOTDIR: 'a part of the path is not a folder',
};

function write(path: string, bytes: Uint8Array): void {
  try {
    writeFileSync(path, bytes);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    throw new UsageError(`--out ${path}: cannot write the workbook (${reasons[code] ?? code ?? (e as Error).message})`);
  }
}

export async function exportCommand(argv: string[], io: Io): Promise<number> {
  const p = parseArgs(argv, { values: ['preset', 'out', 'dtype', 'layout'] });
  if (p.positional.length > 1) throw new UsageError(`unexpected argument ${JSON.stringify(p.positional[1])} (usage: ${usage})`);
  const kind = p.flags.layout;
  if (kind !== undefined && kind !== 'sheets' && kind !== 'rows') throw new UsageError(`--layout: must be sheets or rows, got ${JSON.stringify(kind)}`);
  // Refused before any work or progress line: one line naming the field (supported.ts).
  const config = supported(configFrom(p, usage));
  const out = p.flags.out === undefined ? defaultOut(p) : String(p.flags.out);
  // A long run takes seconds to lay out and to zip: say what is happening.
  const long = config.epochs >= LONG_RUN;
  if (long) io.err(`xlgrad export: laying out ${config.epochs.toLocaleString('en-US')} epochs of formulas…`);
  const layout = layoutWorkbook(config, { layout: kind as LayoutKind | undefined });
  const cells = formulaCount(layout);
  if (long) io.err(`xlgrad export: writing ${cells.toLocaleString('en-US')} formulas to ${out}…`);
  const bytes = await writeWorkbook(layout);
  write(out, bytes);
  io.out(`wrote ${out}: ${layout.sheets.length - 1} sheets, ${cells.toLocaleString('en-US')} formulas, ${Object.keys(layout.names).length.toLocaleString('en-US')} named values (${Math.ceil(bytes.length / 1024)} kB)`);
  return 0;
}
