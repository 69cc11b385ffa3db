// A config to .xlsx bytes: the layout, written. Works in Node and in the
// browser (the notebook's Download button calls this); file I/O is the caller's.

import type { Config } from '../config.ts';
import { layoutWorkbook, type LayoutOptions } from './layout.ts';
import { writeWorkbook } from './writeWorkbook.ts';

export async function buildWorkbook(config: Config, options: LayoutOptions = {}): Promise<Uint8Array> {
  return writeWorkbook(layoutWorkbook(config, options));
}
