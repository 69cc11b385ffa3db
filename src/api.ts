// The package's entry (`import … from "xlgrad"`): the core of index.ts, plus the
// command line's entry points as functions that take the same JSON a config
// file holds. Runs in Node and in the browser; nothing here imports a Node
// built-in (the LibreOffice bridge is in node.ts, `xlgrad/node`).

import { normalizeConfig } from './config.ts';
import { trace as traceConfig, type Trace, type TraceOptions } from './trace.ts';
import { buildWorkbook as buildConfig } from './workbook/buildWorkbook.ts';
import { layoutWorkbook as layoutConfig, type LayoutOptions, type WorkbookLayout } from './workbook/layout.ts';

export * from './index.ts';

/**
 * `xlgrad trace` as a function: `config` is a config file's JSON (validated,
 * defaults filled in; a mistake throws ConfigError naming the field) and the
 * result is the document the command prints, `expressions` included unless
 * `options.expressions` is false.
 */
export function trace(config: unknown, options: TraceOptions = {}): Trace {
  return traceConfig(normalizeConfig(config), { expressions: true, ...options });
}

/** `xlgrad export` as a function: the .xlsx bytes for a config file's JSON (write them wherever you like). */
export function buildWorkbook(config: unknown, options: LayoutOptions = {}): Promise<Uint8Array> {
  return buildConfig(normalizeConfig(config), options);
}

/** The workbook `buildWorkbook` writes, as plain data: sheets of cells and the defined names. */
export function layoutWorkbook(config: unknown, options: LayoutOptions = {}): WorkbookLayout {
  return layoutConfig(normalizeConfig(config), options);
}

// `xlgrad check` on a workbook's bytes, recalculated by the built-in formula
// engine (LibreOffice needs Node: `xlgrad/node`); a problem with the input
// comes back as `error`, one line.
export { checkWorkbookInBrowser as check, type BrowserCheckOptions as CheckOptions, type BrowserCheck as CheckResult } from './check/checkWorkbookInBrowser.ts';
export type { Report, Row, FirstMismatch, Tolerance } from './check/check.ts';
export type { LayoutOptions, WorkbookLayout, LayoutSheet, LayoutCell } from './workbook/layout.ts';
