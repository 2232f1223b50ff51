/**
 * Salesforce emulator: a stateful HTTP server speaking the subset of Salesforce's REST API, OAuth token
 * endpoint and Outbound Messaging that catalog-sync uses, so the unmodified jsforce client runs against it.
 * See README.md in this folder for the supported surface and its deliberate differences from Salesforce.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EmulatorClock, type ClockOptions } from './clock.js';
import { handleControl } from './control.js';
import { ApiError } from './errors.js';
import { Faults, type FaultSpec } from './faults.js';
import { HeldReplies, type HeldReply } from '../shared/holds.js';
import { Sessions } from './oauth.js';
import { Org, type OrgState } from './org.js';
import {
  OutboundMessenger,
  SALESFORCE_OUTBOUND_RETRY,
  type DeliveryAttempt,
  type OutboundNotification,
  type OutboundRetryOptions,
} from './outbound.js';
import { handleServiceRequest, type RequestLogEntry } from './server.js';
import { recordToJson } from './soql.js';
import { INTEGRATION_USER_ID, UI_USER_ID, type DmlResult, type Transaction } from './store.js';

export type { FaultSpec } from './faults.js';
export type { HeldReply } from '../shared/holds.js';
export type { ClockOptions } from './clock.js';
export type { DeliveryAttempt, OutboundNotification, OutboundRetryOptions } from './outbound.js';
export { SALESFORCE_OUTBOUND_RETRY } from './outbound.js';
export { INVOICE_STATUSES } from './schema.js';
export type { RequestLogEntry } from './server.js';

export type SalesforceEmulatorState = OrgState;

export interface SalesforceEmulatorOptions {
  /** 0/undefined = a free port on 127.0.0.1. */
  port?: number;
  /** Default 'emulator-client-id'. */
  clientId?: string;
  /** Default 'emulator-client-secret'. */
  clientSecret?: string;
  /** 18-char org id, default '00D000000000001AAA'. */
  orgId?: string;
  /** Where SOAP outbound messages for Contact and invoice changes are POSTed; unset = queue without delivering. */
  outboundMessageUrl?: string;
  /** External ID field on Contact and on the invoice object, default 'Catalog_Sync_Id__c'. */
  externalIdField?: string;
  /** API name of the invoice custom object, default 'Catalog_Invoice__c'. */
  invoiceObject?: string;
  /** Daily API request limit reported in Sforce-Limit-Info, default 15000. */
  apiLimit?: number;
  /** Query batch size override (Salesforce: 2000, or 200..2000 via Sforce-Query-Options). */
  queryBatchSize?: number;
  /** The org's clock: wall clock by default; a start time, a faster rate, or 0 to freeze it (see clock.ts). */
  clock?: ClockOptions;
  /**
   * Outbound redelivery in org-clock millis; default Salesforce's: 15 s doubling up to 2 h, dropped at 24 h
   * (SALESFORCE_OUTBOUND_RETRY). Tests pass smaller values, or run the clock faster.
   */
  outboundRetry?: Partial<OutboundRetryOptions>;
  /** Start from what an earlier run's `state()` returned (records, deleted ones included), not an empty org. */
  state?: SalesforceEmulatorState;
  /** Fields sent in each Contact notification's sObject after sf:Id. */
  outboundFields?: string[];
  /** Fields sent in each invoice notification's sObject after sf:Id (default: every invoice field listed in README). */
  invoiceOutboundFields?: string[];
  /** API version in the EnterpriseUrl/PartnerUrl of outbound messages, default '62.0'. */
  outboundApiVersion?: string;
  /**
   * Response time of every request to the org (OAuth, REST, SOAP; not /_emulator/ control calls), like a real
   * provider's: the request waits this long, then runs and answers. Default 0.
   */
  latencyMs?: number;
}

