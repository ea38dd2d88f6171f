/* eslint-disable @typescript-eslint/no-explicit-any */
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { anyPb, emptyPb, featuresGrpc, featuresPb, sharedPb, statusPb, streamsGrpc, streamsPb } from './generated.js';
import { Log, sizeOnDisk } from './log.js';
import type { AppendOutcome, ExpectedState, ProposedEvent, SizeRule, StoredEvent } from './log.js';

/**
 * A wire-level stand-in for an EventStoreDB node, for tests only: an in-process gRPC server built
 * from the client package's own service definitions, answering Streams.Append, Streams.Read
 * (stream and $all reads, catch-up and filtered subscriptions), Streams.Delete/Tombstone and
 * ServerFeatures.GetSupportedMethods as the server does, errors included. Appends are decided as
 * the server decides them (see Log), and refused over the maximum append size or past their deadline.
 */
export interface WireDouble {
  connectionString: string;
  log: Log;
  /** Calls received per method, to show which append path the client took. */
  calls: Record<'append' | 'batchAppend' | 'read' | 'delete' | 'tombstone', number>;
  /** Appends received on either path (BatchAppend carries many over one call). */
  received: { appends: number };
  faults: Faults;
  stop(): Promise<void>;
}

/**
 * Failures a real deployment produces and a test must be able to provoke. Each applies to the next
 * `count` appends, on either append path.
 */
export interface Faults {
  /**
   * The append is committed, and its answer lost: on Streams.Append no answer comes (the client's
   * deadline ends the call); on Streams.BatchAppend the server answers Timeout at the request's
   * deadline, as EventStoreDB does when a commit is acknowledged too late.
   */
  loseAnswers(count?: number): void;
  /**
   * The commit waits `ms` before the write is checked and made. A request deadline that passes first
   * ends the append in Timeout / DeadlineExceeded while the write itself still goes ahead.
   */
  delayCommits(ms: number, count?: number): void;
}

interface FaultState {
  lose: number;
  delays: number[];
  received: { appends: number };
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

/**
 * A filtered `$all` subscription's checkpoints, as EventStoreDB oss-v23.10
 * `Enumerators.AllSubscriptionFiltered` sends them: every `checkpointIntervalMultiplier × window`
 * events considered (delivered or filtered out), where the window is the filter's max search window
 * or 32. `considered(n)` counts n more; `due()` says whether a checkpoint goes out now (and restarts
 * the count). The page that reaches the end is counted but sends none: the count goes live with it.
 */
function checkpointsOf(filter: any): { window: number; considered(n: number): void; due(): boolean } {
  const window = filter.hasMax() ? filter.getMax() : 32;
  const interval = filter.getCheckpointintervalmultiplier() * window;
  let counter = 0;
  return {
    window,
    considered(n) {
      counter += n;
    },
    due() {
      if (counter < interval) return false;
      counter %= interval;
      return true;
    },
  };
}

function checkpointAt(position: bigint): any {
  return new ReadResp().setCheckpoint(new ReadResp.Checkpoint().setCommitPosition(position.toString()).setPreparePosition(position.toString()));
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
    const checkpoints = !options.hasStream() && options.hasFilter() ? checkpointsOf(options.getFilter()) : undefined;
    if (checkpoints) {
      // History is read in pages of the search window; a page that does not reach the end counts
      // its events, and a checkpoint goes out at the last event delivered (or the page's first).
      for (let i = 0; i < source.length; i += checkpoints.window) {
        const page = source.slice(i, i + checkpoints.window);
        let at = page[0]!.position;
        for (const e of page) {
          if (!keep(e)) continue;
          call.write(readEvent(e));
          at = e.position;
        }
        checkpoints.considered(page.length);
        if (i + checkpoints.window >= source.length) break;
        if (checkpoints.due()) call.write(checkpointAt(at));
      }
    } else {
      for (const e of source) if (keep(e)) call.write(readEvent(e));
    }
    call.write(new ReadResp().setCaughtUp(new ReadResp.CaughtUp()));
    const live = (written: StoredEvent[]) => {
      for (const e of written) {
        if (!afterLive(e)) continue;
        if (keep(e)) call.write(readEvent(e));
        if (!checkpoints) continue;
        checkpoints.considered(1);
        if (checkpoints.due()) call.write(checkpointAt(e.position));
      }
    };
    log.appended.on('append', live);
    call.on('cancelled', () => log.appended.off('append', live));
    call.on('close', () => log.appended.off('append', live));
  };
}

