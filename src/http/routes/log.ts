import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { TransparencyLog } from '../../tlog/log.js';
import type { VerifierKey } from '../../tlog/note.js';
import { parseTilePath, TILE_WIDTH } from '../../tlog/tiles.js';
import { ApiError } from '../errors.js';

export interface LogRouteDeps {
  log: TransparencyLog;
  /** Witnesses whose cosignatures are kept. */
  witnesses: readonly VerifierKey[];
}

const Count = z.string().regex(/^\d{1,16}$/, 'a non-negative integer').transform(Number);
const b64 = (h: Buffer) => h.toString('base64');

function tooBig(path: string, value: number, log: TransparencyLog): ApiError {
  return new ApiError('VALIDATION_FAILED', `the log has ${log.size} leaves; ${value} is past its end`, [{ path, message: `at most ${log.size}` }]);
}

function sendNote(reply: FastifyReply, note: string | undefined, what: string) {
  if (note === undefined) throw new ApiError('NOT_FOUND', what);
  return reply.header('content-type', 'text/plain; charset=utf-8').header('cache-control', 'no-cache').send(note);
}

/**
 * The verifiable log, public as Certificate Transparency's are: anyone may hold a checkpoint and
 * ask for proofs against it, mirror the tiles, or (a configured witness) hand back a cosignature.
 */
export function logRoutes(app: FastifyInstance, deps: LogRouteDeps) {
  const { log } = deps;
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/v1/log/checkpoint', { schema: { summary: "The log's newest signed checkpoint (C2SP tlog-checkpoint), with any cosignatures it has" } }, async (_req, reply) =>
    sendNote(reply, log.head()?.note, 'the log has no checkpoint yet'),
  );
  r.get('/v1/log/checkpoint/cosigned', { schema: { summary: 'The newest checkpoint a witness has cosigned, with its cosignatures' } }, async (_req, reply) =>
    sendNote(reply, log.latestCosigned()?.note, 'no checkpoint has been cosigned yet'),
  );
  r.get('/v1/log/key', { schema: { summary: "The log's origin and verifier key, and the witnesses it keeps cosignatures of" } }, async () => ({
    origin: log.origin,
    key: log.verifier.vkey,
    witnesses: deps.witnesses.map((w) => w.vkey),
  }));
  r.get(
    '/v1/log/proof/inclusion',
    {
      schema: {
        summary: "Inclusion proof (RFC 9162) of the event at a position, or of a leaf index, in the tree of a checkpoint's size",
        querystring: z.object({ position: z.string().regex(/^\d{1,20}$/).optional(), index: Count.optional(), size: Count }),
      },
    },
    async (req) => {
      const { position, index, size } = req.query;
      if ((position === undefined) === (index === undefined)) throw new ApiError('VALIDATION_FAILED', 'give either position or index', [{ path: 'querystring.position', message: 'position or index, not both' }]);
      if (size > log.size) throw tooBig('querystring.size', size, log);
      const leafIndex = index ?? log.leafIndexOf(BigInt(position!));
      if (leafIndex === undefined) throw new ApiError('NOT_FOUND', `the log holds no event at position ${position}`);
      if (leafIndex >= size) throw new ApiError('VALIDATION_FAILED', `leaf ${leafIndex} is not in a tree of ${size}`, [{ path: 'querystring.size', message: `more than ${leafIndex}` }]);
      const entry = log.entry(leafIndex)!;
      return {
        leafIndex,
        position: entry.position.toString(),
        streamId: entry.streamId,
        revision: entry.revision.toString(),
        eventHash: entry.hash,
        treeSize: size,
        proof: log.inclusionProof(leafIndex, size).map(b64),
      };
    },
  );
  r.get(
    '/v1/log/proof/consistency',
    { schema: { summary: 'Consistency proof (RFC 9162) that the tree of size `to` extends the tree of size `from`', querystring: z.object({ from: Count, to: Count }) } },
    async (req) => {
      const { from, to } = req.query;
      if (to > log.size) throw tooBig('querystring.to', to, log);
      if (from > to) throw new ApiError('VALIDATION_FAILED', `a tree of ${from} cannot precede one of ${to}`, [{ path: 'querystring.from', message: `at most ${to}` }]);
      return { from, to, proof: log.consistencyProof(from, to).map(b64) };
    },
  );
  r.get('/v1/log/tile/*', { schema: { summary: 'A C2SP tlog-tiles tile: tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>]' } }, async (req, reply) => {
    const rest = (req.params as { '*': string })['*'];
    const address = parseTilePath(rest);
    if (!address) throw new ApiError('NOT_FOUND', `no tile ${rest}`);
    const bytes = address.level === 'entries' ? log.entryBundle(address.index, address.width) : log.tile(address.level, address.index, address.width);
    if (!bytes) throw new ApiError('NOT_FOUND', `the log has no tile ${rest} yet`);
    // A full tile never changes; a partial one is replaced by a wider one.
    const immutable = address.width === TILE_WIDTH;
    return reply
      .header('content-type', 'application/octet-stream')
      .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
      .send(bytes);
  });
  r.post(
    '/v1/log/cosignature',
    {
      schema: {
        summary: "A witness's cosignature (C2SP tlog-cosignature) of one of the log's checkpoints: the checkpoint note with the witness's line",
        body: z.object({ checkpoint: z.string().min(1).max(20_000) }),
      },
    },
    async (req) => {
      const kept = log.addCosignatures(req.body.checkpoint, deps.witnesses);
      if (kept.ok) return { size: kept.size, kept: kept.kept };
      if (kept.reason === 'malformed') throw new ApiError('VALIDATION_FAILED', 'not a signed note', [{ path: 'body.checkpoint', message: 'a checkpoint with signature lines' }]);
      if (kept.reason === 'unknown-checkpoint') throw new ApiError('NOT_FOUND', 'the log signed no such checkpoint');
      throw new ApiError('FORBIDDEN', 'no valid cosignature by a witness this ledger knows');
    },
  );
}
