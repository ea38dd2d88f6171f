export interface HolderBudgetOptions {
  /** Failed holder checks on one certificate number before the first back-off. */
  free?: number;
  /** The first back-off; each further failure doubles it. */
  baseMs?: number;
  /** The longest back-off. */
  maxLockMs?: number;
  /** A number's failures are forgotten after this long without one (counted from the end of its back-off). */
  quietMs?: number;
  /** Certificate numbers tracked at once; past it the one that failed longest ago is dropped. */
  maxEntries?: number;
}

interface Entry {
  failures: number;
  lockedUntil: number;
}

const DAY = 86_400_000;

/**
 * A failure budget per certificate number for public holder checks: an ID number has about a
 * thousand candidates once its area code and birth date are known, so each number gets `free` failed
 * checks, then a back-off that doubles with every further failure (1 min, 2, 4, … up to 30 days).
 * During a back-off every check of that number answers 429, whether the holder given is right or
 * not, so a guess made then tells nothing. Failures count the same for numbers that exist and
 * numbers that do not, so the back-off does not tell which exist either. The budget is per process.
 */
export class HolderBudget {
  private readonly entries = new Map<string, Entry>();
  private readonly free: number;
  private readonly baseMs: number;
  private readonly maxLockMs: number;
  private readonly quietMs: number;
  private readonly maxEntries: number;

  constructor(o: HolderBudgetOptions = {}) {
    this.free = o.free ?? 5;
    this.baseMs = o.baseMs ?? 60_000;
    this.maxLockMs = o.maxLockMs ?? 30 * DAY;
    this.quietMs = o.quietMs ?? 30 * DAY;
    this.maxEntries = o.maxEntries ?? 200_000;
  }

  /** Seconds to wait before `key` may be checked again; 0 when it may be now. */
  retryAfter(key: string, now: number): number {
    const e = this.entries.get(key);
    if (e === undefined) return 0;
    if (now >= e.lockedUntil + this.quietMs) {
      this.entries.delete(key);
      return 0;
    }
    return e.lockedUntil > now ? Math.ceil((e.lockedUntil - now) / 1000) : 0;
  }

  /** Counts a failed holder check of `key`; the failure that uses up the free checks starts the first back-off. */
  fail(key: string, now: number): void {
    const e = this.entries.get(key) ?? { failures: 0, lockedUntil: now };
    // Re-inserted, so the Map's order is the order of last failure and the first key the stalest.
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    e.failures += 1;
    const over = e.failures - this.free;
    e.lockedUntil = over >= 0 ? now + Math.min(this.maxLockMs, this.baseMs * 2 ** Math.min(over, 40)) : now;
    this.entries.set(key, e);
  }

  get size(): number {
    return this.entries.size;
  }
}
