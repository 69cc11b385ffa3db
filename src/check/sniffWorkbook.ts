// Is this file something the checker can read? Decided from its first bytes
// and its zip directory, before any spreadsheet program sees it, so each kind
// of wrong file gets its own one-line answer.

import { CheckError } from './checkError.ts';
import { MAX_CHECK_WORKBOOK_BYTES as MAX_WORKBOOK_BYTES } from '../limits.ts';

export { MAX_WORKBOOK_BYTES };

const OLE = [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const ZIP = [0x50, 0x4b, 0x03, 0x04];
const SAVE_AS = 'open it in Excel or LibreOffice and save it as an Excel Workbook (.xlsx)';

const startsWith = (bytes: Uint8Array, magic: number[]) => magic.every((b, i) => bytes[i] === b);
const ODS = 'application/vnd.oasis.opendocument.spreadsheet';

/** Whether `text` occurs in the bytes as ASCII (zip entry names) or, with `utf16`, as UTF-16LE (OLE stream names). */
function contains(bytes: Uint8Array, text: string, utf16 = false): boolean {
  const pattern = utf16 ? [...text].flatMap((c) => [c.charCodeAt(0), 0]) : [...text].map((c) => c.charCodeAt(0));
  outer: for (let i = 0; i + pattern.length <= bytes.length; i++) {
    for (let j = 0; j < pattern.length; j++) if (bytes[i + j] !== pattern[j]) continue outer;
    return true;
  }
  return false;
}

/** An OpenDocument spreadsheet: a zip whose mimetype says so (the command line converts it through LibreOffice first). */
export function isOpenDocument(bytes: Uint8Array): boolean {
  return startsWith(bytes, ZIP) && contains(bytes, ODS);
}

/** Throws CheckError naming `file` unless the bytes look like an .xlsx workbook without macros or a password. */
export function sniffWorkbook(bytes: Uint8Array, file: string): void {
  if (bytes.length === 0) throw new CheckError(`${file}: the file is empty`);
  if (bytes.length > MAX_WORKBOOK_BYTES) throw new CheckError(`${file}: ${(bytes.length / 2 ** 20).toFixed(1)} MB is more than the ${MAX_WORKBOOK_BYTES / 2 ** 20} MB a workbook may have here`);
  if (startsWith(bytes, OLE)) {
    if (contains(bytes, 'EncryptedPackage', true) || contains(bytes, 'EncryptionInfo', true)) {
      throw new CheckError(`${file}: the workbook is password-protected; remove the password (Excel: File › Info › Protect Workbook › Encrypt with Password, clear it) and save a copy`);
    }
    throw new CheckError(`${file}: is an old-format .xls workbook; ${SAVE_AS}`);
  }
  if (!startsWith(bytes, ZIP)) throw new CheckError(`${file}: is not an .xlsx workbook (it does not start like one); ${SAVE_AS}`);
  // Only the command line has LibreOffice to convert it; the browser and the library say where it can be read.
  if (contains(bytes, ODS)) throw new CheckError(`${file}: is an OpenDocument spreadsheet (.ods), which cannot be read here; save it as an Excel Workbook (.xlsx) (LibreOffice: File › Save As), or check it on the command line, xlgrad check ${file}, which converts it through LibreOffice`);
  if (contains(bytes, 'xl/vbaProject.bin') || /\.xlsm$/i.test(file)) throw new CheckError(`${file}: is a macro-enabled workbook (.xlsm), which is not checked; save a copy as an Excel Workbook (.xlsx)`);
  if (!contains(bytes, 'xl/workbook.xml') && !contains(bytes, 'xl/workbook.bin')) throw new CheckError(`${file}: is a zip file but not an Excel workbook; ${SAVE_AS}`);
  if (contains(bytes, 'xl/workbook.bin')) throw new CheckError(`${file}: is a binary workbook (.xlsb); ${SAVE_AS}`);
}