/** A Contact as the REST API returns it (the external id field is present under its configured name). */
export interface Contact {
  attributes: { type: string; url: string };
  Id: string;
  FirstName: string | null;
  LastName: string;
  Name: string;
  Email: string | null;
  Phone: string | null;
  AccountId: string | null;
  IsDeleted: boolean;
  CreatedDate: string;
  LastModifiedDate: string;
  SystemModstamp: string;
  [field: string]: unknown;
}

/** A Catalog Invoice as the REST API returns it (the external id field is present under its configured name). */
export interface Invoice {
  attributes: { type: string; url: string };
  Id: string;
  Name: string;
  Contact__c: string;
  Amount__c: number | null;
  Currency__c: string | null;
  Status__c: string | null;
  /** `YYYY-MM-DD` */
  Due_Date__c: string | null;
  Description__c: string | null;
  IsDeleted: boolean;
  CreatedDate: string;
  LastModifiedDate: string;
  SystemModstamp: string;
  [field: string]: unknown;
}

/** 'Contact', 'Account' or the invoice object's name (any spelling case). */
type SObjectName = string;

/** Edits made "by a Salesforce user in the UI": no API usage, no Sforce-Call-Options client, outbound fires. */
export interface UiActions {
  create(type: SObjectName, fields: Record<string, unknown>): string;
  update(type: SObjectName, id: string, fields: Record<string, unknown>): void;
  delete(type: SObjectName, id: string): void;
}

export interface SalesforceEmulator {
  /** Instance URL and login URL, http://127.0.0.1:PORT */
  readonly url: string;
  readonly orgId: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly externalIdField: string;
  /** API name of the invoice custom object. */
  readonly invoiceObject: string;
  /** User id of every API session (CreatedById / LastModifiedById of API writes). */
  readonly integrationUserId: string;
  /** User id stamped on `ui` edits, so LastModifiedById distinguishes people from the sync. */
  readonly uiUserId: string;
  setOutboundMessageUrl(url: string | undefined): void;
  /**
   * The org's records (the recycle bin included) and id counter as JSON-able data, for a later
   * `startSalesforceEmulator({ state })` (npm start keeps its data between runs). Sessions, faults, cursors and
   * queued Outbound Messages are not part of it.
   */
  state(): SalesforceEmulatorState;
  /**
   * Wipes records, faults, API usage, request log, query cursors and the outbound queue/history, and releases
   * held replies.
   */
  reset(): void;
  injectFaults(f: FaultSpec): void;
  /** Drops pending faults (replies already held stay held). */
  clearFaults(): void;
  /** Lets the replies held by `hold` faults go (those of one gate, or all); returns how many. */
  release(hold?: string): number;
  /** Replies waiting for release now, oldest first. */
  held(): HeldReply[];
  /** Current non-deleted contacts. */
  contacts(): Contact[];
  /** Current non-deleted invoices. */
  invoices(): Invoice[];
  /** Records of any known object as REST JSON; `includeDeleted` adds the recycle bin (as queryAll). */
  records(type: SObjectName, opts?: { includeDeleted?: boolean }): Array<Record<string, unknown>>;
  apiUsage(): number;
  requestLog(): RequestLogEntry[];
  /** Contact notifications the listener acknowledged, in delivery order. */
  deliveredNotifications(): Array<{ id: string; contactId: string }>;
  /** Notifications of every object (or of one) the listener acknowledged, in delivery order. */
  outboundNotifications(sobject?: SObjectName): OutboundNotification[];
  /** The ActionId (04k) of an object's outbound message definition; undefined when it has none. */
  outboundActionId(sobject: SObjectName): string | undefined;
  /** Every delivery attempt (acked or not), for asserting redelivery. */
  outboundAttempts(): DeliveryAttempt[];
  /** Notifications (of every object) still waiting to be delivered or retried. */
  pendingNotificationCount(): number;
  /** Contact notifications given up on (retries exhausted, or the record was deleted first). */
  droppedNotifications(): Array<{ id: string; contactId: string; reason: string }>;
  /** Notifications of every object (or of one) given up on. */
  droppedOutboundNotifications(sobject?: SObjectName): Array<OutboundNotification & { reason: string }>;
  /** `client=` of the Sforce-Call-Options of the call that last created/updated the record. */
  lastModifiedClient(id: string): string | undefined;
  setQueryBatchSize(size: number | undefined): void;
  /** Invalidates all access tokens: the next API call gets 401 INVALID_SESSION_ID. */
  expireSessions(): void;
  /** The org's time (what getServerTimestamp answers and records are stamped with). */
  now(): Date;
  /** Moves the org's clock forward; due outbound retries go at once. */
  advanceClock(ms: number): void;
  setClock(at: Date | number): void;
  /** Emulated millis per real milli (0 freezes the clock). */
  setClockRate(rate: number): void;
  /**
   * Physically deletes records deleted before `before` (default: now), as when the recycle bin is emptied or
   * the delete log purged: they leave queryAll, and getDeleted refuses an earlier start (earliestDateAvailable).
   * Returns how many records went.
   */
  purgeDeletedBefore(before?: Date | number): number;
  readonly ui: UiActions;
  close(): Promise<void>;
}

