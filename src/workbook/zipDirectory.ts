// The entries of a zip archive, read from its central directory (PKWARE
// APPNOTE.TXT, 4.3): the end of central directory record (signature
// 0x06054b50) gives the entry count (offset 10) and the directory's offset
// (16); each directory header (0x02014b50) holds the general purpose flags at
// 8, the compression method at 10, time and date at 12 and 14, the compressed
// and uncompressed sizes at 20 and 24, the name, extra and comment lengths at
// 28, 30, 32 and its local header's offset at 42; a local
// header (0x04034b50) holds time and date at 10 and 12 and the name and extra
// lengths at 26 and 28, after which the data starts.

export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflated. */
  method: number;
  /** General purpose bit flags; bit 0 set means the entry is encrypted. */
  flags: number;
  compressedSize: number;
  /** The inflated size the directory declares (0xffffffff: look in a ZIP64 record). */
  size: number;
  /** Offset of the entry's directory header and of its local header. */
  central: number;
  local: number;
}

/** Thrown for bytes that are not a readable zip archive. */
export class NotAZip extends Error {
  override name = 'NotAZip';
}

/** Offset of the end of central directory record. */
export function endOfDirectory(view: DataView): number {
  // The record is 22 bytes plus a comment of at most 65,535.
  for (let at = view.byteLength - 22; at >= Math.max(0, view.byteLength - 22 - 0xffff); at--) {
    if (view.getUint32(at, true) === 0x06054b50) return at;
  }
  throw new NotAZip('not a zip archive (no end of central directory)');
}

export function zipDirectory(bytes: Uint8Array): ZipEntry[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = endOfDirectory(view);
  const count = view.getUint16(end + 10, true);
  const names = new TextDecoder();
  const entries: ZipEntry[] = [];
  let at = view.getUint32(end + 16, true);
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || view.getUint32(at, true) !== 0x02014b50) throw new NotAZip('broken zip archive (bad central directory)');
    const nameLength = view.getUint16(at + 28, true);
    const local = view.getUint32(at + 42, true);
    if (local + 30 > bytes.length || view.getUint32(local, true) !== 0x04034b50) throw new NotAZip('broken zip archive (bad local header)');
    entries.push({
      name: names.decode(bytes.subarray(at + 46, at + 46 + nameLength)),
      method: view.getUint16(at + 10, true),
      flags: view.getUint16(at + 8, true),
      compressedSize: view.getUint32(at + 20, true),
      size: view.getUint32(at + 24, true),
      central: at,
      local,
    });
    at += 46 + nameLength + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
  }
  return entries;
}

/** The still compressed bytes of an entry. */
export function entryData(bytes: Uint8Array, e: ZipEntry): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = e.local + 30 + view.getUint16(e.local + 26, true) + view.getUint16(e.local + 28, true);
  if (start + e.compressedSize > bytes.length) throw new NotAZip(`broken zip archive (${e.name} is truncated)`);
  return bytes.subarray(start, start + e.compressedSize);
}
