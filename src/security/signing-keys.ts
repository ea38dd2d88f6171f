import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
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
 *
 * A running server sees a rotation made by `ledger keys rotate` (or by another replica sharing the
 * keys directory) without a restart: it re-reads `current` before it signs, and looks for new
 * public keys when asked for a key id it does not know and when it lists the keys, reading the
 * directory only when its modification time has changed (so unknown key ids cost a stat, not a
 * directory read).
 */
export class Keyring {
  /** Modification time of the keys directory when it was last read: a key added since changes it. */
  private dirMtimeMs = -1;

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
      // The key files first, then `current` by rename: a reader never sees a current key without its files.
      const tmp = join(this.dir, `current.${process.pid}.tmp`);
      writeFileSync(tmp, `${keyId}\n`);
      renameSync(tmp, join(this.dir, 'current'));
    }
    this.publics.set(keyId, publicKey);
    this.current = { keyId, privateKey };
    return keyId;
  }

  /** Re-reads the keys directory: public keys added since, and the current signing key. */
  reload(): void {
    if (!this.dir) return;
    this.dirMtimeMs = statSync(this.dir).mtimeMs;
    for (const f of readdirSync(this.dir)) {
      if (!f.endsWith('.pub.pem')) continue;
      const keyId = f.slice(0, -'.pub.pem'.length);
      if (!this.publics.has(keyId)) this.publics.set(keyId, createPublicKey(readFileSync(join(this.dir, f))));
    }
    this.reloadCurrent();
  }

  private reloadCurrent(): void {
    if (!this.dir) return;
    const keyId = readFileSync(join(this.dir, 'current'), 'utf8').trim();
    if (keyId === this.current.keyId) return;
    const privateKey = createPrivateKey(readFileSync(join(this.dir, `${keyId}.key.pem`)));
    if (!this.publics.has(keyId)) this.publics.set(keyId, createPublicKey(readFileSync(join(this.dir, `${keyId}.pub.pem`))));
    this.current = { keyId, privateKey };
  }

  private lookAgain(): boolean {
    if (!this.dir || statSync(this.dir).mtimeMs === this.dirMtimeMs) return false;
    this.reload();
    return true;
  }

  get currentKeyId(): string {
    this.reloadCurrent();
    return this.current.keyId;
  }

  /** Signs a hex digest with the current key (as `current` names it now); the signature is base64url. */
  sign(digestHex: string): { signature: string; keyId: string } {
    this.reloadCurrent();
    return { signature: sign(null, Buffer.from(digestHex, 'hex'), this.current.privateKey).toString('base64url'), keyId: this.current.keyId };
  }

  verify(digestHex: string, signature: string, keyId: string): boolean {
    let key = this.publics.get(keyId);
    if (!key && this.lookAgain()) key = this.publics.get(keyId);
    if (!key || !/^[0-9a-f]{64}$/.test(digestHex)) return false;
    try {
      return verify(null, Buffer.from(digestHex, 'hex'), key, Buffer.from(signature, 'base64url'));
    } catch {
      return false;
    }
  }

  publicKeys(): PublicKeyInfo[] {
    this.lookAgain();
    return [...this.publics.entries()].map(([keyId, k]) => ({ keyId, publicKey: k.export({ type: 'spki', format: 'pem' }).toString() }));
  }
}
