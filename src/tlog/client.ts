import { openCheckpoint, parseVerifierKey } from './note.js';
import type { Checkpoint, ParsedNote, VerifierKey } from './note.js';
import { verifyConsistency } from './proofs.js';

/** What an auditor or a witness asks of a ledger's log, over HTTP. */
export class LogClient {
  constructor(private readonly base: string) {}

  private async get(path: string): Promise<Response> {
    const res = await fetch(new URL(path, this.base));
    if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
    return res;
  }

  async key(): Promise<VerifierKey> {
    const body = (await (await this.get('/v1/log/key')).json()) as { key: string };
    const key = parseVerifierKey(body.key);
    if (!key) throw new Error(`the ledger's log key is not a verifier key: ${body.key}`);
    return key;
  }

  async checkpoint(): Promise<string> {
    return (await this.get('/v1/log/checkpoint')).text();
  }

  async consistency(from: number, to: number): Promise<Buffer[]> {
    const body = (await (await this.get(`/v1/log/proof/consistency?from=${from}&to=${to}`)).json()) as { proof: string[] };
    return body.proof.map((p) => Buffer.from(p, 'base64'));
  }

  async postCosignature(note: string): Promise<void> {
    const res = await fetch(new URL('/v1/log/cosignature', this.base), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ checkpoint: note }) });
    if (!res.ok) throw new Error(`POST /v1/log/cosignature: ${res.status} ${await res.text()}`);
  }
}

export type Extension = { ok: true; checkpoint: Checkpoint; note: ParsedNote } | { ok: false; reason: string };

/**
 * Fetches the ledger's current checkpoint, checks it is signed by `key`, and that it extends
 * `earlier` (the same tree, grown): by a consistency proof the ledger must give.
 */
export async function fetchExtension(client: LogClient, key: VerifierKey, earlier: Checkpoint | undefined): Promise<Extension> {
  const opened = openCheckpoint(await client.checkpoint(), key);
  if (!opened.ok) return { ok: false, reason: `the current checkpoint: ${opened.reason}` };
  const now = opened.checkpoint;
  if (!earlier) return { ok: true, checkpoint: now, note: opened.note };
  if (now.size < earlier.size) return { ok: false, reason: `the log now has ${now.size} leaves, fewer than the ${earlier.size} of the earlier checkpoint: it was cut back` };
  const proof = now.size === earlier.size ? [] : await client.consistency(earlier.size, now.size);
  if (!verifyConsistency(earlier.size, now.size, earlier.root, now.root, proof)) {
    return { ok: false, reason: `the log at ${now.size} is not an extension of the checkpoint at ${earlier.size}: history was rewritten` };
  }
  return { ok: true, checkpoint: now, note: opened.note };
}
