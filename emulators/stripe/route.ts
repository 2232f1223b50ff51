import { unrecognizedUrl } from './errors.js';
import type { FormObject } from './form.js';
import { type ListOptions, readListOptions } from './pagination.js';
import { allowOnly } from './params.js';
import type { ChangeContext, StripeStore } from './store.js';

// What an endpoint is: a method, a path pattern and a handler, which must be synchronous (see routes.ts).

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

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  pattern: RegExp;
  handle(call: ApiCall, store: StripeStore): ApiResult;
}

/** Parameters every list endpoint takes (https://docs.stripe.com/api/pagination). */
const LIST_PARAMS = ['limit', 'starting_after', 'ending_before', 'created', 'expand'];

export function ok(body: unknown): ApiResult {
  return { status: 200, body };
}

/** GET of one object by its id: it takes no parameters but `expand`. */
export function retrieveRoute(pattern: RegExp, retrieve: (store: StripeStore, id: string) => unknown): Route {
  return {
    method: 'GET',
    pattern,
    handle: ({ params, id }, store) => {
      allowOnly(params, ['expand']);
      return ok(retrieve(store, id));
    },
  };
}

/** A call on one object that takes no parameters (`expand` aside for POST): DELETE, or an action such as `/void`. */
export function bareRoute(
  method: 'POST' | 'DELETE',
  pattern: RegExp,
  act: (store: StripeStore, call: ApiCall) => unknown,
): Route {
  return {
    method,
    pattern,
    handle: (call, store) => {
      allowOnly(call.params, method === 'POST' ? ['expand'] : []);
      return ok(act(store, call));
    },
  };
}

/** Search has its own query language that the connector does not use; say so instead of "No such <object>". */
export function searchRoute(pattern: RegExp): Route {
  return {
    method: 'GET',
    pattern,
    handle: ({ method, path }) => {
      throw unrecognizedUrl(method, path, ' (The Stripe emulator does not implement search.)');
    },
  };
}

/** A list endpoint: pagination, `created` and the endpoint's own `filters`, which `list` reads from `params`. */
export function listRoute(
  pattern: RegExp,
  filters: string[],
  list: (store: StripeStore, options: ListOptions, params: FormObject) => unknown,
): Route {
  return {
    method: 'GET',
    pattern,
    handle: ({ params }, store) => {
      allowOnly(params, [...LIST_PARAMS, ...filters]);
      return ok(list(store, readListOptions(params), params));
    },
  };
}
