import { Rng, syntheticIdNumber } from '../../src/workload/rng.js';

/**
 * Synthetic ID numbers, none drawn twice. One area code has 13,440,000 of them, so plain draws
 * repeat within a few thousand, and the ledger rightly refuses a number registered to another
 * person (409): a test that registers many persons would fail on the draw, not on the ledger.
 */
export function uniqueIdNumbers(seed: number, areaCode = '410102'): () => string {
  const rng = new Rng(seed);
  const drawn = new Set<string>();
  return () => {
    for (;;) {
      const n = syntheticIdNumber(rng, areaCode);
      if (!drawn.has(n)) {
        drawn.add(n);
        return n;
      }
    }
  };
}