export interface AppendLimits {
  maxAppendSize: number;
  sizeRule: SizeRule;
  /** The server's write timeout: caps every request's deadline (EventStoreDB default 2 s). */
  writeTimeoutMs: number;
}

function proposedOf(m: any): ProposedEvent {
  const meta = m.getMetadataMap();
  return {
    id: uuidString(m.getId()),
    type: meta.get('type'),
    contentType: meta.get('content-type') ?? 'application/octet-stream',
    data: Buffer.from(m.getData_asU8()),
    metadata: Buffer.from(m.getCustomMetadata_asU8()),
  };
}

function appendSize(limits: AppendLimits, proposed: ProposedEvent[]): number {
  return proposed.reduce((n, p) => n + sizeOnDisk(limits.sizeRule, p), 0);
}

/**
 * The write of one append with the faults in force: resolves with the outcome to answer, or 'lost'
 * when the answer must not arrive. `timeoutMs` is when the server gives up waiting for the commit.
 */
function commitWithFaults(log: Log, faults: FaultState, name: string, expected: ExpectedState, proposed: ProposedEvent[], timeoutMs: number): Promise<AppendOutcome | 'timeout' | 'lost'> {
  if (faults.lose > 0) {
    faults.lose--;
    log.append(name, expected, proposed);
    return Promise.resolve('lost');
  }
  const delay = faults.delays.shift();
  if (delay === undefined) return Promise.resolve(log.append(name, expected, proposed));
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve('timeout'), timeoutMs);
    setTimeout(() => {
      const out = log.append(name, expected, proposed);
      clearTimeout(timer);
      resolve(out);
    }, delay);
  });
}

