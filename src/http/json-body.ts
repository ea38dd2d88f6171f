import type { FastifyInstance, FastifyRequest } from 'fastify';
import { ApiError } from './errors.js';

/** Deeper than any command nests (a batch's item's evidence is 4 levels); a bound for every recursive walk after parsing. */
export const MAX_BODY_DEPTH = 16;
/** Values in one body: a full completion batch has about 10,000. */
export const MAX_BODY_VALUES = 100_000;

/**
 * Refuses a parsed body that nests deeper than MAX_BODY_DEPTH, holds more than MAX_BODY_VALUES
 * values or a number JSON.parse made infinite (`1e999`), walking it without recursion: the recursive walks after it (the schema, canonical JSON
 * for the request hash) would otherwise overflow the stack on `[[[[…]]]]`.
 */
export function assertBounded(body: unknown): void {
  if (typeof body === 'number' && !Number.isFinite(body)) throw new ApiError('VALIDATION_FAILED', 'the body is a number too large for JSON', [{ path: 'body', message: 'not a finite number' }]);
  const stack: [object, number][] = typeof body === 'object' && body !== null ? [[body, 1]] : [];
  let values = 1;
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (depth > MAX_BODY_DEPTH) throw new ApiError('VALIDATION_FAILED', `the body nests deeper than ${MAX_BODY_DEPTH} levels`, [{ path: 'body', message: 'nested too deep' }]);
    for (const v of Array.isArray(value) ? (value as unknown[]) : Object.values(value)) {
      if (typeof v === 'number' && !Number.isFinite(v)) throw new ApiError('VALIDATION_FAILED', 'the body holds a number too large for JSON (such as 1e999)', [{ path: 'body', message: 'not a finite number' }]);
      if (++values > MAX_BODY_VALUES) throw new ApiError('VALIDATION_FAILED', `the body holds more than ${MAX_BODY_VALUES} values`, [{ path: 'body', message: 'too many values' }]);
      if (typeof v === 'object' && v !== null) stack.push([v, depth + 1]);
    }
  }
}

/** Fastify's JSON parser (prototype-poisoning checks included), followed by the bounds. */
export function boundedJsonBodies(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req: FastifyRequest, body: string | Buffer, done: (err: Error | null, body?: unknown) => void) => {
    parse(req, body as string, (err: Error | null, parsed?: unknown) => {
      if (err) return done(err);
      try {
        assertBounded(parsed);
      } catch (bounds) {
        return done(bounds as Error);
      }
      done(null, parsed);
    });
  });
}
