import { randomUUID } from 'node:crypto';
import type Stripe from 'stripe';
import type { Contact, SalesforceEmulator } from '../../../emulators/salesforce/index.js';
import type { StripeCustomer, StripeEmulator } from '../../../emulators/stripe/index.js';
import type { GqlResult, TestApp } from '../harness.js';
import { STRIPE_KEY, startAppWithBothProviders } from '../stripe.js';

/**
 * Everything one convergence run talks to: the app (GraphQL only), the Stripe emulator with "a person in the
 * dashboard" (the real stripe client, no idempotency keys of ours) and the Salesforce emulator with its `ui`
 * helper (a person in the Salesforce UI). All on 127.0.0.1.
 */
export interface World {
  t: TestApp;
  stripe: StripeEmulator;
  dashboard: Stripe;
  sf: SalesforceEmulator;
  local: LocalApi;
  /** Contact field holding our id (the emulator's and the app's default, Catalog_Sync_Id__c). */
  externalIdField: string;
  /** Seeds run on this app so far. */
  seedsRun: number;
  /** A seed failed here: the next seed gets a fresh app, so leftovers of the failure cannot affect it. */
  dirty: boolean;
  /** Provider writes one lone local create takes on this app when idle (measured once, see calibrate()). */
  calibration?: { salesforceWrites: number; stripeWrites: number };
}

export async function startWorld(): Promise<World> {
  const { t, emu, dashboard, sf } = await startAppWithBothProviders();
  return {
    t,
    stripe: emu,
    dashboard,
    sf,
    local: new LocalApi(t),
    externalIdField: sf.externalIdField,
    seedsRun: 0,
    dirty: false,
  };
}

export async function stopWorld(w: World | undefined): Promise<void> {
  if (!w) return;
  w.stripe.release();
  w.sf.release();
  await w.t.stop();
  await w.stripe.close();
  await w.sf.close();
}

// ---------------------------------------------------------------------------------------------------------------
// The local catalog, through the GraphQL API only.

export interface LocalStatus {
  provider: string;
  state: string;
  targetVersion: number;
  externalId: string | null;
  attempts: number;
  lastError: string | null;
}

export interface LocalCustomer {
  id: string;
  name: string;
  email: string;
  version: number;
  deletedAt: string | null;
  syncStatus: LocalStatus[];
  externalMappings: Array<{ provider: string; externalId: string }>;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

const FIELDS = `id name email version deletedAt
  syncStatus { provider state targetVersion externalId attempts lastError }
  externalMappings { provider externalId }`;

interface CustomerPage {
  customers: { edges: Array<{ node: LocalCustomer }>; pageInfo: { hasNextPage: boolean; endCursor: string } };
}

export class LocalApi {
  constructor(private readonly t: TestApp) {}

  /** Every customer (deleted ones included) whose name or email contains `search`, oldest first. */
  async list(search: string): Promise<LocalCustomer[]> {
    const out: LocalCustomer[] = [];
    let after: string | null = null;
    for (let page = 0; page < 100; page++) {
      const res: GqlResult<CustomerPage> = await this.t.gql<CustomerPage>(
        `query($s: String, $after: String) { customers(search: $s, includeDeleted: true, first: 100, after: $after) {
           edges { node { ${FIELDS} } } pageInfo { hasNextPage endCursor } } }`,
        { s: search, after },
      );
      if (!res.data) throw new Error(`customers query failed: ${describeErrors(res.errors, res.status)}`);
      out.push(...res.data.customers.edges.map((e: { node: LocalCustomer }) => e.node));
      if (!res.data.customers.pageInfo.hasNextPage) return out;
      after = res.data.customers.pageInfo.endCursor;
    }
    throw new Error('customers query: more than 100 pages');
  }

  async get(id: string): Promise<LocalCustomer | undefined> {
    const res = await this.t.gql<{ customer: LocalCustomer }>(
      `query($id: ID!) { customer(id: $id, includeDeleted: true) { ${FIELDS} } }`,
      { id },
    );
    return res.data?.customer;
  }

  create(input: { name: string; email: string }): Promise<Outcome<LocalCustomer>> {
    return this.mutate(
      'createCustomer',
      `mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { ${FIELDS} } }`,
      {
        i: input,
      },
    );
  }

  update(
    id: string,
    input: { name?: string; email?: string; expectedVersion?: number },
  ): Promise<Outcome<LocalCustomer>> {
    return this.mutate(
      'updateCustomer',
      `mutation($id: ID!, $i: UpdateCustomerInput!) { updateCustomer(id: $id, input: $i) { ${FIELDS} } }`,
      { id, i: input },
    );
  }

  delete(id: string): Promise<Outcome<LocalCustomer>> {
    return this.mutate('deleteCustomer', `mutation($id: ID!) { deleteCustomer(id: $id) { ${FIELDS} } }`, { id });
  }

