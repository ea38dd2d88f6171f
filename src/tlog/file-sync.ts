import { closeSync, fdatasync, fsyncSync, openSync } from 'node:fs';

/**
 * Makes durable a file written without a journal (a log folded in bulk): after each commit a sync
 * starts on libuv's thread pool, not waited for, so that the kernel writes back while the fold goes
 * on; at the end one sync, waited for, covers what is left. One background sync at a time: a commit
 * that finds one running leaves the rest to the next.
 */
export class FileSync {
  private fd: number | undefined;
  private running = false;
  private closeWhenDone = false;

  constructor(private readonly file: string) {}

  /** Starts syncing what is written so far, unless a sync is already running. */
  soon(): void {
    if (this.running) return;
    this.running = true;
    fdatasync(this.open(), () => {
      this.running = false;
      if (this.closeWhenDone) this.close();
    });
  }

  /** Syncs everything written, and lets the file go (once a background sync still running ends). */
  now(): void {
    fsyncSync(this.open());
    if (this.running) this.closeWhenDone = true;
    else this.close();
  }

  private open(): number {
    return (this.fd ??= openSync(this.file, 'r+'));
  }

  private close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
