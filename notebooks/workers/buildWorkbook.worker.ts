// The workbook built off the page's thread: a 1,000-epoch run takes seconds of
// exceljs work, which would freeze the page. The page sends a config and hears
// back progress, then the bytes (transferred, not copied), or one error line.

import type { Config } from '../../src/config.ts';
import { buildWorkbook, type Progress } from '../../src/workbook/buildWorkbook.ts';

export type WorkerReply = ({ type: 'progress' } & Progress) | { type: 'done'; bytes: Uint8Array } | { type: 'error'; message: string };

const reply = (m: WorkerReply, transfer: Transferable[] = []) => (self as unknown as Worker).postMessage(m, transfer);

self.addEventListener('message', async (event: MessageEvent<{ config: Config }>) => {
  try {
    const bytes = await buildWorkbook(event.data.config, {}, (p) => reply({ type: 'progress', ...p }));
    reply({ type: 'done', bytes }, [bytes.buffer]);
  } catch (e) {
    reply({ type: 'error', message: e instanceof Error ? e.message : String(e) });
  }
});