export async function startSalesforceEmulator(opts: SalesforceEmulatorOptions = {}): Promise<SalesforceEmulator> {
  const clientId = opts.clientId ?? 'emulator-client-id';
  const clientSecret = opts.clientSecret ?? 'emulator-client-secret';
  const orgId = opts.orgId ?? '00D000000000001AAA';
  const externalIdField = opts.externalIdField ?? 'Catalog_Sync_Id__c';
  const invoiceObject = opts.invoiceObject ?? 'Catalog_Invoice__c';
  const apiLimit = opts.apiLimit ?? 15000;
  const latencyMs = opts.latencyMs ?? 0;
  if (!Number.isFinite(latencyMs) || latencyMs < 0) throw new Error('latencyMs must be a non-negative number');
  let baseUrl = '';

  const clock = new EmulatorClock(opts.clock);
  const org = new Org({ orgId, externalIdField, invoiceObject }, clock);
  if (opts.state) org.restore(opts.state);
  const sessions = new Sessions({ clientId, clientSecret, orgId, baseUrl: () => baseUrl });
  const faults = new Faults();
  const held = new HeldReplies();
  const resets = { count: 0 };
  const usage = { count: 0 };
  const log: RequestLogEntry[] = [];
  const outbound = new OutboundMessenger({
    store: org.store,
    clock,
    orgId,
    apiVersion: opts.outboundApiVersion ?? '62.0',
    baseUrl: () => baseUrl,
    // The definitions an admin creates per infra/salesforce/README.md.
    messages: [
      {
        sobject: 'Contact',
        fields: opts.outboundFields ?? [
          'FirstName',
          'LastName',
          'Email',
          externalIdField,
          'LastModifiedDate',
          'SystemModstamp',
        ],
      },
      {
        sobject: invoiceObject,
        fields: opts.invoiceOutboundFields ?? [
          'Name',
          'Contact__c',
          'Amount__c',
          'Currency__c',
          'Status__c',
          'Due_Date__c',
          'Description__c',
          externalIdField,
        ],
      },
    ],
    retry: { ...SALESFORCE_OUTBOUND_RETRY, ...opts.outboundRetry },
    batchWindowMs: 20,
    requestTimeoutMs: 10_000,
  });
  // Outbound Messages fire on create and on every edit; deletes are left to getDeleted polling.
  org.store.onChange((e) => {
    if (e.kind !== 'deleted') outbound.enqueue(e.type, e.id);
  });
  org.queryBatchSize = opts.queryBatchSize;

  const uiWrite = (run: (tx: Transaction) => DmlResult): string => {
    const tx = org.store.begin(org.now(), undefined, UI_USER_ID);
    const result = run(tx);
    if (!result.ok) {
      tx.rollback();
      throw ApiError.fromRecord(400, result.error);
    }
    tx.commit();
    return result.id;
  };

  const records = (type: string, includeDeleted = false): Array<Record<string, unknown>> => {
    const def = org.store.sobject(type);
    if (!def) throw new ApiError(404, 'NOT_FOUND', `Unknown sObject type ${type}`);
    return org.store.all(def.name, includeDeleted).map((r) => recordToJson(def, r, '/services/data/v62.0'));
  };
  const sameType = (sobject: string | undefined) => (n: OutboundNotification) =>
    sobject === undefined || n.sobject.toLowerCase() === sobject.toLowerCase();

  const emulator: SalesforceEmulator = {
    get url() {
      return baseUrl;
    },
    orgId,
    clientId,
    clientSecret,
    externalIdField,
    invoiceObject,
    integrationUserId: INTEGRATION_USER_ID,
    uiUserId: UI_USER_ID,
    setOutboundMessageUrl: (url) => outbound.setUrl(url),
    state: () => org.state(),
    reset: () => {
      resets.count += 1;
      held.release();
      org.reset();
      org.queryBatchSize = opts.queryBatchSize;
      faults.clear();
      usage.count = 0;
      log.length = 0;
      outbound.reset();
    },
    injectFaults: (f) => faults.add(f),
    clearFaults: () => faults.clear(),
    release: (hold) => held.release(hold),
    held: () => held.list(),
    contacts: () => records('Contact') as Contact[],
    invoices: () => records(invoiceObject) as Invoice[],
    records: (type, o) => records(type, o?.includeDeleted),
    apiUsage: () => usage.count,
    requestLog: () => log.map((e) => ({ ...e })),
    deliveredNotifications: () =>
      outbound
        .deliveredNotifications()
        .filter(sameType('Contact'))
        .map((n) => ({ id: n.id, contactId: n.recordId })),
    outboundNotifications: (sobject) => outbound.deliveredNotifications().filter(sameType(sobject)),
    outboundActionId: (sobject) => outbound.actionId(sobject),
    outboundAttempts: () => outbound.attempts(),
    pendingNotificationCount: () => outbound.pendingCount(),
    droppedNotifications: () =>
      outbound
        .droppedNotifications()
        .filter(sameType('Contact'))
        .map((n) => ({ id: n.id, contactId: n.recordId, reason: n.reason })),
    droppedOutboundNotifications: (sobject) => outbound.droppedNotifications().filter(sameType(sobject)),
    lastModifiedClient: (id) => org.store.get(id)?.lastModifiedClient,
    setQueryBatchSize: (size) => {
      org.queryBatchSize = size;
    },
    expireSessions: () => sessions.expireAll(),
    now: () => new Date(clock.now()),
    advanceClock: (ms) => clock.advance(ms),
    setClock: (at) => clock.set(typeof at === 'number' ? at : at.getTime()),
    setClockRate: (rate) => clock.setRate(rate),
    purgeDeletedBefore: (before) =>
      org.purgeDeletedBefore(
        before === undefined ? clock.now() : typeof before === 'number' ? before : before.getTime(),
      ),
    ui: {
      create: (type, fields) => uiWrite((tx) => tx.create(type, fields)),
      update: (type, id, fields) => {
        uiWrite((tx) => tx.update(type, id, fields));
      },
      delete: (type, id) => {
        uiWrite((tx) => tx.delete(type, id));
      },
    },
    close: async () => {
      await held.releaseAll();
      outbound.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };

  const server: Server = createServer((req, res) => {
    const handled = (req.url ?? '').startsWith('/_emulator/')
      ? handleControl(req, res, emulator)
      : handleServiceRequest(req, res, { org, sessions, faults, held, resets, apiLimit, usage, log, latencyMs });
    handled.catch((err: unknown) => {
      process.stderr.write(`[salesforce-emulator] ${(err as Error).stack ?? String(err)}\n`);
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  outbound.setUrl(opts.outboundMessageUrl);
  return emulator;
}
