// Writing a command's output file so that nothing is lost: the target is
// checked before any work (a folder, a missing folder, or one of the command's
// own inputs under another name is refused), and the bytes go to a temporary
// file in the target's folder, flushed to disk, then renamed over the target.
// A rename within one folder is atomic (POSIX rename(2)), so the target is
// either the old file or the whole new one, never a truncated mix, even when
// the disk fills up or the process is stopped halfway.

import { accessSync, closeSync, constants, fsyncSync, openSync, renameSync, statSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { escapeControls } from '../csv.ts';
import { UsageError } from './args.ts';

/** A file the command reads, and how to name it in a refusal: `the workbook being checked`. */
export interface Input {
  path: string;
  what: string;
}

const REASONS: Record<string, string> = {
  ENOENT: 'its folder does not exist',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'it is a folder',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  ENOTDIR: 'a part of the path is not a folder',
  ENAMETOOLONG: 'the name is too long',
};

const reason = (e: unknown): string => {
  const code = (e as NodeJS.ErrnoException).code;
  return (code !== undefined && Object.hasOwn(REASONS, code) ? REASONS[code] : code) ?? escapeControls(String((e as Error).message));
};

const statOrUndefined = (path: string): Stats | undefined => {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
};

/**
 * Refuses `out` (given with `flag`, e.g. `--out`) before any work: when it is a
 * folder, when its folder does not exist, or when it is, by device and inode,
 * one of `inputs` (the same path, a hard link or a symbolic link to it).
 * `what` names the output in messages: `the workbook`.
 */
export function checkOutput(out: string, inputs: Input[], what: string, flag = '--out'): void {
  const shown = escapeControls(out);
  const cannot = (why: string) => new UsageError(`${flag} ${shown}: cannot write ${what} (${why})`);
  const folder = statOrUndefined(dirname(resolve(out)));
  if (!folder) throw cannot(REASONS.ENOENT!);
  if (!folder.isDirectory()) throw cannot(REASONS.ENOTDIR!);
  const target = statOrUndefined(out);
  if (!target) return;
  if (target.isDirectory()) throw cannot(REASONS.EISDIR!);
  // The rename would replace a file the user made read-only; writing in place would have been refused.
  try {
    accessSync(out, constants.W_OK);
  } catch {
    throw cannot(REASONS.EACCES!);
  }
  for (const input of inputs) {
    const source = statOrUndefined(input.path);
    if (source && source.dev === target.dev && source.ino === target.ino) {
      const same = resolve(input.path) === resolve(out) ? '' : ' under another name (a link to it)';
      throw new UsageError(`${flag} ${shown}: is ${input.what}${same}; an input is never overwritten, give another file name`);
    }
  }
}

/**
 * Writes `bytes` to `out` through a temporary file beside it and a rename. On
 * any failure the temporary file is removed, the target is as it was, and the
 * error is one line: `--out x.xlsx: cannot write the workbook (no space left on the device)`.
 */
export function writeOutput(out: string, bytes: Uint8Array, what: string, flag = '--out'): void {
  // Hidden, and short enough for any file system's 255-byte names.
  const tmp = join(dirname(resolve(out)), `.${basename(out).slice(0, 100)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', 0o666);
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, out);
  } catch (e) {
    if (fd !== undefined) {
      try {
        closeSync(fd);
      } catch {
        // already failing; the unlink below is what matters
      }
    }
    try {
      unlinkSync(tmp);
    } catch {
      // never created, or already renamed
    }
    throw new UsageError(`${flag} ${escapeControls(out)}: cannot write ${what} (${reason(e)})`);
  }
}
