import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface PublicKeyInfo {
  keyId: string;
  /** SPKI PEM: what an offline verifier (a phone app) needs. */
  publicKey: string;
}

/**
 * The Ed25519 keys that sign certificate content. One signing key at a time; rotation adds a new
 * key and keeps every old public key, so certificates signed before still verify (each signature
 * names its key id). One keyring per deployment, i.e. per bureau that runs it: the issuer is named
 * in the signed content.
 */
export class Keyring {
  private constructor(
    private readonly dir: string | undefined,
    private current: { keyId: string; privateKey: KeyObject },
    private readonly publics: Map<string, KeyObject>,
  ) {}

  /** Loads the keys under `<dataDir>/keys`, creating the first one if there is none. */
  static open(dataDir: string): Keyring {
    const dir = join(dataDir, 'keys');
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const publics = new Map<string, KeyObject>();
    for (const f of readdirSync(dir)) {
      if (f.endsWith('.pub.pem')) publics.set(f.slice(0, -'.pub.pem'.length), createPublicKey(readFileSync(join(dir, f))));
    }
    const currentFile = join(dir, 'current');
    if (!existsSync(currentFile)) {
      const ring = new Keyring(dir, { keyId: '', privateKey: undefined as never }, publics);
      ring.rotate();
      return ring;
    }
    const keyId = readFileSync(currentFile, 'utf8').trim();
    const privateKey = createPrivateKey(readFileSync(join(dir, `${keyId}.key.pem`)));
    return new Keyring(dir, { keyId, privateKey }, publics);
  }

  /** A keyring that lives in memory only, for tests. */
  static inMemory(): Keyring {
    const ring = new Keyring(undefined, { keyId: '', privateKey: undefined as never }, new Map());
    ring.rotate();
    return ring;
  }

  /** Makes a new signing key current; old public keys stay for verification. Returns the new key id. */
  rotate(): string {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const keyId = `k${new Date().toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(3).toString('hex')}`;
    if (this.dir) {
      writeFileSync(join(this.dir, `${keyId}.key.pem`), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
      writeFileSync(join(this.dir, `${keyId}.pub.pem`), publicKey.export({ type: 'spki', format: 'pem' }));
      writeFileSync(join(this.dir, 'current'), `${keyId}\n`);
    }
    this.publics.set(keyId, publicKey);
    this.current = { keyId, privateKey };
    return keyId;
  }

  get currentKeyId(): string {
    return this.current.keyId;
  }

  /** Signs a hex digest; the signature is base64url. */
  sign(digestHex: string): { signature: string; keyId: string } {
    return { signature: sign(null, Buffer.from(digestHex, 'hex'), this.current.privateKey).toString('base64url'), keyId: this.current.keyId };
  }

  verify(digestHex: string, signature: string, keyId: string): boolean {
    const key = this.publics.get(keyId);
    if (!key || !/^[0-9a-f]{64}$/.test(digestHex)) return false;
    try {
      return verify(null, Buffer.from(digestHex, 'hex'), key, Buffer.from(signature, 'base64url'));
    } catch {
      return false;
    }
  }

  publicKeys(): PublicKeyInfo[] {
    return [...this.publics.entries()].map(([keyId, k]) => ({ keyId, publicKey: k.export({ type: 'spki', format: 'pem' }).toString() }));
  }
}
