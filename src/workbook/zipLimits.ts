// The bounds on a workbook's zip archive, checked before any part of it is
// parsed (exceljs, our own XML readers) or handed to LibreOffice. Deflate
// shrinks a run of equal bytes about 1,000-fold, so a 2 MB file can hold a
// 2 GB part; every part counts, referenced or not, because exceljs inflates
// them all and LibreOffice inflates the sheets it loads.
//
// Two passes: the sizes the zip directory declares, then the sizes the parts
// really inflate to, counted as the bytes stream past with a cap, so a part
// that lies about its size is caught without ever being held in memory. Runs
// in Node and in the browser (DecompressionStream).

import { escapeControls, shorten } from '../csv.ts';
import { entryData, NotAZip, zipDirectory, type ZipEntry } from './zipDirectory.ts';
import { MAX_INFLATED_BYTES, MAX_PART_BYTES, MAX_PARTS } from '../limits.ts';

export { MAX_INFLATED_BYTES, MAX_PART_BYTES, MAX_PARTS };

/** Compressed bytes handed to the inflater at a time: each slice inflates to at most about 1,000 times its size before the count is checked. */
const SLICE = 16 * 1024;

const mb = (n: number) => (n < 2 ** 20 ? `${n.toLocaleString('en-US')} bytes` : `${(n / 2 ** 20).toLocaleString('en-US', { maximumFractionDigits: 1 })} MB`);
const limitMb = (n: number) => `${n / 2 ** 20} MB`;
/** A part's name as the file spells it, fit for a one-line message. */
const part = (e: ZipEntry) => escapeControls(shorten(e.name, 80));

/** The declared sizes: one clause saying what is wrong, or undefined. */
function declaredProblem(entries: ZipEntry[]): string | undefined {
  if (entries.length > MAX_PARTS) return `it has ${entries.length.toLocaleString('en-US')} parts; at most ${MAX_PARTS.toLocaleString('en-US')} are allowed`;
  let total = 0;
  for (const e of entries) {
    if (e.flags & 1) return `its part ${part(e)} is encrypted`;
    if (e.method !== 0 && e.method !== 8) return `its part ${part(e)} is compressed with method ${e.method}; only stored (0) and deflated (8) parts are read`;
    if (e.method === 0 && e.size !== e.compressedSize) return `broken zip archive (the stored part ${part(e)} declares ${mb(e.size)} but holds ${mb(e.compressedSize)})`;
    if (e.size > MAX_PART_BYTES) return `its part ${part(e)} declares ${mb(e.size)} when inflated; at most ${limitMb(MAX_PART_BYTES)} per part are allowed`;
    total += e.size;
    if (total > MAX_INFLATED_BYTES) return `its parts declare more than ${limitMb(MAX_INFLATED_BYTES)} when inflated (at ${part(e)}); at most ${limitMb(MAX_INFLATED_BYTES)} in all are allowed`;
  }
  return undefined;
}

/** Bytes `data` inflates to, counted up to `cap` + one slice's worth; undefined if it is not a complete deflate stream. */
async function inflatedSize(data: Uint8Array, cap: number): Promise<number | undefined> {
  let offset = 0;
  // Pulled a slice at a time, so the inflater never runs far ahead of the count.
  const source = new ReadableStream<Uint8Array<ArrayBuffer>>({
    pull(controller) {
      if (offset >= data.length) controller.close();
      else controller.enqueue(data.slice(offset, (offset += SLICE)));
    },
  });
  const reader = source.pipeThrough(new DecompressionStream('deflate-raw')).getReader();
  let n = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return n;
      n += value.length;
      if (n > cap) return n;
    }
  } catch {
    return undefined;
  } finally {
    reader.cancel().catch(() => {});
  }
}

/** Archives already measured, so a second reader of the same bytes does not inflate them again. */
const measured = new WeakSet<Uint8Array>();

/**
 * What makes the zip archive in `bytes` too big (or too broken) to open, as one
 * clause (`its part xl/worksheets/sheet2.xml inflates to more than 256 MB; …`),
 * or undefined when every part is within the limits above. Nothing is kept:
 * each part is inflated only to count its bytes.
 */
export async function zipPartsProblem(bytes: Uint8Array): Promise<string | undefined> {
  if (measured.has(bytes)) return undefined;
  let entries: ZipEntry[];
  try {
    entries = zipDirectory(bytes);
  } catch (e) {
    if (e instanceof NotAZip) return e.message;
    throw e;
  }
  const declared = declaredProblem(entries);
  if (declared !== undefined) return declared;
  let total = 0;
  for (const e of entries) {
    let data: Uint8Array;
    try {
      data = entryData(bytes, e);
    } catch (err) {
      if (err instanceof NotAZip) return err.message;
      throw err;
    }
    if (e.method === 0) continue; // stored: its size is its compressed size, checked above
    const cap = Math.min(MAX_PART_BYTES, MAX_INFLATED_BYTES - total);
    const size = await inflatedSize(data, cap);
    if (size === undefined) return `broken zip archive (its part ${part(e)} cannot be inflated)`;
    if (size > MAX_PART_BYTES) return `its part ${part(e)} inflates to more than ${limitMb(MAX_PART_BYTES)} (the zip directory says ${mb(e.size)}); at most ${limitMb(MAX_PART_BYTES)} per part are allowed`;
    if (size > cap) return `its parts inflate to more than ${limitMb(MAX_INFLATED_BYTES)} in all (at ${part(e)}); at most ${limitMb(MAX_INFLATED_BYTES)} are allowed`;
    if (size !== e.size) return `broken zip archive (its part ${part(e)} inflates to ${mb(size)}, the zip directory says ${mb(e.size)})`;
    total += size;
  }
  measured.add(bytes);
  return undefined;
}
