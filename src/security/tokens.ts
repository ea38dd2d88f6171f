import { randomBytes } from 'node:crypto';
import { createSigner, createVerifier } from 'fast-jwt';
import { Principal } from './principal.js';

/** Who issues the tokens and for whom: both are required in every token and checked. */
export const TOKEN_ISSUER = 'celedger';
export const TOKEN_AUDIENCE = 'celedger-api';
/** The longest a token may live: `ledger token` refuses more, and the server refuses a token issued for longer. */
export const MAX_TTL_SECONDS = 30 * 86_400;
export const DEFAULT_TTL_SECONDS = 8 * 3600;

const REQUIRED_CLAIMS = ['iss', 'aud', 'sub', 'iat', 'exp', 'jti'];

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `90`, `90s`, `30m`, `1h`, `7d` → seconds; undefined when not a positive duration. */
export function parseTtl(text: string): number | undefined {
  const m = /^(\d+)([smhd]?)$/.exec(text.trim());
  if (!m) return undefined;
  const seconds = Number(m[1]) * UNIT_SECONDS[m[2] || 's']!;
  return seconds > 0 ? seconds : undefined;
}

export interface IssuedToken {
  token: string;
  /** The token's id: what a deny list names to revoke it before it expires. */
  jti: string;
  expiresAt: Date;
}

export interface IssueOptions {
  ttlSeconds?: number;
  /** When it is issued (ms since the epoch); now unless given. */
  issuedAt?: number;
}

/** Signs a bearer token (HS256) for a principal, with issuer, audience, expiry and id; the same key verifies it in the HTTP layer. */
export function issueToken(key: Buffer, principal: Principal, o: IssueOptions = {}): IssuedToken {
  const ttlSeconds = o.ttlSeconds ?? DEFAULT_TTL_SECONDS;
  if (!(ttlSeconds > 0 && ttlSeconds <= MAX_TTL_SECONDS)) throw new RangeError(`a token lives between 1 s and ${MAX_TTL_SECONDS / 86_400} days, not ${ttlSeconds} s`);
  const issuedAt = o.issuedAt ?? Date.now();
  const jti = randomBytes(12).toString('hex');
  const sign = createSigner({ key, algorithm: 'HS256', iss: TOKEN_ISSUER, aud: TOKEN_AUDIENCE, jti, expiresIn: ttlSeconds * 1000, clockTimestamp: issuedAt });
  const claims: Record<string, unknown> = { role: principal.role, sub: principal.sub };
  if (principal.jurisdiction) claims.jurisdiction = principal.jurisdiction;
  if (principal.level) claims.level = principal.level;
  if (principal.jurisdictions) claims.jurisdictions = principal.jurisdictions;
  return { token: sign(claims), jti, expiresAt: new Date(Math.floor(issuedAt / 1000) * 1000 + ttlSeconds * 1000) };
}

export function signToken(key: Buffer, principal: Principal, ttlSeconds = DEFAULT_TTL_SECONDS): string {
  return issueToken(key, principal, { ttlSeconds }).token;
}

export type TokenCheck = { ok: true; principal: Principal; jti: string } | { ok: false; reason: string };

export interface VerifierOptions {
  /** Whether a token id is on the deny list. */
  revoked?: (jti: string) => boolean;
}

const REASONS: Record<string, string> = {
  FAST_JWT_EXPIRED: 'token expired',
  FAST_JWT_MISSING_REQUIRED_CLAIM: 'token lacks a required claim (iss, aud, sub, iat, exp, jti)',
  FAST_JWT_INVALID_CLAIM_VALUE: 'token is for another issuer or audience',
};

/** Verified tokens kept per verifier; past this, the oldest kept is let go. */
const VERIFIED_KEPT = 1_000;

/** A token that passed every check but revocation, and until when that verdict stands. */
interface Verified {
  principal: Principal;
  jti: string;
  /** The token's `exp`, in milliseconds. */
  expiresAt: number;
}

export function tokenVerifier(key: Buffer, o: VerifierOptions = {}): (token: string) => TokenCheck {
  // No cache of fast-jwt's: its default keys the cache with a SHA-256 of every token, on every
  // request. The tokens verified are kept here instead, by their own text, which no two tokens share.
  const verify = createVerifier({
    key,
    algorithms: ['HS256'],
    allowedIss: TOKEN_ISSUER,
    allowedAud: TOKEN_AUDIENCE,
    requiredClaims: REQUIRED_CLAIMS,
  });
  const verified = new Map<string, Verified>();
  const check = (token: string): Verified | { ok: false; reason: string } => {
    let payload: { jti?: unknown; iat: number; exp: number };
    try {
      payload = verify(token) as typeof payload;
    } catch (err) {
      return { ok: false, reason: REASONS[(err as { code?: string }).code ?? ''] ?? 'invalid token' };
    }
    // Issued for longer than the cap: refused, even by a key holder who signed it so.
    if (payload.exp - payload.iat > MAX_TTL_SECONDS) return { ok: false, reason: `token issued for longer than ${MAX_TTL_SECONDS / 86_400} days` };
    const parsed = Principal.safeParse(payload);
    if (!parsed.success) return { ok: false, reason: 'token claims are invalid' };
    // Shared by every request that brings the token: frozen.
    return { principal: Object.freeze(parsed.data), jti: typeof payload.jti === 'string' ? payload.jti : '', expiresAt: payload.exp * 1000 };
  };
  return (token) => {
    let known = verified.get(token);
    // Up to its expiry a kept token needs no check again; from it, fast-jwt gives the verdict.
    if (known && Date.now() >= known.expiresAt) {
      verified.delete(token);
      known = undefined;
    }
    if (!known) {
      const result = check(token);
      if ('ok' in result) return result;
      known = result;
      if (verified.size >= VERIFIED_KEPT) verified.delete(verified.keys().next().value!);
      verified.set(token, known);
    }
    if (o.revoked?.(known.jti)) return { ok: false, reason: 'token revoked' };
    return { ok: true, principal: known.principal, jti: known.jti };
  };
}