function appendHandler(log: Log, limits: AppendLimits, faults: FaultState) {
  return (call: grpc.ServerReadableStream<any, any>, callback: grpc.sendUnaryData<any>) => {
    let name = '';
    let expected: ExpectedState = { kind: 'any' };
    const proposed: ProposedEvent[] = [];
    let refused = false;
    call.on('data', (req: any) => {
      if (refused) return;
      if (req.hasOptions()) {
        const o = req.getOptions();
        name = streamName(o.getStreamIdentifier());
        expected = expectedOf(o);
        return;
      }
      proposed.push(proposedOf(req.getProposedMessage()));
      // Streams.Append refuses as soon as the running total passes the limit, before the commit.
      if (appendSize(limits, proposed) > limits.maxAppendSize) {
        refused = true;
        callback(
          exception(grpc.status.INVALID_ARGUMENT, 'maximum-append-size-exceeded', `Maximum Append Size of ${limits.maxAppendSize} Exceeded.`, {
            'maximum-append-size': String(limits.maxAppendSize),
          }),
        );
      }
    });
    call.on('end', async () => {
      faults.received.appends++;
      if (refused) return;
      const deadline = call.getDeadline();
      const left = deadline instanceof Date ? deadline.getTime() - Date.now() : Number.POSITIVE_INFINITY;
      const out = await commitWithFaults(log, faults, name, expected, proposed, Math.min(left, limits.writeTimeoutMs));
      if (out === 'lost') return;
      if (out === 'timeout') return callback(exception(grpc.status.DEADLINE_EXCEEDED, 'timeout', 'Operation timed out'));
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

/** BatchAppendResp's WrongExpectedVersion: the current revision and the expected state, each in its own field. */
function wrongExpectedDetail(current: bigint | 'no_stream', expected: ExpectedState): any {
  const wrong = new sharedPb.WrongExpectedVersion();
  if (current === 'no_stream') wrong.setCurrentNoStream(new emptyPb.Empty());
  else wrong.setCurrentStreamRevision(current.toString());
  if (expected.kind === 'revision') wrong.setExpectedStreamPosition(expected.revision.toString());
  else if (expected.kind === 'no_stream') wrong.setExpectedNoStream(new emptyPb.Empty());
  else if (expected.kind === 'stream_exists') wrong.setExpectedStreamExists(new emptyPb.Empty());
  else wrong.setExpectedAny(new emptyPb.Empty());
  return wrong;
}

/** The request's deadline: BatchAppendReq.Options carries it as a Timestamp (the call itself has none). */
function batchTimeoutMs(options: any, limits: AppendLimits): number {
  const deadline = options.hasDeadline() ? options.getDeadline().toDate().getTime() - Date.now() : Number.POSITIVE_INFINITY;
  return Math.min(deadline, limits.writeTimeoutMs);
}

/**
 * Streams.BatchAppend: one long-lived duplex stream per client; requests carry a correlation id,
 * options in the first message and `is_final` on the last; each append answers once, echoing the
 * correlation id and the stream.
 */
function batchAppendHandler(log: Log, limits: AppendLimits, faults: FaultState) {
  return (call: grpc.ServerDuplexStream<any, any>) => {
    const pending = new Map<string, { name: string; identifier: any; expected: ExpectedState; timeoutMs: number; proposed: ProposedEvent[] }>();
    const answer = (correlation: any, identifier: any, fill: (resp: any) => void) => {
      const resp = new BatchAppendResp().setCorrelationId(correlation).setStreamIdentifier(identifier);
      fill(resp);
      call.write(resp);
    };
    const timeout = (resp: any) => resp.setError(rpcStatus(grpc.status.DEADLINE_EXCEEDED, 'timeout', 'event_store.client.Timeout', new sharedPb.Timeout()));
    call.on('data', (req: any) => {
      const correlation = req.getCorrelationId();
      const key = uuidString(correlation);
      let batch = pending.get(key);
      if (!batch && req.hasOptions()) {
        faults.received.appends++;
        const o = req.getOptions();
        const timeoutMs = batchTimeoutMs(o, limits);
        // A deadline already past is answered at once, before anything is considered.
        if (timeoutMs <= 0) return answer(correlation, o.getStreamIdentifier(), timeout);
        batch = { name: streamName(o.getStreamIdentifier()), identifier: o.getStreamIdentifier(), expected: expectedOf(o), timeoutMs, proposed: [] };
        pending.set(key, batch);
      }
      // Messages of an append already answered (refused) are dropped, as the server drops them.
      if (!batch) return;
      for (const m of req.getProposedMessagesList()) batch.proposed.push(proposedOf(m));
      if (appendSize(limits, batch.proposed) > limits.maxAppendSize) {
        pending.delete(key);
        const detail = new sharedPb.MaximumAppendSizeExceeded().setMaxappendsize(limits.maxAppendSize);
        return answer(correlation, batch.identifier, (resp) =>
          resp.setError(rpcStatus(grpc.status.INVALID_ARGUMENT, 'maximum append size exceeded', 'event_store.client.MaximumAppendSizeExceeded', detail)),
        );
      }
      if (!req.getIsFinal()) return;
      pending.delete(key);
      const { name, identifier, expected, timeoutMs, proposed } = batch;
      void commitWithFaults(log, faults, name, expected, proposed, timeoutMs).then((out) => {
        if (out === 'lost') return setTimeout(() => answer(correlation, identifier, timeout), Math.min(timeoutMs, 60_000));
        answer(correlation, identifier, (resp) => {
          if (out === 'timeout') timeout(resp);
          else if (out.ok) {
            const success = new BatchAppendResp.Success().setCurrentRevision(out.revision.toString());
            success.setPosition(new sharedPb.AllStreamPosition().setCommitPosition(out.position.toString()).setPreparePosition(out.position.toString()));
            resp.setSuccess(success);
          } else if (out.kind === 'stream-deleted') {
            resp.setError(rpcStatus(grpc.status.FAILED_PRECONDITION, 'stream deleted', 'event_store.client.StreamDeleted', new sharedPb.StreamDeleted().setStreamIdentifier(identifier)));
          } else {
            resp.setError(rpcStatus(grpc.status.FAILED_PRECONDITION, 'wrong expected version', 'event_store.client.WrongExpectedVersion', wrongExpectedDetail(out.current, expected)));
          }
        });
      });
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
    if (!log.expectationHolds(name, expected)) {
      // The trailer carries EventStoreDB's ExpectedVersion numbers: -1 no stream, -2 any, -4 stream exists.
      const expectedVersion = expected.kind === 'revision' ? expected.revision.toString() : expected.kind === 'no_stream' ? '-1' : expected.kind === 'stream_exists' ? '-4' : '-2';
      return callback(
        exception(grpc.status.UNKNOWN, 'wrong-expected-version', 'wrong expected version', {
          'stream-name': name,
          'expected-version': expectedVersion,
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
  /** The server version to behave as (its size rule, its ServerFeatures answer); KurrentDB 25.0 by default. */
  serverVersion?: string;
  /** The server's MaxAppendSize; 1,048,576 bytes by default, as the server's. */
  maxAppendSize?: number;
  /** The server's write timeout; 2,000 ms by default, as the server's. */
  writeTimeoutMs?: number;
}

/** 24.10.4 fixed the precedence in `Event.SizeOnDisk` (see SizeRule). */
function sizeRuleOf(version: string): SizeRule {
  const [major = 0, minor = 0, patch = 0] = version.split('.').map(Number);
  return major * 1e6 + minor * 1e3 + patch >= 24_010_004 ? 'data+metadata+type' : 'data';
}

export async function startWireDouble(options: WireDoubleOptions = {}): Promise<WireDouble> {
  const log = new Log();
  const version = options.serverVersion ?? '25.0.0';
  const limits: AppendLimits = { maxAppendSize: options.maxAppendSize ?? 1_048_576, sizeRule: sizeRuleOf(version), writeTimeoutMs: options.writeTimeoutMs ?? 2_000 };
  const faultState: FaultState = { lose: 0, delays: [], received: { appends: 0 } };
  const faults: Faults = {
    loseAnswers: (count = 1) => void (faultState.lose += count),
    delayCommits: (ms, count = 1) => void faultState.delays.push(...Array.from({ length: count }, () => ms)),
  };
  const calls: WireDouble['calls'] = { append: 0, batchAppend: 0, read: 0, delete: 0, tombstone: 0 };
  const counted = <A extends unknown[]>(name: keyof WireDouble['calls'], handler: (...args: A) => void) => (...args: A) => {
    calls[name]++;
    handler(...args);
  };
  const server = new grpc.Server();
  const unimplemented = (_call: unknown, callback: grpc.sendUnaryData<unknown>) => callback({ code: grpc.status.UNIMPLEMENTED, details: 'not implemented by the double' } as grpc.ServiceError);
  server.addService(streamsGrpc.StreamsService, {
    read: counted('read', readHandler(log)),
    append: counted('append', appendHandler(log, limits, faultState)),
    delete: counted('delete', deletion(log, false)),
    tombstone: counted('tombstone', deletion(log, true)),
    batchAppend: counted('batchAppend', batchAppendHandler(log, limits, faultState)),
  });
  const supportedMethods = (_call: unknown, callback: grpc.sendUnaryData<unknown>) => {
    const method = (service: string, name: string) => new featuresPb.SupportedMethod().setServiceName(service).setMethodName(name);
    callback(
      null,
      new featuresPb.SupportedMethods()
        .setEventStoreServerVersion(version)
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
    faults,
    received: faultState.received,
    stop: () =>
      new Promise<void>((resolve) => {
        server.forceShutdown();
        resolve();
      }),
  };
}
