import type { ExpectedRevision } from './port.js';

/** Base of every typed store error; `code` is stable and maps to HTTP at the edge. */
export abstract class StoreError extends Error {
  abstract readonly code: string;
}

export class WrongExpectedVersion extends StoreError {
  readonly code = 'WRONG_EXPECTED_VERSION';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** Revision of the stream's last event, or 'no_stream'. */
    readonly actual: bigint | 'no_stream',
  ) {
    super(`stream ${streamId}: expected ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedVersion';
  }
}

export class StreamNotFound extends StoreError {
  readonly code = 'STREAM_NOT_FOUND';
  constructor(readonly streamId: string) {
    super(`stream ${streamId} not found`);
    this.name = 'StreamNotFound';
  }
}

/** The same eventId was appended before with different content, or at another place. */
export class DuplicateEventConflict extends StoreError {
  readonly code = 'DUPLICATE_EVENT_CONFLICT';
  constructor(
    readonly eventId: string,
    readonly reason: string,
  ) {
    super(`event ${eventId}: ${reason}`);
    this.name = 'DuplicateEventConflict';
  }
}

/** Rejected input: empty batch, bad stream id, bad event id, oversize, non-JSON data. */
export class InvalidAppend extends StoreError {
  readonly code = 'INVALID_APPEND';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidAppend';
  }
}

/** An append over the maximum append size, counted as the server counts it (UTF-8 bytes). */
export class AppendTooLarge extends InvalidAppend {
  constructor(
    readonly bytes: number,
    readonly limit: number,
  ) {
    super(`append of ${bytes} bytes exceeds ${limit} bytes`);
    this.name = 'AppendTooLarge';
  }
}

export class StoreClosed extends StoreError {
  readonly code = 'STORE_CLOSED';
  constructor() {
    super('the event store is closed');
    this.name = 'StoreClosed';
  }
}
