import { existsSync, renameSync, rmSync } from 'node:fs';
import type { LogEntry } from './log.js';
import { TransparencyLog } from './log.js';
import type { NoteSigner } from './note.js';

export type RebuildVerdict = { ok: true; size: number; signedSize: number } | { ok: false; reason: string };

const removeDb = (file: string) => {
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${file}${suffix}`, { force: true });
};

/**
 * `ledger rebuild`'s log: folded again from the events into a file of its own, then put in place
 * only if it has the root of every checkpoint signed before (it extends them); otherwise the old log
 * stays, and the first leaf where the events no longer give it is named.
 */
export class LogRebuild {
  private next: TransparencyLog;
  private readonly nextFile: string;

  constructor(
    private readonly file: string,
    private readonly signer: NoteSigner,
  ) {
    this.nextFile = `${file}.rebuild`;
    removeDb(this.nextFile);
    this.next = TransparencyLog.open({ file: this.nextFile, signer, bulk: true });
  }

  get lastPosition(): bigint {
    return this.next.lastPosition;
  }

  /** The file the log is folded into. */
  get foldFile(): string {
    return this.nextFile;
  }

  feed(events: readonly LogEntry[]): void {
    for (const e of events) this.next.append(e);
  }

  /** Lets another thread append to the file (a catch-up's verifier): what is appended so far is committed, and the file closed here. */
  handOver(): void {
    this.next.close();
  }

  /** Once the other thread has closed the file: opened here again, where that thread left it. */
  takeBack(): void {
    this.next = TransparencyLog.open({ file: this.nextFile, signer: this.signer, bulk: true });
  }

  /** The rebuild stopped before its end: its file goes, the old log stays. */
  abandon(): void {
    this.next.close();
    removeDb(this.nextFile);
  }

  finish(): RebuildVerdict {
    this.next.commit();
    const old = existsSync(this.file) ? TransparencyLog.open({ file: this.file, signer: this.signer, readonly: true }) : undefined;
    try {
      const head = old?.head();
      if (old && head) {
        const reason = this.divergence(old, head.size, head.root);
        if (reason) {
          this.next.close();
          removeDb(this.nextFile);
          return { ok: false, reason };
        }
        this.next.importHistory(this.file);
      }
    } finally {
      old?.close();
    }
    const signed = this.next.sign();
    const size = this.next.size;
    this.next.close();
    removeDb(this.file);
    renameSync(this.nextFile, this.file);
    return { ok: true, size, signedSize: signed?.size ?? 0 };
  }

  private divergence(old: TransparencyLog, size: number, root: Buffer): string | undefined {
    if (this.next.size >= size && this.next.root(size).equals(root)) return undefined;
    const fresh = this.next.entries();
    for (const l of old.entries()) {
      if (l.index >= size) break;
      const f = fresh.next();
      const where = `stream ${l.streamId} revision ${l.revision} (position ${l.position}, leaf ${l.index})`;
      if (f.done) return `the events no longer give the log's signed head of ${size}: ${where} is missing from the store`;
      if (f.value.hash !== l.hash || f.value.position !== l.position) return `the events no longer give the log's signed head of ${size}: ${where} was altered, replaced or removed`;
    }
    return `the events no longer give the root of the log's signed head of ${size}`;
  }
}
