// exceljs, reached only through here: loaded on first use (a notebook page
// that never writes or reads a workbook never downloads it), once, with the
// CommonJS module unwrapped (in Node it arrives as `default`). Its package
// entry is its Node build (streams, fs); bundlers that honour the package's
// "browser" field (Vite does) get dist/exceljs.min.js instead.

import type * as ExcelJSTypes from 'exceljs';

export type { ExcelJSTypes };
export type ExcelJS = typeof ExcelJSTypes;

let loaded: Promise<ExcelJS> | undefined;

/** The exceljs module. */
export function excelJS(): Promise<ExcelJS> {
  loaded ??= import('exceljs').then((m) => ((m as unknown as { default?: ExcelJS }).default ?? m) as ExcelJS);
  return loaded;
}
