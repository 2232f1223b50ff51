import type { FaultSpec as SalesforceFault } from '../../../emulators/salesforce/index.js';
import type { FaultSpec as StripeFault } from '../../../emulators/stripe/index.js';
import type { Rng } from './prng.js';

/**
 * Faults the random phase injects into the emulators, between the operations. They hit whoever calls next (the app,
 * or the person in the Stripe dashboard). Stripe faults always carry a `/v1/customers` path, so the test's own
 * reads of `/v1/events` never use them up.
 *
 * - before-faults: 500 / 429 / 503 (nothing applied), latency before the call;
 * - after-faults: the call is applied, then its reply is lost (`status`), the connection dropped, or delayed.
 */
export type FaultPlan =
  | { provider: 'stripe'; spec: StripeFault; label: string }
  | { provider: 'salesforce'; spec: SalesforceFault; label: string };

const STRIPE_PATHS = ['/v1/customers', '/v1/customers$', '/v1/customers/'] as const;
const SF_PATHS = [undefined, '/composite/sobjects', '/query'] as const;

export function planFault(rng: Rng): FaultPlan {
  const provider = rng.chance(0.5) ? 'stripe' : 'salesforce';
  const kind = rng.weighted({ error: 4, latency: 2, replyLost: 3, dropped: 1, slowReply: 2 });
  const count = rng.int(1, 3);
  const latencyMs = rng.int(20, 250);
  const writesOnly = rng.chance(0.7);
  if (provider === 'stripe') {
    const path = rng.pick(STRIPE_PATHS);
    // The collection path only takes POST (creates); DELETE goes to /v1/customers/:id.
    const method = writesOnly
      ? path === '/v1/customers$'
        ? 'POST'
        : rng.pick(['POST', 'DELETE'] as const)
      : undefined;
    const spec: StripeFault = { count, path, ...(method && { method }) };
    if (kind === 'error') spec.status = rng.pick([500, 429, 503]);
    if (kind === 'latency') spec.latencyMs = latencyMs;
    if (kind === 'replyLost') Object.assign(spec, { phase: 'after', status: rng.pick([500, 503]) });
    if (kind === 'dropped') Object.assign(spec, { phase: 'after', dropConnection: true });
    if (kind === 'slowReply') Object.assign(spec, { phase: 'after', latencyMs });
    return { provider, spec, label: describe('stripe', spec) };
  }
  const path = rng.pick(SF_PATHS);
  // Queries are GETs: a method filter would never match them.
  const method = writesOnly && path !== '/query' ? rng.pick(['POST', 'PATCH', 'DELETE'] as const) : undefined;
  const spec: SalesforceFault = { count, ...(path && { path }), ...(method && { method }) };
  if (kind === 'error') spec.status = rng.pick([503, 500]);
  if (kind === 'latency') spec.latencyMs = latencyMs;
  if (kind === 'replyLost') Object.assign(spec, { phase: 'after', status: 503 });
  if (kind === 'dropped') Object.assign(spec, { phase: 'after', dropConnection: true });
  if (kind === 'slowReply') Object.assign(spec, { phase: 'after', latencyMs });
  return { provider, spec, label: describe('salesforce', spec) };
}

function describe(provider: string, spec: StripeFault | SalesforceFault): string {
  const what = spec.dropConnection
    ? 'drop connection'
    : spec.status !== undefined
      ? `${spec.status}${spec.latencyMs ? ` after ${spec.latencyMs}ms` : ''}`
      : `+${spec.latencyMs}ms`;
  const phase = spec.phase === 'after' ? 'AFTER apply' : 'before';
  return `${provider} ${what} (${phase}) x${spec.count} ${spec.method ?? '*'} ${spec.path ?? '<api>'}`;
}
