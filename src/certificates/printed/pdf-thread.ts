import { parentPort } from 'node:worker_threads';
import type { PrintedCertificate } from './model.js';
import { certificatePdf } from './pdf.js';

/** A PDF thread: renders the certificates it is handed, one at a time, and hands back their bytes. */
const port = parentPort!;

port.on('message', (msg: { id: number; certificate: PrintedCertificate } | 'close') => {
  if (msg === 'close') {
    port.close();
    return;
  }
  certificatePdf(msg.certificate).then(
    (pdf) => {
      const bytes = new Uint8Array(pdf.buffer, pdf.byteOffset, pdf.byteLength).slice();
      port.postMessage({ id: msg.id, pdf: bytes }, [bytes.buffer]);
    },
    (err: unknown) => port.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) }),
  );
});
