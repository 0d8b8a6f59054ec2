/** Typed-array helpers shared by the stages' columnar stores (buffer index, web model, findings tables). */

type Growable = Float64Array | Uint32Array | Int32Array | Uint16Array | Uint8Array;

/** A copy of `a` with room for `length` items (the new tail filled with `fill`). */
export function grown<T extends Growable>(a: T, length: number, fill = 0): T {
  const b = new (a.constructor as new (n: number) => T)(length);
  if (fill !== 0) b.fill(fill);
  b.set(a);
  return b;
}
