import { readCustomerInput } from './customer-params.js';
import { invalidRequest, unrecognizedUrl } from './errors.js';
import { INVOICE_ROUTES } from './invoice-routes.js';
import { createdFilter, eventTypeFilter } from './list-filters.js';
import {
  type ApiCall,
  type ApiResult,
  bareRoute,
  listRoute,
  ok,
  retrieveRoute,
  type Route,
  searchRoute,
} from './route.js';
import type { StripeStore } from './store.js';

// The Stripe endpoints the emulator implements (invoices and invoice items in invoice-routes.ts). Handlers are
// synchronous on purpose: the idempotency layer looks a key up, runs the handler and stores the answer with no await
// in between, so two concurrent requests with the same key cannot both execute.

export type { ApiCall, ApiResult } from './route.js';

const ROUTES: Route[] = [
  {
    method: 'POST',
    pattern: /^\/v1\/customers$/,
    handle: (call, store) => ok(store.createCustomer(readCustomerInput(call.params), call)),
  },
  listRoute(/^\/v1\/customers$/, ['email'], (store, options, params) => {
    const { email } = params;
    if (email !== undefined && typeof email !== 'string') throw invalidRequest('Invalid string', 'email');
    const created = createdFilter(params.created);
    return store.listCustomers(options, { ...(email !== undefined && { email }), ...(created && { created }) });
  }),
  searchRoute(/^\/v1\/customers\/search$/),
  retrieveRoute(/^\/v1\/customers\/([^/]+)$/, (store, id) => store.retrieveCustomer(id)),
  {
    method: 'POST',
    pattern: /^\/v1\/customers\/([^/]+)$/,
    handle: (call, store) => ok(store.updateCustomer(call.id, readCustomerInput(call.params), call)),
  },
  bareRoute('DELETE', /^\/v1\/customers\/([^/]+)$/, (store, call) => store.deleteCustomer(call.id, call)),
  listRoute(/^\/v1\/events$/, ['type', 'types'], (store, options, params) => {
    const type = eventTypeFilter(params.type, params.types);
    const created = createdFilter(params.created);
    return store.listEvents(options, { ...(type && { type }), ...(created && { created }) });
  }),
  retrieveRoute(/^\/v1\/events\/([^/]+)$/, (store, id) => store.retrieveEvent(id)),
  ...INVOICE_ROUTES,
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

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
