/**
 * Recalculate a workbook (.xlsx or .ods) in real LibreOffice and return full-precision cell and
 * defined-name values; or save it as .ods. recalc.py answers with positions (sheet index, 1-based
 * row and column); this side writes and reads the A1 addresses (src/spreadsheet/address.ts).
 * Design: recalc.py, run by /usr/bin/python3 (the interpreter python3-uno installs into), starts its
 * own headless soffice on a private pipe and profile, forces calculateAll() and prints JSON read
 * through UNO. This side owns what must survive a hung or crashed Python: the temporary profile
 * directory, the timeout, and killing the whole process group (python, oosplash, soffice.bin).
 *
 * Python is started detached, leading a process group of its own, so a Ctrl-C at the terminal
 * never reaches it: the group is killed here when the run ends (however it ends), when this
 * process exits, and on SIGINT, SIGTERM or SIGHUP. Against a SIGKILL, which no handler sees,
 * recalc.py watches its stdin: the pipe closes when this process dies, and Python then kills its
 * group and removes the profile itself.
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, rmSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cellAddress, parseAddress, parseReference } from '../spreadsheet/address.ts';

export const INSTALL_HINT = 'apt-get install -y --no-install-recommends libreoffice-calc-nogui python3-uno';

/** The Debian python3-uno package only serves the system interpreter, not pyenv or venvs. */
const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./recalc.py', import.meta.url));
const DEFAULT_TIMEOUT_MS = 60_000;
const PER_MB_TIMEOUT_MS = 30_000;

/** `formula` is LibreOffice's own spelling (`;` between arguments, `$Sheet.A1` references). */
export type RecalculatedCell =
  | { type: 'value'; value: number; formula?: string }
  | { type: 'text'; text: string; formula?: string }
  | { type: 'error'; error: string; code: number; formula?: string };

export interface RecalculatedSheet {
  name: string;
  /** Keyed by A1 address; empty cells are absent. */
  cells: Record<string, RecalculatedCell>;
  /** The charts drawn on the sheet, as LibreOffice reads them after recalculating. */
  charts: RecalculatedChart[];
}

/** A chart: its titles and, per data series and role (`values-x`, `values-y`), the cells it reads (`$Inputs.$F$4:$F$5`, LibreOffice's spelling) and the values it draws (null: not a finite number). */
export interface RecalculatedChart {
  name: string;
  title: string | null;
  /** The axes' titles, x first. */
  axes: (string | null)[];
  series: Record<string, { range: string; values: (number | null)[] }>[];
}

/** A number typed into a cell before recalculating, as a learner would. */
export interface CellEdit {
  sheet: string;
  /** An A1 address, `B20`. */
  cell: string;
  value: number;
}

export interface RecalculatedName {
  /** The reference as the file writes it, e.g. `Inputs!$B$3`. */
  ref: string;
  /** null when the name is not a reference (a constant or formula). */
  sheet: string | null;
  /** null unless the name refers to exactly one cell. */
  cell: string | null;
  value: number | string | null;
  error: string | null;
}

export interface Recalculated {
  sheets: RecalculatedSheet[];
  /** Workbook names by name; sheet-scoped names as `Sheet!name`. */
  names: Record<string, RecalculatedName>;
}

export type LibreOfficeFailure = 'missing' | 'timeout' | 'load' | 'office';

