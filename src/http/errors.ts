import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyBaseLogger, FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import type { Rejection } from '../domain/result.js';
import { StoreError } from '../store/errors.js';

/** The one table of error codes and their HTTP status. Everything the API answers with comes from here. */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  STREAM_NOT_FOUND: 404,
  WRONG_EXPECTED_VERSION: 409,
  DUPLICATE_EVENT_CONFLICT: 409,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  PAYLOAD_TOO_LARGE: 413,
  URI_TOO_LONG: 414,
  INVALID_APPEND: 400,
  RULE_VIOLATION: 422,
  IDEMPOTENCY_KEY_REUSED: 422,
  RATE_LIMITED: 429,
  HEADERS_TOO_LARGE: 431,
  INTERNAL: 500,
  STORE_CLOSED: 503,
  STORAGE_FULL: 507,
  UNAVAILABLE: 503,
  REQUEST_TIMEOUT: 408,
  TIMEOUT: 504,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}

/** An error raised at the HTTP edge; domain code returns typed results instead of throwing these. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

/** A domain refusal raised from a read route: the same code and words a write route answers with. */
export function refusalError(r: { rejection: Rejection }): ApiError {
  return new ApiError(r.rejection.code, r.rejection.message, r.rejection.details);
}

export function errorBody(code: ErrorCode, message: string, details?: unknown): ErrorBody {
  return details === undefined ? { error: { code, message } } : { error: { code, message, details } };
}

/** Field paths such as `items.3.hours` from a zod/Fastify validation error. */
function validationDetails(err: FastifyError): { path: string; message: string }[] {
  const issues = (err.validation ?? []) as {
    instancePath?: string;
    message?: string;
    params?: { issue?: { path?: PropertyKey[]; message?: string }; missingProperty?: string };
  }[];
  const where = err.validationContext ?? 'body';
  return issues.map((i) => {
    const zodPath = i.params?.issue?.path;
    // A JSON Schema `required` error points at the object; the field is its missingProperty.
    const jsonPath = [...(i.instancePath ?? '').split('/').slice(1), ...(i.params?.missingProperty ? [i.params.missingProperty] : [])];
    const path = zodPath ? zodPath.map(String).join('.') : jsonPath.join('.');
    return { path: path ? `${where}.${path}` : where, message: i.params?.issue?.message ?? i.message ?? 'invalid' };
  });
}

/** Seconds a client is told to wait before retrying a write refused for a full disk. */
export const STORAGE_FULL_RETRY_AFTER_S = 30;

/** The storage refused to grow (SQLite's SQLITE_FULL, ENOSPC): nothing was written, and a retry may pass. */
function isStorageFull(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === 'SQLITE_FULL' || code === 'ENOSPC';
}

export function errorHandler(err: FastifyError, req: FastifyRequest, reply: FastifyReply): void {
  answerError(err, req.log, reply);
}

/** The answer to an error; server faults are logged to `log`, client errors are not. */
export function answerError(err: FastifyError, log: FastifyBaseLogger, reply: FastifyReply): void {
  if (err instanceof ApiError) {
    void reply.code(err.status).send(errorBody(err.code, err.message, err.details));
    return;
  }
  if (hasZodFastifySchemaValidationErrors(err) || err.validation) {
    void reply.code(400).send(errorBody('VALIDATION_FAILED', 'the request does not match the schema', validationDetails(err)));
    return;
  }
  if (err instanceof StoreError) {
    const code = err.code as ErrorCode;
    void reply.code(ERROR_STATUS[code] ?? 500).send(errorBody(code in ERROR_STATUS ? code : 'INTERNAL', err.message));
    return;
  }
  if (isStorageFull(err)) {
    log.error({ err }, 'storage full: write refused');
    void reply
      .code(ERROR_STATUS.STORAGE_FULL)
      .header('retry-after', String(STORAGE_FULL_RETRY_AFTER_S))
      .send(errorBody('STORAGE_FULL', 'the ledger cannot store more right now (its disk is full): the request was not completed; try again later (with the same Idempotency-Key a retry records nothing twice)', { retryAfterSeconds: STORAGE_FULL_RETRY_AFTER_S }));
    return;
  }
  if (isResponseSerializationError(err)) {
    log.error({ err }, 'response did not match its schema');
    void reply.code(500).send(errorBody('INTERNAL', 'internal error'));
    return;
  }
  const status = err.statusCode ?? 500;
  if (status === 429) {
    void reply.code(429).send(errorBody('RATE_LIMITED', err.message));
  } else if (status === 413) {
    void reply.code(413).send(errorBody('PAYLOAD_TOO_LARGE', err.message));
  } else if (status >= 400 && status < 500) {
    // Fastify's own client errors: malformed JSON, wrong content type, empty body.
    void reply.code(400).send(errorBody('VALIDATION_FAILED', err.message));
  } else {
    log.error({ err }, 'unhandled error');
    void reply.code(500).send(errorBody('INTERNAL', 'internal error'));
  }
}

/**
 * Requests Node's HTTP parser refuses before Fastify sees them: most often raw (not
 * percent-encoded) UTF-8 in the URL, such as `?holder=张三丰` typed into a tool that does not encode.
 * They get the API's error shape, not Fastify's default body.
 */
export function clientErrorHandler(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const [code, message]: [ErrorCode, string] =
    err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? ['REQUEST_TIMEOUT', 'the request did not arrive in time']
      : err.code === 'HPE_HEADER_OVERFLOW'
        ? ['HEADERS_TOO_LARGE', 'the request headers are too large']
        : ['VALIDATION_FAILED', 'the request is not valid HTTP; characters outside ASCII in the URL must be percent-encoded (holder=%E5%BC%A0…)'];
  const body = JSON.stringify(errorBody(code, message, err.code === undefined ? undefined : { parser: err.code }));
  const status = ERROR_STATUS[code];
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy();
}

/** Fastify's own refusals before routing (a malformed percent-escape, a path parameter too long), in the API's shape. */
export function frameworkErrors(err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void {
  if (err.statusCode === 414) {
    void reply.code(414).send(errorBody('URI_TOO_LONG', 'a path segment of the URL is too long'));
    return;
  }
  void reply.code(400).send(errorBody('VALIDATION_FAILED', err.message, err.code === 'FST_ERR_BAD_URL' ? [{ path: 'url', message: 'a malformed percent-escape' }] : undefined));
}
