/* eslint-disable @typescript-eslint/no-explicit-any */
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { anyPb, emptyPb, featuresGrpc, featuresPb, sharedPb, statusPb, streamsGrpc, streamsPb } from './generated.js';
import { Log } from './log.js';
import type { ExpectedState, StoredEvent } from './log.js';

/**
 * A wire-level stand-in for an EventStoreDB node, for tests only: an in-process gRPC server built
 * from the client package's own service definitions, answering Streams.Append, Streams.Read
 * (stream and $all reads, catch-up subscriptions), Streams.Delete/Tombstone and
 * ServerFeatures.GetSupportedMethods as the server does, errors included.
 */
export interface WireDouble {
  connectionString: string;
  log: Log;
  /** Calls received per method, to show which append path the client took. */
  calls: Record<'append' | 'batchAppend' | 'read' | 'delete' | 'tombstone', number>;
  stop(): Promise<void>;
}

const { ReadResp, AppendResp, BatchAppendResp, DeleteResp, TombstoneResp } = streamsPb;

function streamName(identifier: any): string {
  return Buffer.from(identifier.getStreamName()).toString('utf8');
}

/** The `exception` trailer the client reads; every value it `.toString()`s must be present. */
function exception(code: grpc.status, kind: string, details: string, extra: Record<string, string> = {}): grpc.ServiceError {
  const metadata = new grpc.Metadata();
  metadata.set('exception', kind);
  for (const [k, v] of Object.entries(extra)) metadata.set(k, v);
  return Object.assign(new Error(details), { code, details, metadata }) as grpc.ServiceError;
}

/**
 * The expected state of AppendReq.Options and BatchAppendReq.Options: both number it 2 (a revision),
 * 3 (no stream), 4 (any), 5 (stream exists); only the revision's getter is named differently.
 */
function expectedOf(options: any): ExpectedState {
  const revision = () => BigInt(options.getRevision?.() ?? options.getStreamPosition());
  switch (options.getExpectedStreamRevisionCase?.() ?? options.getExpectedStreamPositionCase()) {
    case 2:
      return { kind: 'revision', revision: revision() };
    case 3:
      return { kind: 'no_stream' };
    case 5:
      return { kind: 'stream_exists' };
    default:
      return { kind: 'any' };
  }
}

