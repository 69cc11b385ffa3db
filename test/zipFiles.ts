// Zip archives built by hand for the robustness and fuzz tests: a workbook's
// parts read out and written back (changed, added, lying about their size),
// and deflate streams that inflate ~1,000-fold without ever being held
// inflated here. Written from PKWARE's APPNOTE.TXT (4.3), independently of
// src/workbook/zipDirectory.ts.

import { constants, crc32, deflateRawSync, inflateRawSync } from 'node:zlib';

export interface Part {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  /** As stored (compressed for method 8). */
  data: Uint8Array;
  crc: number;
  /** The inflated size the directory declares. */
  size: number;
}

export function readParts(bytes: Uint8Array): Part[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let end = bytes.length - 22;
  while (v.getUint32(end, true) !== 0x06054b50) end--;
  const parts: Part[] = [];
  for (let i = 0, at = v.getUint32(end + 16, true); i < v.getUint16(end + 10, true); i++) {
    const nameLength = v.getUint16(at + 28, true), local = v.getUint32(at + 42, true), compressed = v.getUint32(at + 20, true);
    const start = local + 30 + v.getUint16(local + 26, true) + v.getUint16(local + 28, true);
    parts.push({
      name: new TextDecoder().decode(bytes.subarray(at + 46, at + 46 + nameLength)),
      method: v.getUint16(at + 10, true),
      crc: v.getUint32(at + 16, true),
      size: v.getUint32(at + 24, true),
      data: bytes.slice(start, start + compressed),
    });
    at += 46 + nameLength + v.getUint16(at + 30, true) + v.getUint16(at + 32, true);
  }
  return parts;
}

export function writeZip(parts: Part[]): Uint8Array {
  const chunks: Uint8Array[] = [], directory: Uint8Array[] = [];
  let offset = 0;
  for (const p of parts) {
    const name = Buffer.from(p.name);
    const local = Buffer.alloc(30), central = Buffer.alloc(46);
    local.writeUInt32LE(0x04034b50, 0);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    for (const [h, at] of [[local, 4], [central, 6]] as const) {
      h.writeUInt16LE(20, at); // version needed
      h.writeUInt16LE(p.method, at + 4);
      h.writeUInt32LE(p.crc >>> 0, at + 10);
      h.writeUInt32LE(p.data.length, at + 14);
      h.writeUInt32LE(p.size >>> 0, at + 18);
      h.writeUInt16LE(name.length, at + 22);
    }
    central.writeUInt32LE(offset, 42);
    chunks.push(local, name, p.data);
    directory.push(central, name);
    offset += 30 + name.length + p.data.length;
  }
  const dir = Buffer.concat(directory);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...chunks, dir, end]));
}

/** A deflated part holding `text` as it is. */
export function textPart(name: string, text: string): Part {
  const data = Buffer.from(text);
  return { name, method: 8, data: deflateRawSync(data), crc: crc32(data), size: data.length };
}

/** The text of a part (inflating it). */
export function partText(p: Part): string {
  return Buffer.from(p.method === 0 ? p.data : inflateRawSync(p.data)).toString('utf8');
}

/**
 * A part of `prefix`, `mib` MiB of spaces, then `suffix`, as one deflate
 * stream about a thousandth of that size. Each MiB is compressed once and
 * repeated: a sync flush ends it on a byte boundary without ending the stream,
 * so the copies concatenate into one valid stream (RFC 1951, 3.2.3).
 */
export function paddedPart(name: string, mib: number, prefix = '', suffix = ''): Part {
  const sync = { finishFlush: constants.Z_SYNC_FLUSH };
  const chunk = Buffer.alloc(2 ** 20, 0x20);
  const copy = deflateRawSync(chunk, sync);
  let crc = crc32(prefix);
  for (let i = 0; i < mib; i++) crc = crc32(chunk, crc);
  crc = crc32(suffix, crc);
  const data = Buffer.concat([deflateRawSync(prefix, sync), ...Array<Buffer>(mib).fill(copy), deflateRawSync(suffix)]);
  return { name, method: 8, data: new Uint8Array(data), crc, size: Buffer.byteLength(prefix) + mib * 2 ** 20 + Buffer.byteLength(suffix) };
}
