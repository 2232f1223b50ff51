// Shared by both emulators: the fault fields that say when a fault acts (before the call, or on the reply of a
// call already applied) and how (delay, error status, dropped connection, held until released). Each emulator
// adds its own error details and decides how `path` matches.

export interface ReplyFaultSpec {
  /** How many matching calls the fault applies to. */
  count: number;
  /** Error status to answer (400-599): instead of running the call, or (phase 'after') instead of its reply. */
  status?: number;
  /** Delay before the call runs, or (phase 'after') before its reply is sent. */
  latencyMs?: number;
  /** Which calls match; each emulator says how (a trailing `$` anchors it at the end of the path in both). */
  path?: string;
  /** Only calls with this HTTP method match (case-insensitive), e.g. 'POST' or 'DELETE'. */
  method?: string;
  /**
   * 'before' (default): the fault acts before the call runs, so nothing is applied. 'after': the call runs and
   * commits first, exactly like a success, and the fault acts on its reply only ("applied, reply lost").
   */
  phase?: 'before' | 'after';
  /** Closes the socket without any reply (the client sees a network error). Cannot be combined with `status`. */
  dropConnection?: boolean;
  /**
   * Gate name: the call is applied (phase 'after' semantics), then its reply waits until `release(gate)` or
   * `POST /_emulator/release`; then `status`/`dropConnection` act if set, else the real reply is sent.
   */
  hold?: string;
}

/** Throws with a clear message (answered as 400 by the control endpoints) when a field is out of range. */
export function validateReplyFault(spec: ReplyFaultSpec): void {
  if (!Number.isInteger(spec.count) || spec.count < 1) throw new Error('fault count must be a positive integer');
  if (spec.status !== undefined && (!Number.isInteger(spec.status) || spec.status < 400 || spec.status > 599)) {
    throw new Error('fault status must be an HTTP error status (400-599)');
  }
  if (spec.latencyMs !== undefined && (!Number.isFinite(spec.latencyMs) || spec.latencyMs < 0)) {
    throw new Error('fault latencyMs must be a non-negative number');
  }
  if (spec.phase !== undefined && spec.phase !== 'before' && spec.phase !== 'after') {
    throw new Error("fault phase must be 'before' or 'after'");
  }
  if (spec.method !== undefined && (typeof spec.method !== 'string' || !/^[A-Za-z]+$/.test(spec.method))) {
    throw new Error('fault method must be an HTTP method such as POST or DELETE');
  }
  if (spec.dropConnection !== undefined && typeof spec.dropConnection !== 'boolean') {
    throw new Error('fault dropConnection must be a boolean');
  }
  if (spec.dropConnection && spec.status !== undefined) {
    throw new Error('a fault cannot both answer a status and drop the connection');
  }
  if (spec.hold !== undefined) {
    if (typeof spec.hold !== 'string' || spec.hold === '') throw new Error('fault hold must be a non-empty gate name');
    if (spec.phase === 'before') {
      throw new Error("a held reply is held after the call is applied: leave phase unset or use 'after'");
    }
  }
  if (spec.status === undefined && spec.latencyMs === undefined && !spec.dropConnection && spec.hold === undefined) {
    throw new Error('a fault needs a status and/or latencyMs, dropConnection or hold');
  }
}

/** Whether the fault acts on the reply of a call that has already been applied (phase 'after', or a hold). */
export function actsAfter(fault: ReplyFaultSpec): boolean {
  return fault.phase === 'after' || fault.hold !== undefined;
}
