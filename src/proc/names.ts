/**
 * Interned process names: each distinct comm is stored once (its bytes in a
 * pool) and rows refer to it by a small integer id. The display string of
 * an id is made on first use. A run of rows with the same name (a bomb, a
 * farm of workers) costs one native compare per row.
 */
import { commDisplay } from "./comm.ts";

export class NameTable {
  /** Number of distinct names. */
  size = 0;
  private pool = Buffer.alloc(4096);
  private poolUsed = 0;
  private start = new Int32Array(256);
  private length = new Int32Array(256);
  private texts: (string | undefined)[] = [];
  /** Open addressing: slot -> id + 1 (0 = empty). */
  private slots = new Int32Array(1024);
  private lastId = -1;
  private lastStart = 0;
  private lastLen = -1;

  /** Id of the name b[s, e), adding it if new. */
  intern(b: Buffer, s: number, e: number): number {
    const n = e - s;
    if (n === this.lastLen && b.compare(this.pool, this.lastStart, this.lastStart + n, s, e) === 0) return this.lastId;
    let h = n;
    for (let i = s; i < e; i++) h = (h * 31 + b[i]!) | 0;
    const mask = this.slots.length - 1;
    let slot = mix(h) & mask;
    for (;;) {
      const v = this.slots[slot]!;
      if (v === 0) break;
      const id = v - 1;
      const st = this.start[id]!;
      if (this.length[id] === n && b.compare(this.pool, st, st + n, s, e) === 0) return this.remember(id);
      slot = (slot + 1) & mask;
    }
    const id = this.add(b, s, e);
    this.slots[slot] = id + 1;
    if (this.size * 2 > this.slots.length) this.rehash();
    return this.remember(id);
  }

  /** Display text of a name (see comm.ts). */
  text(id: number): string {
    let t = this.texts[id];
    if (t === undefined) {
      const st = this.start[id]!;
      t = commDisplay(this.pool, st, st + this.length[id]!);
      this.texts[id] = t;
    }
    return t;
  }

  /** The raw bytes of a name (a view into the pool: copy it to keep it). */
  bytes(id: number): Uint8Array {
    const st = this.start[id]!;
    return this.pool.subarray(st, st + this.length[id]!);
  }

  private remember(id: number): number {
    this.lastId = id;
    this.lastStart = this.start[id]!;
    this.lastLen = this.length[id]!;
    return id;
  }

  private add(b: Buffer, s: number, e: number): number {
    const n = e - s;
    if (this.poolUsed + n > this.pool.length) {
      const bigger = Buffer.alloc(Math.max(this.pool.length * 2, this.poolUsed + n));
      this.pool.copy(bigger, 0, 0, this.poolUsed);
      this.pool = bigger;
    }
    b.copy(this.pool, this.poolUsed, s, e);
    const id = this.size++;
    if (id >= this.start.length) {
      this.start = grow(this.start, id * 2);
      this.length = grow(this.length, id * 2);
    }
    this.start[id] = this.poolUsed;
    this.length[id] = n;
    this.poolUsed += n;
    return id;
  }

  private rehash(): void {
    const slots = new Int32Array(this.slots.length * 2);
    const mask = slots.length - 1;
    for (let id = 0; id < this.size; id++) {
      const st = this.start[id]!;
      const n = this.length[id]!;
      let h = n;
      for (let i = st; i < st + n; i++) h = (h * 31 + this.pool[i]!) | 0;
      let slot = mix(h) & mask;
      while (slots[slot] !== 0) slot = (slot + 1) & mask;
      slots[slot] = id + 1;
    }
    this.slots = slots;
  }
}

/**
 * Spread a polynomial hash over the low bits before masking: names that
 * differ only in a counter ("w1", "w2", ...) otherwise land in adjacent
 * slots, and linear probing turns 65,536 of them into minutes of probing.
 */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x45d9f3b);
  return h ^ (h >>> 16);
}

function grow(a: Int32Array<ArrayBuffer>, size: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(size);
  b.set(a);
  return b;
}
