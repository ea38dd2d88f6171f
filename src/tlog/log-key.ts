import { createPrivateKey, createPublicKey, hash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { NoteSigner } from './note.js';

/**
 * The log's Ed25519 key, its own (not a certificate key), in `<dataDir>/secrets/log-key.pem`,
 * created on first use. The origin (the checkpoints' first line and the key's name) is the
 * configured one, or one derived from the public key so that two deployments never share it.
 */
export function openLogSigner(dataDir: string, origin?: string): NoteSigner {
  const dir = join(dataDir, 'secrets');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, 'log-key.pem');
  if (!existsSync(file)) {
    writeFileSync(file, NoteSigner.generatePem(), { mode: 0o600, flag: 'wx' });
    chmodSync(file, 0o600);
  }
  const pem = readFileSync(file, 'utf8');
  return NoteSigner.fromPem(origin ?? defaultOrigin(pem), pem);
}

function defaultOrigin(pem: string): string {
  const raw = Buffer.from(createPublicKey(createPrivateKey(pem)).export({ format: 'jwk' }).x!, 'base64url');
  return `celedger.local/log-${hash('sha256', raw, 'hex').slice(0, 12)}`;
}

/** The log file of a data directory. */
export const logFile = (dataDir: string): string => join(dataDir, 'tlog.db');
