// One part of a zip archive as text, for reading a workbook's own XML
// (xl/workbook.xml, a sheet, the shared strings) without a spreadsheet program.
// Node only (zlib). Call it on archives zipPartsProblem has passed: the cap
// below then only restates what was checked.

import { inflateRawSync } from 'node:zlib';
import { MAX_PART_BYTES } from './zipLimits.ts';
import { entryData, type ZipEntry } from './zipDirectory.ts';

/**
 * The part named `name` (compared without case, as OPC part names are),
 * inflated and decoded as UTF-8; undefined when the archive has no such part.
 * Throws when the part cannot be inflated.
 */
export function zipPartText(bytes: Uint8Array, entries: ZipEntry[], name: string): string | undefined {
  const wanted = name.toLowerCase();
  const entry = entries.find((e) => e.name.toLowerCase() === wanted);
  if (!entry) return undefined;
  const data = entryData(bytes, entry);
  const raw = entry.method === 0 ? data : inflateRawSync(data, { maxOutputLength: MAX_PART_BYTES });
  return new TextDecoder().decode(raw);
}
