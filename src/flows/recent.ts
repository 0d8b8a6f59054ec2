/**
 * A map that remembers the most recent entries: between `size` and 2 × `size` of them, in two generations.
 * When the current generation is full it becomes the previous one and the old previous is dropped — O(1), unlike
 * deleting a Map's first key (V8 leaves deleted slots in place, so finding "the first key" again and again walks
 * over all of them).
 */
export class Recent<K, V> {
  private cur = new Map<K, V>();
  private prev = new Map<K, V>();
  constructor(private readonly size: number) {}

  get(k: K): V | undefined {
    const v = this.cur.get(k);
    return v !== undefined ? v : this.prev.get(k);
  }

  set(k: K, v: V): void {
    if (this.cur.size >= this.size && !this.cur.has(k)) {
      this.prev = this.cur;
      this.cur = new Map();
    }
    this.cur.set(k, v);
  }

  delete(k: K): void {
    this.cur.delete(k);
    this.prev.delete(k);
  }

  get count(): number {
    return this.cur.size + this.prev.size;
  }
}
