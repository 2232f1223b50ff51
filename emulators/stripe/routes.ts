import { readCustomerInput } from './customer-params.js';
import { invalidRequest, unknownParameter, unrecognizedUrl } from './errors.js';
import { asStringArray, type FormObject } from './form.js';
import { createdFilter, eventTypeFilter } from './list-filters.js';
import { readListOptions } from './pagination.js';
import type { ChangeContext, StripeStore } from './store.js';

// The Stripe endpoints the emulator implements. Handlers are synchronous on purpose: the idempotency layer looks a
// key up, runs the handler and stores the answer with no await in between, so two concurrent requests with the
// same key cannot both execute.

export interface ApiCall extends ChangeContext {
  method: string;
  path: string;
  params: FormObject;
  /** The `:id` path segment, when the route has one. */
  id: string;
}

export interface ApiResult {
  status: number;
  body: unknown;
}

interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  pattern: RegExp;
  handle(call: ApiCall, store: StripeStore): ApiResult;
}

const LIST_PARAMS = ['limit', 'starting_after', 'ending_before', 'created', 'expand'];

const ROUTES: Route[] = [
  {
    method: 'POST',
    pattern: /^\/v1\/customers$/,
    handle: (call, store) => ok(store.createCustomer(readCustomerInput(call.params), call)),
  },
  {
    method: 'GET',
    pattern: /^\/v1\/customers$/,
    handle: ({ params }, store) => {
      allowOnly(params, [...LIST_PARAMS, 'email']);
      const { email } = params;
      if (email !== undefined && typeof email !== 'string') throw invalidRequest('Invalid string', 'email');
      const created = createdFilter(params.created);
      return ok(
        store.listCustomers(readListOptions(params), {
          ...(email !== undefined && { email }),
          ...(created && { created }),
        }),
      );
    },
  },
  {
    // Search has its own query language that the connector does not use; say so instead of "No such customer".
    method: 'GET',
    pattern: /^\/v1\/customers\/search$/,
    handle: ({ method, path }) => {
      throw unrecognizedUrl(method, path, ' (The Stripe emulator does not implement search.)');
    },
  },
  {
    method: 'GET',
    pattern: /^\/v1\/customers\/([^/]+)$/,
    handle: ({ params, id }, store) => {
      allowOnly(params, ['expand']);
      return ok(store.retrieveCustomer(id));
    },
  },
  {
    method: 'POST',
    pattern: /^\/v1\/customers\/([^/]+)$/,
    handle: (call, store) => ok(store.updateCustomer(call.id, readCustomerInput(call.params), call)),
  },
  {
    method: 'DELETE',
    pattern: /^\/v1\/customers\/([^/]+)$/,
    handle: (call, store) => {
      allowOnly(call.params, []);
      return ok(store.deleteCustomer(call.id, call));
    },
  },
  {
    method: 'GET',
    pattern: /^\/v1\/events$/,
    handle: ({ params }, store) => {
      allowOnly(params, [...LIST_PARAMS, 'type', 'types']);
      const type = eventTypeFilter(params.type, params.types);
      const created = createdFilter(params.created);
      return ok(store.listEvents(readListOptions(params), { ...(type && { type }), ...(created && { created }) }));
    },
  },
  {
    method: 'GET',
    pattern: /^\/v1\/events\/([^/]+)$/,
    handle: ({ params, id }, store) => {
      allowOnly(params, ['expand']);
      return ok(store.retrieveEvent(id));
    },
  },
];

export interface MatchedRoute {
  id: string;
  handle(call: ApiCall, store: StripeStore): ApiResult;
}

export function matchRoute(method: string, path: string): MatchedRoute {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const match = route.pattern.exec(path);
    if (match) return { id: safeDecode(match[1] ?? ''), handle: route.handle };
  }
  throw unrecognizedUrl(method, path);
}

function ok(body: unknown): ApiResult {
  return { status: 200, body };
}

function allowOnly(params: FormObject, allowed: string[]): void {
  for (const key of Object.keys(params)) if (!allowed.includes(key)) throw unknownParameter(key);
  asStringArray(params.expand, 'expand');
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
