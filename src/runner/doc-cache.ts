/**
 * The parsed documents of one collection a projection folds on. Past `limit`, the documents that
 * `keep` does not hold on to (those no batch in flight wrote) are let go. A batch may write more
 * documents than the limit (a catalogue change re-evaluates every person of a jurisdiction), and
 * all of them are kept until it is committed: the next sweep then waits until the cache has doubled,
 * so such a batch costs a sweep per doubling, not one per document.
 */
export class DocCache {
  private readonly values = new Map<string, unknown>();
  private sweepAt: number;

  constructor(
    private readonly limit: number,
    private readonly keep: (key: string) => boolean,
  ) {
    this.sweepAt = limit;
  }

  get size(): number {
    return this.values.size;
  }

  get(key: string): unknown {
    return this.values.get(key);
  }

  set(key: string, value: unknown): void {
    if (this.values.size >= this.sweepAt && !this.values.has(key)) {
      for (const k of this.values.keys()) if (!this.keep(k)) this.values.delete(k);
      this.sweepAt = Math.max(this.limit, 2 * this.values.size);
    }
    this.values.set(key, value);
  }

  clear(): void {
    this.values.clear();
    this.sweepAt = this.limit;
  }
}
