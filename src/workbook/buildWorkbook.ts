// A config to .xlsx bytes: the layout, written. Works in Node and in the
// browser (the notebook's Download button calls this); file I/O is the caller's.

import type { Config } from '../config.ts';
import { layoutWorkbook, type LayoutOptions } from './layout.ts';
import { writeWorkbook, type Progress } from './writeWorkbook.ts';

export type { Progress };

/** `onProgress` hears of the layout, each sheet and the zip (the notebook shows it while a worker builds); the bytes are the same without it. */
export async function buildWorkbook(config: Config, options: LayoutOptions = {}, onProgress?: (p: Progress) => void): Promise<Uint8Array> {
  const layout = layoutWorkbook(config, options);
  onProgress?.({ step: 'layout', done: 1, total: layout.sheets.length + 2 });
  return writeWorkbook(layout, { onProgress });
}
