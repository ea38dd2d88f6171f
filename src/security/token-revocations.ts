import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** `<dataDir>/secrets/revoked-tokens`: beside the token key, so replicas that share the key share the list. */
export function revokedTokensFile(dataDir: string): string {
  return join(dataDir, 'secrets', 'revoked-tokens');
}

interface Revocation {
  jti: string;
  /** The token's own expiry: past it the entry is no longer needed and is dropped. */
  until: Date;
}

function parse(text: string): Revocation[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const [jti = '', until = ''] = line.split(/\s+/);
      const at = new Date(until);
      return { jti, until: Number.isNaN(at.getTime()) ? new Date(8.64e15) : at };
    });
}

/**
 * The deny list of bearer tokens revoked before they expire, by token id (`jti`): one line per
 * token, `<jti> <expiry ISO time>`. `ledger token revoke` writes it; a running server re-reads it
 * when the file changes (looking at most once a second), so no restart is needed.
 */
export class RevokedTokens {
  private jtis = new Set<string>();
  private mtimeMs = -1;
  private checkedAt = -Infinity;

  private constructor(
    private readonly file: string,
    private readonly now: () => number,
  ) {
    this.reload();
  }

  static open(dataDir: string, now: () => number = Date.now): RevokedTokens {
    return new RevokedTokens(revokedTokensFile(dataDir), now);
  }

  /** Adds a token id to the list (and drops entries whose tokens have expired anyway). */
  static revoke(dataDir: string, jti: string, until: Date, now = new Date()): void {
    const file = revokedTokensFile(dataDir);
    mkdirSync(join(dataDir, 'secrets'), { recursive: true, mode: 0o700 });
    const kept = (existsSync(file) ? parse(readFileSync(file, 'utf8')) : []).filter((r) => r.until > now && r.jti !== jti);
    const lines = [...kept, { jti, until }].map((r) => `${r.jti} ${r.until.toISOString()}\n`).join('');
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, lines, { mode: 0o600 });
    renameSync(tmp, file);
  }

  has(jti: string): boolean {
    const now = this.now();
    if (now - this.checkedAt >= 1000) {
      this.checkedAt = now;
      this.reload();
    }
    return this.jtis.has(jti);
  }

  private reload(): void {
    let mtimeMs: number;
    try {
      mtimeMs = statSync(this.file).mtimeMs;
    } catch {
      this.jtis = new Set();
      this.mtimeMs = -1;
      return;
    }
    if (mtimeMs === this.mtimeMs) return;
    this.mtimeMs = mtimeMs;
    this.jtis = new Set(parse(readFileSync(this.file, 'utf8')).map((r) => r.jti));
  }
}
