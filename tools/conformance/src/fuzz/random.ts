/** A small seeded PRNG (mulberry32) so that a randomized run can be repeated from its seed. */
export class Random {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  bytes(length: number): Uint8Array {
    return Uint8Array.from({ length }, () => this.int(256));
  }
}

/** One mutation of a PDU: bit flip, byte change, truncation, extension or a different opcode. */
export function mutate(random: Random, pdu: Uint8Array): Uint8Array {
  const out = pdu.slice();
  switch (random.int(6)) {
    case 0:
      if (out.length) out[random.int(out.length)]! ^= 1 << random.int(8);
      return out;
    case 1:
      if (out.length) out[random.int(out.length)] = random.int(256);
      return out;
    case 2:
      return out.slice(0, random.int(out.length + 1));
    case 3:
      return Uint8Array.of(...out, ...random.bytes(1 + random.int(8)));
    case 4:
      if (out.length) out[0] = random.int(0x10);
      return out;
    default:
      return random.bytes(random.int(70));
  }
}
