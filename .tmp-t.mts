import { recalculate } from './src/workbook/libreoffice.ts';
import { buildWorkbook } from './src/workbook/buildWorkbook.ts';
import { normalizeConfig } from './src/config.ts';
import { writeFileSync } from 'node:fs';
const WIDE = normalizeConfig({ layers: [400, 1, 400], x: Array.from({ length: 400 }, (_, i) => (i % 7) / 7 - 0.4), y: Array.from({ length: 400 }, (_, i) => (i % 5) / 5), lr: 0.01, epochs: 1, loss: 'mse' });
writeFileSync('/tmp/lo/wide.xlsx', await buildWorkbook(WIDE));
for (const f of ['article', 'deep-tanh', 'wide-relu', 'wide']) {
  const t0 = performance.now();
  await recalculate(`/tmp/lo/${f}.xlsx`, { timeoutMs: 300000 });
  console.log(f, (performance.now() - t0).toFixed(0));
}
