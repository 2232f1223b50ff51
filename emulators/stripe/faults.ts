import type { FaultSpec } from './types.js';

interface ActiveFault extends FaultSpec {
  remaining: number;
}

/**
 * Queue of injected faults. Each API call consumes one unit of the first rule whose path prefix matches, so tests
 * can say "the next 2 customer writes get a 503" without affecting other calls.
 */
export class FaultInjector {
  private rules: ActiveFault[] = [];

  add(spec: FaultSpec): void {
    if (!Number.isInteger(spec.count) || spec.count < 1) throw new Error('fault count must be a positive integer');
    if (spec.status !== undefined && (!Number.isInteger(spec.status) || spec.status < 400 || spec.status > 599)) {
      throw new Error('fault status must be an HTTP error status (400-599)');
    }
    if (spec.latencyMs !== undefined && (!Number.isFinite(spec.latencyMs) || spec.latencyMs < 0)) {
      throw new Error('fault latencyMs must be a non-negative number');
    }
    if (spec.status === undefined && spec.latencyMs === undefined) {
      throw new Error('a fault needs a status and/or latencyMs');
    }
    this.rules.push({ ...spec, remaining: spec.count });
  }

  /** Returns (and consumes) the fault for a call to `path`, if any. */
  take(path: string): FaultSpec | undefined {
    const index = this.rules.findIndex((rule) => rule.path === undefined || path.startsWith(rule.path));
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
