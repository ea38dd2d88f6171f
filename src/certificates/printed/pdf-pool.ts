import { once } from 'node:events';
import type { Worker } from 'node:worker_threads';
import { startThread } from '../../threads/start-thread.js';
import type { PrintedCertificate } from './model.js';

interface Thread {
  worker: Worker;
  busy: number;
  waiting: Map<number, { resolve: (pdf: Buffer) => void; reject: (err: Error) => void }>;
}

/**
 * Renders certificates on threads of their own, started on the first request: a PDF takes the
 * CPU for milliseconds (font subsetting, compression), which on the event loop would hold up
 * every request behind it, the public verification ones included. Each certificate goes to the
 * thread with the fewest in hand; a thread that dies fails its own requests and is replaced.
 */
export class PdfPool {
  private threads: Thread[] = [];
  private seq = 0;
  private closed = false;

  constructor(private readonly size: number) {}

  render(certificate: PrintedCertificate): Promise<Buffer> {
    if (this.closed) return Promise.reject(new Error('the PDF threads are closed'));
    const thread = this.pick();
    const id = this.seq++;
    return new Promise<Buffer>((resolve, reject) => {
      thread.waiting.set(id, { resolve, reject });
      thread.busy++;
      thread.worker.postMessage({ id, certificate });
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    const threads = this.threads.splice(0);
    await Promise.all(
      threads.map(async (t) => {
        const exited = once(t.worker, 'exit');
        t.worker.postMessage('close');
        await exited;
      }),
    );
  }

  private pick(): Thread {
    if (this.threads.length < this.size && this.threads.every((t) => t.busy > 0)) return this.start();
    return this.threads.reduce((a, b) => (b.busy < a.busy ? b : a));
  }

  private start(): Thread {
    const thread: Thread = { worker: startThread(import.meta.url, 'pdf-thread'), busy: 0, waiting: new Map() };
    const fail = (err: Error) => {
      this.threads = this.threads.filter((t) => t !== thread);
      for (const w of thread.waiting.values()) w.reject(err);
      thread.waiting.clear();
    };
    thread.worker.on('message', (msg: { id: number; pdf?: Uint8Array; error?: string }) => {
      const w = thread.waiting.get(msg.id);
      thread.waiting.delete(msg.id);
      thread.busy--;
      if (msg.pdf) w?.resolve(Buffer.from(msg.pdf.buffer, msg.pdf.byteOffset, msg.pdf.byteLength));
      else w?.reject(new Error(`PDF rendering failed: ${msg.error}`));
    });
    thread.worker.on('error', fail);
    thread.worker.on('exit', (code) => fail(new Error(`PDF thread exited (${code})`)));
    this.threads.push(thread);
    return thread;
  }
}
