import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Secrets of one deployment, kept in its data directory and loaded once at start-up. */
export interface Secrets {
  /** Key of the HMAC over personal ID numbers. Losing it makes stored hashes unmatchable. */
  idPepper: Buffer;
  /** HS256 key of bearer tokens. */
  jwtKey: Buffer;
}

function loadOrCreate(file: string): Buffer {
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  const key = randomBytes(32);
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return key;
}

export function loadSecrets(dataDir: string): Secrets {
  const dir = join(dataDir, 'secrets');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return { idPepper: loadOrCreate(join(dir, 'id-pepper')), jwtKey: loadOrCreate(join(dir, 'jwt-key')) };
}
