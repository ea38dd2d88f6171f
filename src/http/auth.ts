import type { FastifyReply, FastifyRequest, onRequestHookHandler } from 'fastify';
import type { Role } from '../../schemas/common.js';
import type { Principal } from '../security/principal.js';
import type { RevokedTokens } from '../security/token-revocations.js';
import { tokenVerifier } from '../security/tokens.js';
import { ApiError } from './errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

export type Authenticate = (roles: readonly Role[]) => onRequestHookHandler;

/**
 * Bearer tokens signed by this server (HS256 with the data dir's key), with issuer, audience, expiry
 * and id, and not on the deny list. Returns the onRequest hook
 * factory each route uses with the roles it admits: 401 without a valid token, 403 for another role.
 * Scope (which jurisdiction, institution, employer, person) is checked by the domain, which knows
 * the target.
 */
export function authenticator(jwtKey: Buffer, revoked?: RevokedTokens): Authenticate {
  const verify = tokenVerifier(jwtKey, revoked ? { revoked: (jti) => revoked.has(jti) } : {});
  return (roles) =>
    async function authenticate(req: FastifyRequest, _reply: FastifyReply) {
      const header = req.headers.authorization;
      const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
      if (!match) throw new ApiError('UNAUTHORIZED', 'a bearer token is required');
      const checked = verify(match[1]!);
      if (!checked.ok) throw new ApiError('UNAUTHORIZED', checked.reason);
      if (!roles.includes(checked.principal.role)) throw new ApiError('FORBIDDEN', `role ${checked.principal.role} may not use this route`);
      req.principal = checked.principal;
    };
}