  private async mutate(
    field: string,
    query: string,
    variables: Record<string, unknown>,
  ): Promise<Outcome<LocalCustomer>> {
    try {
      const res = await this.t.gql<Record<string, LocalCustomer>>(query, variables);
      const value = res.data?.[field];
      if (value && !res.errors) return { ok: true, value };
      return { ok: false, error: describeErrors(res.errors, res.status) };
    } catch (err) {
      return { ok: false, error: `request failed: ${(err as Error).message}` };
    }
  }
}

function describeErrors(
  errors: Array<{ message: string; extensions?: Record<string, unknown> }> | undefined,
  status: number,
) {
  if (!errors || errors.length === 0) return `HTTP ${status}, no data`;
  return errors.map((e) => `${String(e.extensions?.code ?? 'ERROR')}: ${e.message}`).join('; ');
}

// ---------------------------------------------------------------------------------------------------------------
// The providers, as a person would see them (in-process reads of the emulators' current state).

export interface StripeView {
  id: string;
  name: string | null;
  email: string | null;
  internalId: string | null;
}

export interface ContactView {
  id: string;
  firstName: string | null;
  lastName: string;
  /** FirstName and LastName joined with one space, as the app joins them. */
  name: string;
  email: string | null;
  internalId: string | null;
  modstamp: string;
}

export function stripeView(c: StripeCustomer): StripeView {
  return { id: c.id, name: c.name, email: c.email, internalId: c.metadata.internal_id ?? null };
}

export function contactView(c: Contact, externalIdField: string): ContactView {
  const ext = c[externalIdField];
  return {
    id: c.Id,
    firstName: c.FirstName,
    lastName: c.LastName,
    name: [c.FirstName, c.LastName]
      .map((s) => s?.trim())
      .filter(Boolean)
      .join(' '),
    email: c.Email,
    internalId: typeof ext === 'string' && ext !== '' ? ext : null,
    modstamp: c.SystemModstamp,
  };
}

/** Live Stripe customers, oldest first. */
export function stripeLive(w: World): StripeView[] {
  return w.stripe.customers().reverse().map(stripeView);
}

/** Live Contacts, oldest first (ids are minted in order). */
export function contactsLive(w: World): ContactView[] {
  return w.sf
    .contacts()
    .map((c) => contactView(c, w.externalIdField))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------------------------
// Request logs: writes since a marker, and polls of Salesforce's getDeleted.

export interface LogEntry {
  method: string;
  path: string;
  status: number;
}

export interface Markers {
  stripe: string;
  salesforce: string;
}

/**
 * Puts a unique request into both emulators' request logs, so "everything after this point" can be read even
 * though the Salesforce log is bounded. The requests carry no credentials: they change nothing and match no fault.
 */
export async function placeMarkers(w: World): Promise<Markers> {
  const id = randomUUID();
  const markers = { stripe: `/v1/convergence-marker/${id}`, salesforce: `/convergence-marker/${id}` };
  await fetch(`${w.stripe.url}${markers.stripe}`).then((r) => r.arrayBuffer());
  await fetch(`${w.sf.url}${markers.salesforce}`).then((r) => r.arrayBuffer());
  return markers;
}

function after(log: LogEntry[], marker: string): LogEntry[] {
  for (let i = log.length - 1; i >= 0; i--) if (log[i]!.path === marker) return log.slice(i + 1);
  throw new Error(`request log marker ${marker} not found (log trimmed?)`);
}

export function salesforceLogSince(w: World, marker: string): LogEntry[] {
  return after(w.sf.requestLog(), marker);
}

/**
 * Requests that can change provider data: everything but reads. OAuth token calls are not data writes, and the
 * app's only SOAP call is getServerTimestamp (the poller reads Salesforce's clock), a read sent as a POST.
 */
export function writesSince(w: World, markers: Markers): { stripe: LogEntry[]; salesforce: LogEntry[] } {
  const isWrite = (e: LogEntry) =>
    e.method !== 'GET' &&
    e.method !== 'HEAD' &&
    !e.path.startsWith('/services/oauth2/') &&
    !e.path.startsWith('/services/Soap/');
  return {
    stripe: after(w.stripe.requestLog(), markers.stripe).filter(isWrite),
    salesforce: after(w.sf.requestLog(), markers.salesforce).filter(isWrite),
  };
}

/** Every request since the markers (reads too), for failure reports. */
export function requestsSince(w: World, markers: Markers): { stripe: LogEntry[]; salesforce: LogEntry[] } {
  return {
    stripe: after(w.stripe.requestLog(), markers.stripe),
    salesforce: after(w.sf.requestLog(), markers.salesforce),
  };
}

export const GET_DELETED_PATH = /\/sobjects\/Contact\/deleted\/?$/;

/** Newest Stripe event and whether its webhook delivery is over (deliveries go one at a time, in order). */
export async function newestStripeEvent(w: World): Promise<{ id: string; pending: number } | undefined> {
  const res = await fetch(`${w.stripe.url}/v1/events?limit=1`, { headers: { authorization: `Bearer ${STRIPE_KEY}` } });
  const body = (await res.json()) as { data?: Array<{ id: string; pending_webhooks: number }> };
  const e = body.data?.[0];
  return e ? { id: e.id, pending: e.pending_webhooks } : undefined;
}
