// Two-class data sets in the plane for the "Your own data" section, built by
// formula (no random numbers): XOR's four corners, two interleaved half-moons
// and two rings. Targets are 0 or 1, one per sample, as a config's `y`.

export interface Dataset {
  /** What the set is, one line. */
  title: string;
  /** Samples × 2 inputs. */
  x: number[][];
  /** Samples × [class], 0 or 1. */
  y: number[][];
}

/** ±0.12 in a fixed pattern: points off the ideal curve without a random draw. */
const wobble = (i: number) => 0.12 * ((i % 3) - 1);
const round3 = (v: number) => Math.round(v * 1000) / 1000;

/** Two half-moons of `n` points each: class 0 the upper arc around (0, 0), class 1 the lower arc around (1, 0.5). */
function moons(n = 16): Dataset {
  const x: number[][] = [];
  const y: number[][] = [];
  for (let i = 0; i < n; i++) {
    const t = (Math.PI * i) / (n - 1);
    const r = 1 + wobble(i);
    x.push([round3(r * Math.cos(t)), round3(r * Math.sin(t))], [round3(1 - r * Math.cos(t)), round3(0.5 - r * Math.sin(t))]);
    y.push([0], [1]);
  }
  return { title: `two interleaved half-moons, ${2 * n} points`, x, y };
}

/** An inner ring (class 1, radius 0.5) inside an outer ring (class 0, radius 1.5). */
function rings(inner = 10, outer = 18): Dataset {
  const x: number[][] = [];
  const y: number[][] = [];
  const ring = (n: number, radius: number, cls: number) => {
    for (let i = 0; i < n; i++) {
      const t = (2 * Math.PI * i) / n;
      const r = radius + wobble(i);
      x.push([round3(r * Math.cos(t)), round3(r * Math.sin(t))]);
      y.push([cls]);
    }
  };
  ring(outer, 1.5, 0);
  ring(inner, 0.5, 1);
  return { title: `a ring inside a ring, ${inner + outer} points`, x, y };
}

export const datasets: Readonly<Record<'xor' | 'moons' | 'rings', Dataset>> = {
  xor: { title: 'XOR, the four corners of the unit square', x: [[0, 0], [0, 1], [1, 0], [1, 1]], y: [[0], [1], [1], [0]] },
  moons: moons(),
  rings: rings(),
};

export type DatasetName = keyof typeof datasets;
