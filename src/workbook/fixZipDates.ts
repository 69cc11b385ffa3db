// Byte-identical workbooks: exceljs zips its parts with JSZip, which stamps
// every entry with the current time. This rewrites the MS-DOS modification
// time and date of every entry, in its local header and in the central
// directory, to one fixed instant. Nothing else covers those fields (the CRC is
// over the data only), so the archive stays valid.

import { zipDirectory } from './zipDirectory.ts';

/** 2000-01-01 00:00:00 in MS-DOS format: date = (year − 1980) << 9 | month << 5 | day, time 0. */
export const DOS_DATE = ((2000 - 1980) << 9) | (1 << 5) | 1;
export const DOS_TIME = 0;

/** Sets every entry's time stamp to 2000-01-01 00:00, in place; returns the same bytes. */
export function fixZipDates(bytes: Uint8Array): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (const e of zipDirectory(bytes)) {
    for (const [at, time] of [[e.central, 12], [e.local, 10]] as const) {
      view.setUint16(at + time, DOS_TIME, true);
      view.setUint16(at + time + 2, DOS_DATE, true);
    }
  }
  return bytes;
}