function uuidString(uuid: any): string {
  if (uuid.hasString()) return uuid.getString();
  const s = uuid.getStructured();
  const hex = (BigInt.asUintN(64, BigInt(s.getMostSignificantBits())).toString(16).padStart(16, '0') + BigInt.asUintN(64, BigInt(s.getLeastSignificantBits())).toString(16).padStart(16, '0'));
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function readEvent(e: StoredEvent): any {
  const recorded = new ReadResp.ReadEvent.RecordedEvent();
  recorded.setId(new sharedPb.UUID().setString(e.id));
  recorded.setStreamIdentifier(new sharedPb.StreamIdentifier().setStreamName(Buffer.from(e.streamName)));
  recorded.setStreamRevision(e.revision.toString());
  recorded.setPreparePosition(e.position.toString());
  recorded.setCommitPosition(e.position.toString());
  const meta = recorded.getMetadataMap();
  meta.set('type', e.type);
  meta.set('content-type', e.contentType);
  meta.set('created', e.created);
  recorded.setCustomMetadata(e.metadata);
  recorded.setData(e.data);
  const event = new ReadResp.ReadEvent();
  event.setEvent(recorded);
  event.setCommitPosition(e.position.toString());
  return new ReadResp().setEvent(event);
}

/** FilterOptions: a regex or prefixes on the stream name or the event type. */
function filterOf(options: any): (e: StoredEvent) => boolean {
  if (!options.hasFilter()) return () => true;
  const f = options.getFilter();
  const byStream = f.hasStreamIdentifier();
  const expr = byStream ? f.getStreamIdentifier() : f.getEventType();
  const regex = expr.getRegex() ? new RegExp(expr.getRegex()) : undefined;
  const prefixes: string[] = expr.getPrefixList();
  return (e) => {
    const subject = byStream ? e.streamName : e.type;
    return (regex ? regex.test(subject) : true) && (prefixes.length === 0 || prefixes.some((p) => subject.startsWith(p)));
  };
}

function readHandler(log: Log) {
  return (call: grpc.ServerWritableStream<any, any>) => {
    const options = call.request.getOptions();
    const backwards = options.getReadDirection() === 1;
    const subscribe = options.hasSubscription();
    const count = subscribe ? Number.POSITIVE_INFINITY : Number(options.getCount());
    const keep = filterOf(options);
    let source: StoredEvent[];
    let afterLive: (e: StoredEvent) => boolean = () => true;
    if (options.hasStream()) {
      const s = options.getStream();
      const name = streamName(s.getStreamIdentifier());
      const visible = log.visible(name);
      if (visible === 'deleted') return call.emit('error', exception(grpc.status.FAILED_PRECONDITION, 'stream-deleted', `${name} is deleted`, { 'stream-name': name }));
      if (visible === 'not-found' && !subscribe) {
        call.write(new ReadResp().setStreamNotFound(new ReadResp.StreamNotFound().setStreamIdentifier(s.getStreamIdentifier())));
        return call.end();
      }
      const events = visible === 'not-found' ? [] : visible;
      const rev = s.getRevisionOptionCase();
      if (subscribe) {
        const from = rev === 2 ? BigInt(s.getRevision()) : rev === 4 ? (events.at(-1)?.revision ?? -1n) : -1n;
        source = events.filter((e) => e.revision > from);
      } else if (backwards) {
        const from = rev === 2 ? BigInt(s.getRevision()) : BigInt(Number.MAX_SAFE_INTEGER);
        source = events.filter((e) => e.revision <= from).reverse();
      } else {
        const from = rev === 2 ? BigInt(s.getRevision()) : rev === 4 ? (events.at(-1)?.revision ?? 0n) : 0n;
        source = events.filter((e) => e.revision >= from);
      }
      afterLive = (e) => e.streamName === name;
    } else {
      const a = options.getAll();
      const at = a.getAllOptionCase() === 1 ? BigInt(a.getPosition().getCommitPosition()) : undefined;
      const atEnd = a.getAllOptionCase() === 3;
      if (subscribe) {
        const from = atEnd ? (log.all.at(-1)?.position ?? 0n) : (at ?? -1n);
        source = log.all.filter((e) => e.position > from);
      } else if (backwards) {
        source = log.all.filter((e) => at === undefined || e.position <= at).reverse();
      } else {
        source = atEnd ? [] : log.all.filter((e) => at === undefined || e.position >= at);
      }
    }
    if (!subscribe) {
      let sent = 0;
      for (const e of source) {
        if (sent >= count) break;
        if (!keep(e)) continue;
        call.write(readEvent(e));
        sent++;
      }
      return call.end();
    }
    // Subscription: confirmation, history, caught-up, then live events until cancelled.
    call.write(new ReadResp().setConfirmation(new ReadResp.SubscriptionConfirmation().setSubscriptionId(randomUUID())));
    for (const e of source) if (keep(e)) call.write(readEvent(e));
    call.write(new ReadResp().setCaughtUp(new ReadResp.CaughtUp()));
    const live = (written: StoredEvent[]) => {
      for (const e of written) if (afterLive(e) && keep(e)) call.write(readEvent(e));
    };
    log.appended.on('append', live);
    call.on('cancelled', () => log.appended.off('append', live));
    call.on('close', () => log.appended.off('append', live));
  };
}

function appendHandler(log: Log) {
  return (call: grpc.ServerReadableStream<any, any>, callback: grpc.sendUnaryData<any>) => {
    let name = '';
    let expected: ExpectedState = { kind: 'any' };
    const proposed: Parameters<Log['append']>[2] = [];
    call.on('data', (req: any) => {
      if (req.hasOptions()) {
        const o = req.getOptions();
        name = streamName(o.getStreamIdentifier());
        expected = expectedOf(o);
      } else {
        const m = req.getProposedMessage();
        const meta = m.getMetadataMap();
        proposed.push({
          id: uuidString(m.getId()),
          type: meta.get('type'),
          contentType: meta.get('content-type') ?? 'application/octet-stream',
          data: Buffer.from(m.getData_asU8()),
          metadata: Buffer.from(m.getCustomMetadata_asU8()),
        });
      }
    });
    call.on('end', () => {
      const out = log.append(name, expected, proposed);
      if (!out.ok && out.kind === 'stream-deleted') {
        return callback(exception(grpc.status.FAILED_PRECONDITION, 'stream-deleted', `${name} is deleted`, { 'stream-name': name }));
      }
      const resp = new AppendResp();
      if (out.ok) {
        const success = new AppendResp.Success().setCurrentRevision(out.revision.toString());
        success.setPosition(new AppendResp.Position().setCommitPosition(out.position.toString()).setPreparePosition(out.position.toString()));
        resp.setSuccess(success);
      } else {
        const wrong = new AppendResp.WrongExpectedVersion();
        if (out.current === 'no_stream') wrong.setCurrentNoStream(new sharedPb.Empty());
        else wrong.setCurrentRevision(out.current.toString());
        if (expected.kind === 'revision') wrong.setExpectedRevision(expected.revision.toString());
        else if (expected.kind === 'no_stream') wrong.setExpectedNoStream(new sharedPb.Empty());
        else if (expected.kind === 'stream_exists') wrong.setExpectedStreamExists(new sharedPb.Empty());
        else wrong.setExpectedAny(new sharedPb.Empty());
        resp.setWrongExpectedVersion(wrong);
      }
      callback(null, resp);
    });
  };
}

/** A google.rpc.Status whose details is an Any named as EventStoreDB names its errors. */
function rpcStatus(code: grpc.status, message: string, typeName: string, detail: any): any {
  const any = new anyPb.Any();
  any.pack(detail.serializeBinary(), typeName);
  return new statusPb.Status().setCode(code).setMessage(message).setDetails(any);
}

/**
 * Streams.BatchAppend: one long-lived duplex stream per client; requests carry a correlation id,
 * options in the first message and `is_final` on the last; each append answers once, echoing the
 * correlation id and the stream.
 */
function batchAppendHandler(log: Log) {
  return (call: grpc.ServerDuplexStream<any, any>) => {
    const pending = new Map<string, { name: string; identifier: any; expected: ExpectedState; proposed: Parameters<Log['append']>[2] }>();
    call.on('data', (req: any) => {
      const correlation = req.getCorrelationId();
      const key = uuidString(correlation);
      let batch = pending.get(key);
      if (!batch) {
        const o = req.getOptions();
        batch = { name: streamName(o.getStreamIdentifier()), identifier: o.getStreamIdentifier(), expected: expectedOf(o), proposed: [] };
        pending.set(key, batch);
      }
      for (const m of req.getProposedMessagesList()) {
        const meta = m.getMetadataMap();
        batch.proposed.push({
          id: uuidString(m.getId()),
          type: meta.get('type'),
          contentType: meta.get('content-type') ?? 'application/octet-stream',
          data: Buffer.from(m.getData_asU8()),
          metadata: Buffer.from(m.getCustomMetadata_asU8()),
        });
      }
      if (!req.getIsFinal()) return;
      pending.delete(key);
      const out = log.append(batch.name, batch.expected, batch.proposed);
      const resp = new BatchAppendResp().setCorrelationId(correlation).setStreamIdentifier(batch.identifier);
      if (out.ok) {
        const success = new BatchAppendResp.Success().setCurrentRevision(out.revision.toString());
        success.setPosition(new sharedPb.AllStreamPosition().setCommitPosition(out.position.toString()).setPreparePosition(out.position.toString()));
        resp.setSuccess(success);
      } else if (out.kind === 'stream-deleted') {
        resp.setError(rpcStatus(grpc.status.FAILED_PRECONDITION, 'stream deleted', 'event_store.client.StreamDeleted', new sharedPb.StreamDeleted().setStreamIdentifier(batch.identifier)));
      } else {
        const wrong = new sharedPb.WrongExpectedVersion();
        if (out.current === 'no_stream') wrong.setCurrentNoStream(new emptyPb.Empty());
        else wrong.setCurrentStreamRevision(out.current.toString());
        if (batch.expected.kind === 'revision') wrong.setExpectedStreamPosition(batch.expected.revision.toString());
        resp.setError(rpcStatus(grpc.status.FAILED_PRECONDITION, 'wrong expected version', 'event_store.client.WrongExpectedVersion', wrong));
      }
      call.write(resp);
    });
    call.on('end', () => call.end());
  };
}

function deletion(log: Log, hard: boolean) {
  return (call: grpc.ServerUnaryCall<any, any>, callback: grpc.sendUnaryData<any>) => {
    const o = call.request.getOptions();
    const name = streamName(o.getStreamIdentifier());
    const expected = expectedOf(o);
    const current = log.current(name);
    if (log.visible(name) === 'deleted') return callback(exception(grpc.status.FAILED_PRECONDITION, 'stream-deleted', `${name} is deleted`, { 'stream-name': name }));
    if (expected.kind === 'revision' && current !== expected.revision) {
      return callback(
        exception(grpc.status.UNKNOWN, 'wrong-expected-version', 'wrong expected version', {
          'stream-name': name,
          'expected-version': expected.revision.toString(),
          'actual-version': current === 'no_stream' ? '-1' : current.toString(),
        }),
      );
    }
    if (hard) log.tombstone(name);
    else log.softDelete(name);
    const Resp = hard ? TombstoneResp : DeleteResp;
    const position = log.all.at(-1)?.position.toString() ?? '0';
    callback(null, new Resp().setPosition(new Resp.Position().setCommitPosition(position).setPreparePosition(position)));
  };
}

export interface WireDoubleOptions {
  /** Advertise Streams.BatchAppend in ServerFeatures, as EventStoreDB 21.10+ does; otherwise the client uses Streams.Append. */
  batchAppend?: boolean;
}

export async function startWireDouble(options: WireDoubleOptions = {}): Promise<WireDouble> {
  const log = new Log();
  const calls: WireDouble['calls'] = { append: 0, batchAppend: 0, read: 0, delete: 0, tombstone: 0 };
  const counted = <A extends unknown[]>(name: keyof WireDouble['calls'], handler: (...args: A) => void) => (...args: A) => {
    calls[name]++;
    handler(...args);
  };
  const server = new grpc.Server();
  const unimplemented = (_call: unknown, callback: grpc.sendUnaryData<unknown>) => callback({ code: grpc.status.UNIMPLEMENTED, details: 'not implemented by the double' } as grpc.ServiceError);
  server.addService(streamsGrpc.StreamsService, {
    read: counted('read', readHandler(log)),
    append: counted('append', appendHandler(log)),
    delete: counted('delete', deletion(log, false)),
    tombstone: counted('tombstone', deletion(log, true)),
    batchAppend: counted('batchAppend', batchAppendHandler(log)),
  });
  const supportedMethods = (_call: unknown, callback: grpc.sendUnaryData<unknown>) => {
    const method = (service: string, name: string) => new featuresPb.SupportedMethod().setServiceName(service).setMethodName(name);
    callback(
      null,
      new featuresPb.SupportedMethods()
        .setEventStoreServerVersion('23.10.0')
        .setMethodsList(['read', 'append', 'batchappend', 'delete', 'tombstone'].map((m) => method('event_store.client.streams.streams', m))),
    );
  };
  // Answering UNIMPLEMENTED makes the client use Streams.Append, as against an older server.
  server.addService(featuresGrpc.ServerFeaturesService, { getSupportedMethods: options.batchAppend ? supportedMethods : unimplemented });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    connectionString: `esdb://127.0.0.1:${port}?tls=false`,
    log,
    calls,
    stop: () =>
      new Promise<void>((resolve) => {
        server.forceShutdown();
        resolve();
      }),
  };
}
