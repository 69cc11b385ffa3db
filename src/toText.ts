// Plain-text projection: `z3 = w3 * a1 + w4 * a2 + b3`, `dL_dw8 = dL_dz5 * a4`.

import type { Graph } from './graph.ts';
import { print } from './print.ts';

export function toText(g: Graph, id: number): string {
  return print(g, id, { style: 'text', ref: (n) => n.name! });
}
