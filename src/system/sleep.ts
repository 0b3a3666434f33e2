/**
 * A synchronous sleep with no thread and no process: Atomics.wait on a
 * private SharedArrayBuffer that nobody notifies, so it times out.
 */
let cell: Int32Array | undefined;

export function sleepMs(ms: number): void {
  if (ms <= 0) return;
  cell ??= new Int32Array(new SharedArrayBuffer(4));
  Atomics.wait(cell, 0, 0, ms);
}
