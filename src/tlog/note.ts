import { createPrivateKey, createPublicKey, generateKeyPairSync, hash, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/**
 * C2SP signed notes (the format of tlog-checkpoint) with Ed25519 keys, and C2SP tlog-cosignature/v1.
 * A note is its text, ending in a newline, a blank line, then one line per signature:
 * `— <name> <base64(key id ‖ signature)>`. The key id is the first 4 bytes of
 * SHA-256(name ‖ "\n" ‖ type ‖ public key), type 0x01 for a note signature and 0x04 for a cosignature.
 */
const NOTE_ED25519 = 0x01;
const COSIGNATURE_V1 = 0x04;
const DASH = '\u2014';

export interface VerifierKey {
  name: string;
  type: number;
  keyId: Buffer;
  publicKey: KeyObject;
  /** `<name>+<hex key id>+<base64(type ‖ public key)>` */
  vkey: string;
}

function rawPublic(key: KeyObject): Buffer {
  return Buffer.from(key.export({ format: 'jwk' }).x!, 'base64url');
}

function keyIdOf(name: string, type: number, raw: Buffer): Buffer {
  return hash('sha256', Buffer.concat([Buffer.from(`${name}\n`), Buffer.from([type]), raw]), 'buffer').subarray(0, 4);
}

function verifierOf(name: string, type: number, publicKey: KeyObject): VerifierKey {
  const raw = rawPublic(publicKey);
  const keyId = keyIdOf(name, type, raw);
  return { name, type, keyId, publicKey, vkey: `${name}+${keyId.toString('hex')}+${Buffer.concat([Buffer.from([type]), raw]).toString('base64')}` };
}

/** Parses a verifier key; undefined for anything malformed or whose key id does not match. */
export function parseVerifierKey(vkey: string): VerifierKey | undefined {
  const m = /^([^+\s]+)\+([0-9a-f]{8})\+([A-Za-z0-9+/]+=*)$/.exec(vkey.trim());
  if (!m) return undefined;
  const bytes = Buffer.from(m[3]!, 'base64');
  if (bytes.length !== 33 || (bytes[0] !== NOTE_ED25519 && bytes[0] !== COSIGNATURE_V1)) return undefined;
  const publicKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: bytes.subarray(1).toString('base64url') }, format: 'jwk' });
  const v = verifierOf(m[1]!, bytes[0]!, publicKey);
  return v.keyId.toString('hex') === m[2] ? v : undefined;
}

/** An Ed25519 key that signs notes (type 0x01) or cosignatures (0x04) under a name. */
export class NoteSigner {
  readonly verifier: VerifierKey;

  constructor(
    readonly name: string,
    private readonly privateKey: KeyObject,
    type: number = NOTE_ED25519,
  ) {
    this.verifier = verifierOf(name, type, createPublicKey(privateKey));
  }

  static fromPem(name: string, pem: string, type?: number): NoteSigner {
    return new NoteSigner(name, createPrivateKey(pem), type);
  }

  static generatePem(): string {
    return generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  }

  /** The signature line of a note signature over `text`. */
  signatureLine(text: string): string {
    const sig = sign(null, Buffer.from(text), this.privateKey);
    return `${DASH} ${this.name} ${Buffer.concat([this.verifier.keyId, sig]).toString('base64')}\n`;
  }

  /** A tlog-cosignature/v1 line over a checkpoint's text, at `time` (seconds since the epoch). */
  cosignatureLine(checkpointText: string, time: number): string {
    const ts = Buffer.alloc(8);
    ts.writeBigUInt64BE(BigInt(time));
    const sig = sign(null, Buffer.from(cosignedMessage(checkpointText, time)), this.privateKey);
    return `${DASH} ${this.name} ${Buffer.concat([this.verifier.keyId, ts, sig]).toString('base64')}\n`;
  }
}

export const COSIGNATURE_KEY_TYPE = COSIGNATURE_V1;

function cosignedMessage(checkpointText: string, time: number): string {
  return `cosignature/v1\ntime ${time}\n${checkpointText}`;
}

export interface SignatureLine {
  name: string;
  /** key id ‖ signature (‖ timestamp for a cosignature), decoded. */
  bytes: Buffer;
  line: string;
}

export interface ParsedNote {
  text: string;
  signatures: SignatureLine[];
}

/** Splits a signed note into its text and signature lines; undefined when it is not one. */
export function parseNote(note: string): ParsedNote | undefined {
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) return undefined;
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  const signatures: SignatureLine[] = [];
  for (const line of lines) {
    const m = new RegExp(`^${DASH} (\\S+) ([A-Za-z0-9+/]+=*)$`).exec(line);
    if (!m) return undefined;
    signatures.push({ name: m[1]!, bytes: Buffer.from(m[2]!, 'base64'), line: `${line}\n` });
  }
  return signatures.length > 0 ? { text, signatures } : undefined;
}

/** Whether one of the note's signature lines is a valid note signature by `key`. */
export function hasNoteSignature(note: ParsedNote, key: VerifierKey): boolean {
  return note.signatures.some(
    (s) => s.name === key.name && s.bytes.length === 68 && s.bytes.subarray(0, 4).equals(key.keyId) && verify(null, Buffer.from(note.text), key.publicKey, s.bytes.subarray(4)),
  );
}

/** The line's timestamp when it is a valid tlog-cosignature/v1 by `key` over the note's text, else undefined. */
export function cosignatureTime(text: string, line: SignatureLine, key: VerifierKey): number | undefined {
  if (line.name !== key.name || line.bytes.length !== 76 || !line.bytes.subarray(0, 4).equals(key.keyId) || key.type !== COSIGNATURE_V1) return undefined;
  const time = Number(line.bytes.readBigUInt64BE(4));
  return verify(null, Buffer.from(cosignedMessage(text, time)), key.publicKey, line.bytes.subarray(12)) ? time : undefined;
}

export interface Checkpoint {
  origin: string;
  size: number;
  root: Buffer;
}

/** The text of a C2SP tlog-checkpoint: origin, tree size, base64 root hash. */
export function checkpointText(c: Checkpoint): string {
  return `${c.origin}\n${c.size}\n${c.root.toString('base64')}\n`;
}

export function parseCheckpointText(text: string): Checkpoint | undefined {
  const m = /^([^\n]+)\n(0|[1-9]\d{0,15})\n([A-Za-z0-9+/]{43}=)\n/.exec(text);
  if (!m) return undefined;
  const size = Number(m[2]);
  return Number.isSafeInteger(size) ? { origin: m[1]!, size, root: Buffer.from(m[3]!, 'base64') } : undefined;
}

/** A checkpoint note verified against the log's key: its fields, or why not. */
export function openCheckpoint(note: string, logKey: VerifierKey): { ok: true; checkpoint: Checkpoint; note: ParsedNote } | { ok: false; reason: string } {
  const parsed = parseNote(note);
  if (!parsed) return { ok: false, reason: 'not a signed note' };
  const checkpoint = parseCheckpointText(parsed.text);
  if (!checkpoint) return { ok: false, reason: 'not a checkpoint (origin, size, root)' };
  if (checkpoint.origin !== logKey.name) return { ok: false, reason: `origin ${checkpoint.origin} is not the log ${logKey.name}` };
  if (!hasNoteSignature(parsed, logKey)) return { ok: false, reason: "the log's signature does not verify" };
  return { ok: true, checkpoint, note: parsed };
}
