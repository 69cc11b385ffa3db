/**
 * Recalculate an .xlsx in real LibreOffice and return full-precision cell and defined-name values.
 * Design: recalc.py, run by /usr/bin/python3 (the interpreter python3-uno installs into), starts its
 * own headless soffice on a private pipe and profile, forces calculateAll() and prints JSON read
 * through UNO. This side owns what must survive a hung or crashed Python: the temporary profile
 * directory, the timeout, and killing the whole process group (python, oosplash, soffice.bin).
 */
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

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
function defaultTimeout(file: string): number {
  let bytes = 0;
  try {
    bytes = statSync(file).size;
  } catch {
    // the script reports a missing file itself
  }
  return DEFAULT_TIMEOUT_MS + PER_MB_TIMEOUT_MS * (bytes / 2 ** 20);
}

/** Recalculate `file` in headless LibreOffice; the file itself is opened read-only. */
export async function recalculate(file: string, opts: { timeoutMs?: number } = {}): Promise<Recalculated> {
  const timeoutMs = opts.timeoutMs ?? defaultTimeout(file);
  const soffice = findSoffice();
  if (!soffice) throw new LibreOfficeError(`LibreOffice (soffice) not found; install it with: ${INSTALL_HINT}`, 'missing');
  if (!isExecutable(PYTHON)) throw new LibreOfficeError(`${PYTHON} not found; install it with: ${INSTALL_HINT}`, 'missing');

  // A profile per run: soffice instances sharing one hand their work to each other and lose it.
  const tmp = await mkdtemp(join(tmpdir(), 'xlgrad-lo-'));
  try {
    return await runScript(resolve(file), join(tmp, 'profile'), soffice, timeoutMs);
  } finally {
    await rm(tmp, { recursive: true, force: true, maxRetries: 3 });
  }
}

function runScript(file: string, profile: string, soffice: string, timeoutMs: number): Promise<Recalculated> {
  return new Promise((resolvePromise, reject) => {
    // detached: Python leads a new process group that soffice inherits, so one kill reaches all.
    const child = spawn(PYTHON, [SCRIPT, file, profile], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, XLGRAD_SOFFICE: soffice },
    });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => { err = (err + chunk.toString()).slice(-4000); });

    const killGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // ESRCH: the group is already gone.
      }
    };
    let timedOut = false;
    const timer = setTimeout(() => { timedOut = true; killGroup(); }, timeoutMs);

    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new LibreOfficeError(`cannot run ${PYTHON}: ${e.message}`, 'missing'));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      // The script stops its own soffice; this catches one it could not (e.g. Python was killed).
      if (code !== 0) killGroup();
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
        resolvePromise(parsed as Recalculated);
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
