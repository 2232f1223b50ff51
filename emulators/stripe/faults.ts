import type { FaultSpec } from './types.js';

interface ActiveFault extends FaultSpec {
  remaining: number;
}

/**
 * Queue of injected faults. Each API call consumes one unit of the first rule whose method and path match, so
 * tests can say "the next 2 customer writes get a 503" without affecting other calls.
 */
export class FaultInjector {
  private rules: ActiveFault[] = [];

  add(spec: FaultSpec): void {
    validate(spec);
    this.rules.push({
      ...spec,
      ...(spec.method !== undefined && { method: spec.method.toUpperCase() }),
      remaining: spec.count,
    });
  }

  /** Returns (and consumes) the fault for a `method` call to `path`, if any. */
  take(method: string, path: string): FaultSpec | undefined {
    const index = this.rules.findIndex((rule) => matches(rule, method.toUpperCase(), path));
    const rule = this.rules[index];
    if (!rule) return undefined;
    rule.remaining -= 1;
    if (rule.remaining === 0) this.rules.splice(index, 1);
    return rule;
  }

  clear(): void {
    this.rules = [];
  }
}

/** Whether the fault acts on the reply of a call that has already been applied (phase 'after', or a hold). */
export function actsAfter(fault: FaultSpec): boolean {
  return fault.phase === 'after' || fault.hold !== undefined;
}

/** `path` is a prefix of the URL path; with a trailing `$` it must be the whole path. */
function matches(rule: FaultSpec, method: string, path: string): boolean {
  if (rule.method !== undefined && rule.method !== method) return false;
  if (rule.path === undefined) return true;
  return rule.path.endsWith('$') ? path === rule.path.slice(0, -1) : path.startsWith(rule.path);
}

function validate(spec: FaultSpec): void {
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
