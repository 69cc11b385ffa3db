// A zip archive with some parts replaced or added and every other entry kept
// byte for byte (PKWARE APPNOTE.TXT, 4.3): an entry's local header, data and
// data descriptor are the bytes from its local header to the next entry's;
// its directory header is copied with its new offset (at 42). New and
// replaced parts are deflated (method 8) by the platform's CompressionStream,
// which Node and browsers both have. Nothing here reads the clock: time stamps
// are fixZipDates's.

import { endOfDirectory, entryData, zipDirectory, type ZipEntry } from './zipDirectory.ts';

/** CRC-32 as zip uses it (polynomial 0xEDB88320, reflected; APPNOTE 4.4.7). */
const CRC_TABLE = Uint32Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});

export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** `data` passed through a (de)compression stream, read chunk by chunk (Node's Response and Blob cost a cold start of tens of ms). */
async function through(stream: CompressionStream | DecompressionStream, data: Uint8Array): Promise<Uint8Array> {
  const writer = stream.writable.getWriter();
  // Written and closed without waiting: the stream takes the input as the reader below drains it.
  const written = Promise.all([writer.write(data.slice()), writer.close()]);
  const reader = stream.readable.getReader();
  const chunks: Uint8Array[] = [];
  let length = 0;
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    chunks.push(r.value);
    length += r.value.length;
  }
  await written;
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** The text of part `name` (exactly as the archive spells it), inflated with the platform's DecompressionStream; undefined when absent. */
export async function partText(bytes: Uint8Array, entries: ZipEntry[], name: string): Promise<string | undefined> {
  const e = entries.find((x) => x.name === name);
  if (!e) return undefined;
  const data = entryData(bytes, e);
  if (e.method === 0) return new TextDecoder().decode(data);
  if (e.method !== 8) throw new Error(`zipWithParts: ${name} uses compression method ${e.method}`);
  return new TextDecoder().decode(await through(new DecompressionStream('deflate-raw'), data));
}

/** `data` deflated, without zlib's header (zip's method 8). */
const deflate = (data: Uint8Array) => through(new CompressionStream('deflate-raw'), data);

/** A local header (30 bytes) and a directory header (46 bytes) of a deflated part, before its name. */
function headers(name: Uint8Array, data: Uint8Array, packed: Uint8Array, local: number): { local: Uint8Array; central: Uint8Array } {
  const crc = crc32(data);
  const l = new DataView(new ArrayBuffer(30));
  l.setUint32(0, 0x04034b50, true);
  l.setUint16(4, 20, true); // version needed: 2.0
  // flags 0, time and date 0 (fixZipDates sets them)
  l.setUint16(8, 8, true); // deflated
  l.setUint32(14, crc, true);
  l.setUint32(18, packed.length, true);
  l.setUint32(22, data.length, true);
  l.setUint16(26, name.length, true);
  const c = new DataView(new ArrayBuffer(46));
  c.setUint32(0, 0x02014b50, true);
  c.setUint16(4, 20, true); // made by: 2.0, MS-DOS attributes
  c.setUint16(6, 20, true);
  c.setUint16(10, 8, true);
  c.setUint32(16, crc, true);
  c.setUint32(20, packed.length, true);
  c.setUint32(24, data.length, true);
  c.setUint16(28, name.length, true);
  c.setUint32(42, local, true);
  return { local: new Uint8Array(l.buffer), central: new Uint8Array(c.buffer) };
}

/**
 * `bytes` with each part of `parts` (name → text) in place of the entry of
 * that name, or after the last entry when there is none.
 */
export async function zipWithParts(bytes: Uint8Array, parts: Map<string, string>): Promise<Uint8Array> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries = [...zipDirectory(bytes)].sort((a, b) => a.local - b.local);
  const directory = view.getUint32(endOfDirectory(view) + 16, true);
  const encoder = new TextEncoder();
  const packed = new Map<string, { data: Uint8Array; packed: Uint8Array }>();
  for (const [name, text] of parts) {
    const data = encoder.encode(text);
    packed.set(name, { data, packed: await deflate(data) });
  }
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let at = 0;
  const add = (name: string) => {
    const n = encoder.encode(name), { data, packed: p } = packed.get(name)!;
    const h = headers(n, data, p, at);
    chunks.push(h.local, n, p);
    const c = new Uint8Array(h.central.length + n.length);
    c.set(h.central);
    c.set(n, h.central.length);
    central.push(c);
    at += h.local.length + n.length + p.length;
  };
  const written = new Set<string>();
  entries.forEach((e: ZipEntry, i) => {
    if (parts.has(e.name)) {
      add(e.name);
      written.add(e.name);
      return;
    }
    const next = entries[i + 1]?.local ?? directory;
    chunks.push(bytes.subarray(e.local, next));
    const size = 46 + view.getUint16(e.central + 28, true) + view.getUint16(e.central + 30, true) + view.getUint16(e.central + 32, true);
    const header = bytes.slice(e.central, e.central + size);
    new DataView(header.buffer).setUint32(42, at, true);
    central.push(header);
    at += next - e.local;
  });
  for (const name of parts.keys()) if (!written.has(name)) add(name);
  const start = at;
  const size = central.reduce((n, c) => n + c.length, 0);
  const eocd = new DataView(new ArrayBuffer(22));
  eocd.setUint32(0, 0x06054b50, true);
  const count = central.length;
  eocd.setUint16(8, count, true);
  eocd.setUint16(10, count, true);
  eocd.setUint32(12, size, true);
  eocd.setUint32(16, start, true);
  const out = new Uint8Array(start + size + 22);
  let o = 0;
  for (const c of [...chunks, ...central, new Uint8Array(eocd.buffer)]) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
