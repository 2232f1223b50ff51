import { useMemo, useSyncExternalStore } from 'react';

/**
 * Hash routing: the API serves one page at `/`, and everything after `#` is the console's own. Paths:
 * #/customers, #/customers/new, #/customers/<id>, #/invoices, #/invoices/new, #/invoices/<id>, #/failures,
 * #/providers; list filters and paging ride along as a query (#/customers?q=ada).
 */
export type Route =
  | { page: 'customers' }
  | { page: 'customer-new' }
  | { page: 'customer'; id: string }
  | { page: 'invoices' }
  | { page: 'invoice-new' }
  | { page: 'invoice'; id: string }
  | { page: 'failures' }
  | { page: 'providers' }
  | { page: 'not-found'; path: string };

export interface Location {
  route: Route;
  query: URLSearchParams;
}

export function parseHash(hash: string): Location {
  const raw = hash.replace(/^#/, '') || '/customers';
  const [pathPart = '', queryPart = ''] = raw.split('?', 2);
  const parts = pathPart.split('/').filter(Boolean).map(decodeURIComponent);
  const query = new URLSearchParams(queryPart);
  const [section, id, ...rest] = parts;
  const route = ((): Route => {
    if (rest.length > 0) return { page: 'not-found', path: pathPart };
    switch (section) {
      case undefined:
      case 'customers':
        if (!id) return { page: 'customers' };
        return id === 'new' ? { page: 'customer-new' } : { page: 'customer', id };
      case 'invoices':
        if (!id) return { page: 'invoices' };
        return id === 'new' ? { page: 'invoice-new' } : { page: 'invoice', id };
      case 'failures':
        return id ? { page: 'not-found', path: pathPart } : { page: 'failures' };
      case 'providers':
        return id ? { page: 'not-found', path: pathPart } : { page: 'providers' };
      default:
        return { page: 'not-found', path: pathPart };
    }
  })();
  return { route, query };
}

/** `#/path?query`, leaving out empty query values. */
export function href(path: string, query: Record<string, string | null | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v) params.set(k, v);
  const qs = params.toString();
  return `#${path}${qs ? `?${qs}` : ''}`;
}

export function navigate(to: string, { replace = false } = {}): void {
  if (replace) {
    window.history.replaceState(window.history.state, '', to);
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } else {
    window.location.hash = to.replace(/^#/, '');
    // Tell subscribers now, not when the browser's own (asynchronous) hashchange comes: a controlled input whose
    // value comes from the URL (a filter checkbox) re-renders with its new value within the same event, instead of
    // being reset to the old one first. The browser's event then finds nothing new.
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  }
}

const subscribe = (listener: () => void) => {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
};
const currentHash = () => window.location.hash;

/** The current location, re-rendering on every hash change. */
export function useLocation(): Location {
  const hash = useSyncExternalStore(subscribe, currentHash);
  return useMemo(() => parseHash(hash), [hash]);
}

export const paths = {
  customers: '/customers',
  customer: (id: string) => `/customers/${encodeURIComponent(id)}`,
  newCustomer: '/customers/new',
  invoices: '/invoices',
  invoice: (id: string) => `/invoices/${encodeURIComponent(id)}`,
  newInvoice: '/invoices/new',
  failures: '/failures',
  providers: '/providers',
};

export const recordPath = (entityType: 'CUSTOMER' | 'INVOICE', id: string) =>
  entityType === 'CUSTOMER' ? paths.customer(id) : paths.invoice(id);
