// The Mersenne Twister MT19937 (Matsumoto & Nishimura, 1998), seeded the way
// torch.manual_seed seeds PyTorch's CPU generator: the low 32 bits of the seed
// go through the reference init_genrand recurrence.

const N = 624, M = 397;
const UPPER = 0x80000000, LOWER = 0x7fffffff, MATRIX_A = 0x9908b0df;

export class MT19937 {
  private readonly state = new Uint32Array(N);
  private index = N;

  constructor(seed: number | bigint) {
    const s = this.state;
    s[0] = Number(BigInt(seed) & 0xffffffffn);
    for (let i = 1; i < N; i++) {
      const prev = s[i - 1]! ^ (s[i - 1]! >>> 30);
      s[i] = Math.imul(1812433253, prev) + i;
    }
  }

  /** Next 32-bit output, as a non-negative integer. */
  next(): number {
    const s = this.state;
    if (this.index >= N) {
      for (let i = 0; i < N; i++) {
        const y = (s[i]! & UPPER) | (s[(i + 1) % N]! & LOWER);
        s[i] = s[(i + M) % N]! ^ (y >>> 1) ^ (y & 1 ? MATRIX_A : 0);
      }
      this.index = 0;
    }
    let y = s[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }
}
