import { jsonSchemaTransform } from 'fastify-type-provider-zod';
import { ERROR_STATUS } from './errors.js';

type Transform = typeof jsonSchemaTransform;
type TransformInput = Parameters<Transform>[0];

/** The error body every route answers with, as JSON Schema. */
const ERROR_SCHEMA = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', enum: Object.keys(ERROR_STATUS) },
        message: { type: 'string' },
        details: { description: 'field paths of a 400 (`[{path, message}]`), `ruleId` of a 422, …' },
      },
    },
  },
};

const WRITE_ANSWER = {
  type: 'object',
  description: 'Where the fact landed; the ETag header is the revision of the stream written',
  required: ['streamId', 'revision', 'position'],
  properties: {
    streamId: { type: 'string' },
    revision: { type: 'string', description: 'the revision the stream now ends at (a 64-bit integer, as a string)' },
    position: { type: 'string', description: 'the global position of the write; read with ?minPosition= to see it' },
    creditId: { type: 'string' },
    certificateNumber: { type: 'string' },
    qr: { type: 'string' },
  },
};

/** A write to a person's stream by a role that does not read it: no revision, no ETag (see WriteRouteSpec). */
const WRITE_ANSWER_WITHOUT_REVISION = {
  ...WRITE_ANSWER,
  description: 'Where the fact landed in the global order; the revision of the person’s stream is not told',
  required: ['streamId', 'position'],
  properties: Object.fromEntries(Object.entries(WRITE_ANSWER.properties).filter(([k]) => k !== 'revision')),
};

const BATCH_ANSWER = {
  type: 'object',
  required: ['recorded', 'duplicates', 'rejected', 'results'],
  properties: {
    recorded: { type: 'integer' },
    duplicates: { type: 'integer' },
    rejected: { type: 'integer' },
    results: {
      type: 'array',
      items: {
        type: 'object',
        required: ['index', 'status'],
        properties: { index: { type: 'integer' }, status: { enum: ['recorded', 'duplicate', 'rejected'] }, creditId: { type: 'string' }, position: { type: 'string' }, error: ERROR_SCHEMA.properties.error },
      },
    },
  },
};

const VERIFY_ANSWER = {
  type: 'object',
  required: ['verdict', 'certificateNumber'],
  properties: {
    verdict: { enum: ['authentic', 'unstamped', 'revoked', 'invalidated', 'holder-mismatch', 'altered', 'not-found'] },
    certificateNumber: { type: 'string' },
    certificate: {
      type: 'object',
      description: 'absent unless the holder matched',
      properties: {
        holder: { type: 'string', description: 'masked name' },
        year: { type: 'integer' },
        jurisdiction: { type: 'string' },
        hours: { type: 'object', properties: { public: { type: 'number' }, professional: { type: 'number' }, elective: { type: 'number' }, total: { type: 'number' } } },
        issuedOn: { type: 'string' },
        stamp: { type: 'object', properties: { authority: { type: 'string' }, stampedOn: { type: 'string' } } },
        revocation: { type: 'object', properties: { reason: { type: 'string' }, revokedOn: { type: 'string' } } },
        invalidatedBecause: { type: 'string' },
      },
    },
  },
};

/** Routes anyone may call: no bearer token. */
const PUBLIC_ROUTES = new Set(['/health', '/v1/keys', '/v1/verify', '/v1/verify/:no']);

const ERROR_MEANING: Record<number, string> = {
  400: 'VALIDATION_FAILED: the request does not match the schema (details name the fields)',
  401: 'UNAUTHORIZED: no bearer token, or one that is invalid, expired or revoked',
  403: 'FORBIDDEN: the role may not do this, or the request names a scope not the caller’s',
  404: 'NOT_FOUND: no such record, or one the caller may not know of (the same answer)',
  409: 'CONFLICT: a duplicate, a step out of order, a concurrent write (WRONG_EXPECTED_VERSION)',
  412: 'PRECONDITION_FAILED: If-Match names another revision',
  422: 'RULE_VIOLATION with details.ruleId, or IDEMPOTENCY_KEY_REUSED',
  429: 'RATE_LIMITED, with Retry-After',
  500: 'INTERNAL',
  503: 'UNAVAILABLE: the store is closed or unreachable',
  504: 'TIMEOUT: the read side has not reached ?minPosition= in time',
};

/** `post /v1/persons/:id/transfer` → `postPersonsByIdTransfer`. */
export function operationId(method: string, url: string): string {
  const words = url
    .split('/')
    .filter((s) => s !== '' && s !== 'v1')
    .flatMap((s) => (s.startsWith(':') ? ['by', s.slice(1)] : s.split(/[-.]/)));
  return [method.toLowerCase(), ...words.map((w) => w.charAt(0).toUpperCase() + w.slice(1))].join('');
}

/**
 * The zod route schemas as JSON Schema (fastify-type-provider-zod), completed for the OpenAPI
 * document only, so serialization is untouched: an operation id, the bearer scheme on every route
 * that needs a token, the real success status (201 for a write, 200 for a batch or a read) with its
 * body, and the error statuses the route can answer with, each with the error body.
 */
/** Writes whose body names the record they act on (a person, a course): they answer 404 as the routes with an id in their path do. */
const NAMES_A_RECORD_IN_BODY = new Set(['/v1/conversions', '/v1/enrolments', '/v1/completions']);

export const openApiTransform: Transform = (input: TransformInput) => {
  const out = jsonSchemaTransform(input);
  const method = String(Array.isArray(input.route.method) ? input.route.method[0] : input.route.method).toLowerCase();
  const url = input.url;
  const schema = { ...(out.schema as Record<string, unknown>) };
  const isPublic = PUBLIC_ROUTES.has(url);
  const isWrite = method === 'post';
  const success = isWrite && !url.endsWith('/batch') ? 201 : 200;
  const withheld = (input.route.config as { withholdRevision?: boolean } | undefined)?.withholdRevision === true;
  const successBody = isWrite ? (success === 201 ? (withheld ? WRITE_ANSWER_WITHOUT_REVISION : WRITE_ANSWER) : BATCH_ANSWER) : url.startsWith('/v1/verify') ? VERIFY_ANSWER : { type: 'object' };
  const reads = !isWrite && JSON.stringify(schema.querystring ?? {}).includes('minPosition');
  const errors = [400, ...(isPublic ? [] : [401, 403]), ...(url.includes(':') || NAMES_A_RECORD_IN_BODY.has(url) ? [404] : []), ...(isWrite ? [409, ...(withheld ? [] : [412]), 422] : []), ...(url.startsWith('/v1/verify') ? [429] : []), 500, ...(isWrite ? [503] : []), ...(reads ? [504] : [])];
  const given = (schema.response ?? {}) as Record<string, unknown>;
  schema.response = {
    [success]: { description: success === 201 ? 'Created' : 'OK', ...successBody, ...(given[success] as object | undefined) },
    ...Object.fromEntries(errors.map((status) => [status, { description: ERROR_MEANING[status], ...ERROR_SCHEMA }])),
  };
  schema.operationId = operationId(method, url);
  if (!isPublic) schema.security = [{ bearer: [] }];
  return { schema, url: out.url };
};
