// The five-way gradient table: ∂L/∂θ for every parameter by backprop, by the
// symbolic derivative, by finite differences, by PyTorch (a recorded run when
// the configuration is one, otherwise xlgrad's float32 emulation, labelled
// so), and by the workbook's own formulas recalculated by an independent
// formula engine. Differences are against backprop.

import type { Kink } from '../../src/finiteDifference.ts';
import type { EpochTrace, Params } from '../../src/trace.ts';

export const METHODS = ['backprop', 'symbolic', 'numeric', 'pytorch', 'workbook'] as const;
export type Method = (typeof METHODS)[number];

export interface GradientRow {
  param: string;
  value: number;
  grads: Record<Method, number | undefined>;
  /** Largest |method − backprop| over the other four. */
  maxDiff: number;
  nonZero: boolean;
  kink?: Kink;
}

export interface PytorchColumn {
  grads: Params;
  source: string;
  recorded: boolean;
}

export function gradientRows(detail: EpochTrace, pytorch: PytorchColumn, workbook: Params | undefined): GradientRow[] {
  const kinks = new Map(detail.kinks.map((k) => [k.param, k]));
  return Object.keys(detail.params).map((param) => {
    const backprop = detail.grads.backprop[param]!;
    const grads: Record<Method, number | undefined> = {
      backprop,
      symbolic: detail.grads.symbolic[param],
      numeric: detail.grads.numeric[param],
      pytorch: pytorch.grads[param],
      workbook: workbook?.[param],
    };
    const diffs = METHODS.slice(1).map((m) => grads[m]).filter((g): g is number => g !== undefined).map((g) => Math.abs(g - backprop));
    return { param, value: detail.params[param]!, grads, maxDiff: Math.max(0, ...diffs), nonZero: backprop !== 0, kink: kinks.get(param) };
  });
}
