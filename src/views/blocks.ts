/**
 * Block tests over table columns, done by native code: a fork bomb fills
 * the table with long runs of rows that share name, owner, session, state
 * and flags, and in the JIT-less interpreter every per-row statement costs
 * tens of nanoseconds. "Are all values in rows [a, b) equal?" is one
 * memcmp of the block against itself shifted by one element; "min/max of a
 * block" is one native Math.min/max call.
 */

/** Rows per block: big enough to amortise the native calls, small enough that a stray row costs little. */
export const BLOCK = 256;

type Column = Int32Array | Uint32Array | Uint8Array;

/** A column seen as bytes, to ask whether a block of it holds one value. */
export class Uniform {
  private readonly buf: Buffer;
  private readonly size: number;

  constructor(col: Column) {
    this.buf = Buffer.from(col.buffer, col.byteOffset, col.byteLength);
    this.size = col.BYTES_PER_ELEMENT;
  }

  /** All of rows [a, b) hold the same value (true for fewer than two rows). */
  all(a: number, b: number): boolean {
    if (b - a < 2) return true;
    const z = this.size;
    return this.buf.compare(this.buf, (a + 1) * z, b * z, a * z, (b - 1) * z) === 0;
  }
}

/** Smallest and largest of col[a, b) (native calls, no loop in the interpreter). */
export function minOf(col: Float64Array, a: number, b: number): number {
  return Math.min.apply(null, col.subarray(a, b) as unknown as number[]);
}

export function maxOf(col: Float64Array, a: number, b: number): number {
  return Math.max.apply(null, col.subarray(a, b) as unknown as number[]);
}
