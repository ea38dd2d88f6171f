import type { LinkedEvent } from './runner.js';
import type { ThreadedVerifier } from './threaded-verifier.js';

/**
 * A log folded in bulk beside a catch-up (`ledger rebuild`). The verifier thread of a long catch-up
 * appends what it checks to the log's file itself, so that no event's link crosses between threads
 * and the fold thread does none of the log's work. Events checked in the fold thread are fed here.
 */
export interface BulkLog {
  readonly foldFile: string;
  /** Position of the last event in the log (-1n before any). */
  readonly lastPosition: bigint;
  feed(events: readonly LinkedEvent[]): void;
  /** Commits what it holds and closes the file here, for another thread to open. */
  handOver(): void;
  /** Opens the file here again, where the other thread left it. */
  takeBack(): void;
}

/** Which thread holds a bulk log's file during one catch-up: the fold thread, or its verifier thread. */
export class LogHandover {
  private withVerifier = false;

  constructor(private readonly log: BulkLog | undefined) {}

  /** The file for the verifier thread to append to, once committed and closed here (none without a bulk log). */
  give(): string | undefined {
    if (!this.log) return undefined;
    this.log.handOver();
    this.withVerifier = true;
    return this.log.foldFile;
  }

  /** Closes the verifier thread if it holds the log, and opens the log here where the thread left it. */
  async back(verifier: ThreadedVerifier | undefined): Promise<void> {
    if (!this.withVerifier || !this.log) return;
    this.withVerifier = false;
    await verifier?.close();
    this.log.takeBack();
    // A log the thread could not commit to its end would otherwise go on with a gap in it.
    const left = verifier?.logClosedAtPosition;
    if (left === undefined || this.log.lastPosition !== left) {
      throw new Error(`the verifier thread did not close the log (left at ${left ?? 'no position'}, opened at ${this.log.lastPosition})`);
    }
  }
}