export class LibreOfficeError extends Error {
  constructor(message: string, readonly reason: LibreOfficeFailure) {
    super(message.replace(/\s*\n\s*/g, ' ')); // callers print it as one line of a report
    this.name = 'LibreOfficeError';
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function findSoffice(): string | undefined {
  const dirs = ['/usr/bin', ...(process.env.PATH ?? '').split(delimiter).filter(Boolean)];
  return dirs.map((dir) => join(dir, 'soffice')).find(isExecutable);
}

export function libreOfficeStatus(): { ok: true } | { ok: false; message: string } {
  if (!findSoffice()) {
    return { ok: false, message: `LibreOffice (soffice) not found; install it with: ${INSTALL_HINT}` };
  }
  const probe = spawnSync(PYTHON, ['-c', 'import uno'], { stdio: 'ignore', timeout: 15_000 });
  if (probe.status !== 0) {
    return { ok: false, message: `${PYTHON} cannot import uno (python3-uno); install it with: ${INSTALL_HINT}` };
  }
  return { ok: true };
}

/**
 * A minute, plus time for the size: a 7 MB workbook of 700,000 formulas takes
 * LibreOffice over a minute to load, calculate and read.
 */
function defaultTimeout(input: WorkbookInput): number {
  let bytes = 0;
  try {
    bytes = typeof input === 'string' ? statSync(input).size : input.bytes.length;
  } catch {
    // the script reports a missing file itself
  }
  return DEFAULT_TIMEOUT_MS + PER_MB_TIMEOUT_MS * (bytes / 2 ** 20);
}

/**
 * A workbook to open: a file (opened read-only), or the bytes of an .xlsx or
 * .ods, written into the run's temporary folder and removed with it, however
 * the run ends (Ctrl-C included).
 */
export type WorkbookInput = string | { bytes: Uint8Array; type: 'xlsx' | 'ods' };

/** What recalc.py prints: cells as [row, column, cell], names as their reference text and, when LibreOffice resolved them, where they are. */
interface Positions {
  sheets: { name: string; cells: [row: number, column: number, cell: RecalculatedCell][]; charts: RecalculatedChart[] }[];
  names: Record<string, { ref: string; sheet?: number; row?: number; column?: number; rows?: number; columns?: number }>;
}

/** recalc.py's positions as A1 addresses, and each name's value read from its cell. */
function addressed(raw: Positions): Recalculated {
  // A loop, not Object.fromEntries: a 10,000-step workbook has half a million cells, and each sheet's positions are let go once addressed.
  const sheets = raw.sheets.map((s) => {
    const cells: Record<string, RecalculatedCell> = {};
    for (const [row, column, cell] of s.cells) cells[cellAddress(row, column)] = cell;
    s.cells = [];
    return { name: s.name, cells, charts: s.charts };
  });
  const byName = new Map(sheets.map((s) => [s.name, s.cells]));
  const names: Record<string, RecalculatedName> = {};
  for (const [key, n] of Object.entries(raw.names)) {
    // Resolved by LibreOffice (an .ods), or the reference as the file writes it (an .xlsx).
    const at = n.sheet !== undefined
      ? { sheet: raw.sheets[n.sheet]?.name ?? null, cell: n.rows === 1 && n.columns === 1 ? cellAddress(n.row!, n.column!) : null }
      : (() => {
          const ref = parseReference(n.ref);
          return ref ? { sheet: ref.sheet, cell: ref.to ? null : cellAddress(ref.from.row, ref.from.column) } : { sheet: null, cell: null };
        })();
    const found = at.sheet !== null && at.cell !== null ? byName.get(at.sheet)?.[at.cell] : undefined;
    names[key] = {
      ref: n.ref, ...at,
      value: found === undefined || found.type === 'error' ? null : found.type === 'value' ? found.value : found.text,
      error: found?.type === 'error' ? found.error : null,
    };
  }
  return { sheets, names };
}

/** Recalculate a workbook (.xlsx or .ods) in headless LibreOffice, after typing in `edits` when given. */
export async function recalculate(input: WorkbookInput, opts: { timeoutMs?: number; edits?: CellEdit[] } = {}): Promise<Recalculated> {
  const edits = (opts.edits ?? []).map((e) => {
    const at = parseAddress(e.cell);
    if (!at) throw new RangeError(`recalculate: ${e.cell} is not an A1 address`);
    return [e.sheet, at.row, at.column, e.value];
  });
  const args = (book: string) => (edits.length ? ['--set', JSON.stringify(edits), book] : [book]);
  return addressed((await runOffice(input, args, opts.timeoutMs)) as Positions);
}

/**
 * The workbook recalculated by LibreOffice and saved `to` OpenDocument (.ods)
 * or Office Open XML (.xlsx), as bytes; nothing is left on disk.
 */
export async function convertWorkbook(input: WorkbookInput, to: 'ods' | 'xlsx', opts: { timeoutMs?: number } = {}): Promise<Uint8Array> {
  let out = '';
  const converted = await runOffice(input, (book, folder) => ['--convert', book, (out = join(folder, `converted.${to}`))], opts.timeoutMs, () => readFile(out));
  return converted as Uint8Array;
}

/**
 * recalc.py run in a fresh profile folder with the arguments `args` gives for
 * the workbook's path and that folder; `before` the folder is removed, `last`
 * reads what the run left in it. Returns the printed JSON, parsed.
 */
async function runOffice(input: WorkbookInput, args: (book: string, folder: string) => string[], timeout?: number, last?: () => Promise<unknown>): Promise<unknown> {
  const timeoutMs = timeout ?? defaultTimeout(input);
  const soffice = findSoffice();
  if (!soffice) throw new LibreOfficeError(`LibreOffice (soffice) not found; install it with: ${INSTALL_HINT}`, 'missing');
  if (!isExecutable(PYTHON)) throw new LibreOfficeError(`${PYTHON} not found; install it with: ${INSTALL_HINT}`, 'missing');

  // A profile per run: soffice instances sharing one hand their work to each other and lose it.
  const profile = await mkdtemp(join(tmpdir(), 'xlgrad-lo-'));
  const run: Run = { profile };
  runs.add(run);
  watchSignals();
  try {
    let book: string;
    if (typeof input === 'string') book = resolve(input);
    else await writeFile((book = join(profile, `workbook.${input.type}`)), input.bytes);
    const printed = await runScript(args(book, profile), book, run, soffice, timeoutMs);
    return last ? await last() : printed;
  } finally {
    killGroup(run);
    await rm(profile, { recursive: true, force: true, maxRetries: 3 });
    runs.delete(run);
    if (runs.size === 0) unwatchSignals();
  }
}

/** A recalculation in progress: its temporary profile folder and, while it may be alive, Python's process group. */
interface Run {
  profile: string;
  group?: number;
}

const runs = new Set<Run>();

function killGroup(run: Run): void {
  if (run.group === undefined) return;
  try {
    process.kill(-run.group, 'SIGKILL');
  } catch {
    // ESRCH: the group is already gone.
  }
  run.group = undefined;
}

/** Synchronous, so it also works in an 'exit' listener: kill every office still running, delete every profile. */
function cleanUpAll(): void {
  for (const run of runs) {
    killGroup(run);
    rmSync(run.profile, { recursive: true, force: true, maxRetries: 3 });
  }
  runs.clear();
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

function onSignal(signal: NodeJS.Signals): void {
  cleanUpAll();
  unwatchSignals();
  // A listener replaces Node's default action (exit); with none left, raise the signal again
  // so the process ends as it would have, with the status a shell expects (130 for Ctrl-C).
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

let watching = false;

function watchSignals(): void {
  if (watching) return;
  watching = true;
  for (const s of SIGNALS) process.on(s, onSignal);
  process.on('exit', cleanUpAll);
}

function unwatchSignals(): void {
  if (!watching) return;
  watching = false;
  for (const s of SIGNALS) process.off(s, onSignal);
  process.off('exit', cleanUpAll);
}

function runScript(args: string[], file: string, run: Run, soffice: string, timeoutMs: number): Promise<unknown> {
  return new Promise((resolvePromise, reject) => {
    // detached: Python leads a new process group that soffice inherits, so one kill reaches all.
    // stdin is a pipe nobody writes to: it closes only when this process dies (recalc.py's watch).
    const child = spawn(PYTHON, [SCRIPT, ...args, run.profile], {
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, XLGRAD_SOFFICE: soffice, XLGRAD_WATCH_STDIN: '1' },
    });
    run.group = child.pid;
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => { err = (err + chunk.toString()).slice(-4000); });
    child.stdin.on('error', () => {}); // EPIPE once Python has gone: nothing to tell it

    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; killGroup(run); }, timeoutMs);

    child.on('error', (e) => {
      clearTimeout(timer);
      run.group = undefined;
      reject(new LibreOfficeError(`cannot run ${PYTHON}: ${e.message}`, 'missing'));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      // The script stops its own soffice; this catches anything it could not (e.g. Python was killed).
      killGroup(run);
      if (timedOut) {
        reject(new LibreOfficeError(`LibreOffice recalculation of ${file} timed out after ${Math.round(timeoutMs / 1000)} s (workbooks of hundreds of sheets can take LibreOffice longer than that)`, 'timeout'));
        return;
      }
      const text = Buffer.concat(out).toString('utf8');
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        const detail = err.trim().split('\n').pop() || `exit code ${code}`;
        reject(new LibreOfficeError(`LibreOffice recalculation failed: ${detail}`, 'office'));
        return;
      }
      const failure = (parsed as { error?: unknown }).error;
      if (code === 0 && failure === undefined) {
        resolvePromise(parsed);
      } else {
        const message = String(failure ?? `exit code ${code}`);
        if (message.includes('python3-uno')) {
          reject(new LibreOfficeError(`${message}; install it with: ${INSTALL_HINT}`, 'missing'));
        } else {
          reject(new LibreOfficeError(message, code === 3 ? 'load' : 'office'));
        }
      }
    });
  });
}
