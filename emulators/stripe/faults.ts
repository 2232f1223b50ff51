import { validateReplyFault } from '../shared/reply-faults.js';
import type { FaultSpec } from './types.js';

export { actsAfter } from '../shared/reply-faults.js';

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
    validateReplyFault(spec);
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

/** `path` is a prefix of the URL path; with a trailing `$` it must be the whole path. */
function matches(rule: FaultSpec, method: string, path: string): boolean {
  if (rule.method !== undefined && rule.method !== method) return false;
  if (rule.path === undefined) return true;
  return rule.path.endsWith('$') ? path === rule.path.slice(0, -1) : path.startsWith(rule.path);
}
