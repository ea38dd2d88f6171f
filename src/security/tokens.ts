import { createSigner, createVerifier } from 'fast-jwt';
import { Principal } from './principal.js';

const ISSUER = 'celedger';

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `90`, `90s`, `30m`, `1h`, `7d` → seconds; undefined when not a positive duration. */
export function parseTtl(text: string): number | undefined {
  const m = /^(\d+)([smhd]?)$/.exec(text.trim());
  if (!m) return undefined;
  const seconds = Number(m[1]) * UNIT_SECONDS[m[2] || 's']!;
  return seconds > 0 ? seconds : undefined;
}

/** Signs a bearer token (HS256) for a principal; the same key verifies it in the HTTP layer. */
export function signToken(key: Buffer, principal: Principal, ttlSeconds = 8 * 3600): string {
  const sign = createSigner({ key, algorithm: 'HS256', iss: ISSUER, expiresIn: ttlSeconds * 1000 });
  const claims: Record<string, unknown> = { role: principal.role, sub: principal.sub };
  if (principal.jurisdiction) claims.jurisdiction = principal.jurisdiction;
  if (principal.level) claims.level = principal.level;
  if (principal.jurisdictions) claims.jurisdictions = principal.jurisdictions;
  return sign(claims);
}

export type TokenCheck = { ok: true; principal: Principal } | { ok: false; reason: string };

export function tokenVerifier(key: Buffer): (token: string) => TokenCheck {
  const verify = createVerifier({ key, algorithms: ['HS256'], allowedIss: ISSUER, cache: 1000 });
  return (token) => {
    let payload: unknown;
    try {
      payload = verify(token);
    } catch (err) {
      return { ok: false, reason: (err as { code?: string }).code === 'FAST_JWT_EXPIRED' ? 'token expired' : 'invalid token' };
    }
    const parsed = Principal.safeParse(payload);
    return parsed.success ? { ok: true, principal: parsed.data } : { ok: false, reason: 'token claims are invalid' };
  };
}
