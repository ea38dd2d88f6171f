/** Why a command was refused; `src/http` maps `code` to a status through the one error table. */
export type RejectionCode = 'NOT_FOUND' | 'FORBIDDEN' | 'CONFLICT' | 'RULE_VIOLATION' | 'VALIDATION_FAILED' | 'PRECONDITION_FAILED';

export interface Rejection {
  code: RejectionCode;
  message: string;
  ruleId?: string;
  details?: unknown;
}

export type Decision<E> = { ok: true; events: E[] } | { ok: false; rejection: Rejection };

export const accept = <E>(...events: E[]): Decision<E> => ({ ok: true, events });

export function reject(code: RejectionCode, message: string, extra: { ruleId?: string; details?: unknown } = {}): { ok: false; rejection: Rejection } {
  return { ok: false, rejection: { code, message, ...extra } };
}

/** Outcome of a handled command: where it landed, or why it did not. */
export type Outcome<T = object> =
  | ({ ok: true; streamId: string; revision: bigint; position: bigint } & T)
  | { ok: false; rejection: Rejection };
