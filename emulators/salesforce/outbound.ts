/**
 * Outbound Messaging: every create/update of an object with an outbound message definition (Contact, the
 * invoice object) queues a notification; a background pump POSTs them as SOAP 1.1 `notifications` messages
 * (up to 100 per message; one message carries one definition's notifications, since ActionId and the
 * sObject type are per definition, https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_om_outboundmessaging_understanding.htm)
 * and removes them only once the listener answers 2xx
 * with `<Ack>true</Ack>`. Otherwise the same notification ids are retried "independent of their order in the
 * queue", with intervals that grow exponentially up to two hours, and dropped once 24 hours old (both measured
 * on the org's clock, so tests can move it or pass faster `retry` values). As in Salesforce the record data is
 * read when the message is sent, so an endpoint sees only the latest values and a record can arrive more than
 * once; "if the record is deleted before the notification is delivered, the notification contains no data"
 * (https://help.salesforce.com/s/articleView?id=platform.workflow_om_considerations.htm): it is still sent,
 * with the record Id only. A delete itself never queues a message (it is found via getDeleted). Messages fire for every
 * write whatever its Sforce-Call-Options client (API, the sync itself, or a person in the UI): Salesforce
 * does not filter them, so a listener tells its own echoes apart by LastModifiedById or by comparing values.
 */
import http from 'node:http';
import https from 'node:https';
import type { EmulatorClock } from './clock.js';
import { IdMinter } from './ids.js';
import { findField } from './schema.js';
import type { RecordStore } from './store.js';
import { formatSoapDateTime } from './time.js';

/** Redelivery schedule, in the org clock's millis. */
export interface OutboundRetryOptions {
  /** Interval after the first failed attempt, doubling after each further one. */
  baseDelayMs: number;
  /** Longest interval between attempts (Salesforce: two hours). */
  maxDelayMs: number;
  /** A notification this old is dropped instead of retried (Salesforce: 24 hours). */
  maxAgeMs: number;
  /** Optional cap on attempts (Salesforce has none besides the age); default unlimited. */
  maxAttempts?: number;
}

/**
 * Salesforce documents the 2 h cap and the 24 h limit, not the first interval; 15 s is an assumption that keeps
 * the first retries quick, as observed in practice.
 */
export const SALESFORCE_OUTBOUND_RETRY: OutboundRetryOptions = {
  baseDelayMs: 15_000,
  maxDelayMs: 2 * 60 * 60_000,
  maxAgeMs: 24 * 60 * 60_000,
};

export interface OutboundOptions {
  store: RecordStore;
  clock: EmulatorClock;
  orgId: string;
  apiVersion: string;
  baseUrl: () => string;
  /** One outbound message definition per object. */
  messages: OutboundMessageConfig[];
  retry: OutboundRetryOptions;
  /** How long a fresh notification waits for others to share its message. */
  batchWindowMs: number;
  requestTimeoutMs: number;
}

/** An outbound message definition: the object it watches and the fields sent after sf:Id, in this order. */
export interface OutboundMessageConfig {
  sobject: string;
  fields: string[];
}

interface Definition extends OutboundMessageConfig {
  /** The Outbound Message definition's id (04k), fixed for the org. */
  actionId: string;
}

interface Pending {
  id: string;
  sobject: string;
  recordId: string;
  attempts: number;
  /** Org-clock millis: when it was queued, and when it may be sent next. */
  queuedAt: number;
  notBefore: number;
}

export interface OutboundNotification {
  id: string;
  sobject: string;
  recordId: string;
}

export interface DeliveryAttempt {
  sobject: string;
  notificationIds: string[];
  recordIds: string[];
  /** Same as recordIds for Contact messages, empty for other objects (kept for existing callers). */
  contactIds: string[];
  status?: number;
  acked: boolean;
  error?: string;
}

const MAX_PER_MESSAGE = 100;

function xmlEscape(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] ?? c,
  );
}

/** The listener must answer a notificationsResponse whose Ack is true (any namespace prefix). */
function isAck(body: string): boolean {
  return /notificationsResponse/.test(body) && /<(?:[\w.-]+:)?Ack>\s*true\s*<\/(?:[\w.-]+:)?Ack>/.test(body);
}

export class OutboundMessenger {
  private readonly opts: OutboundOptions;
  private readonly ids = new IdMinter();
  /** Definitions by lower-cased object name. */
  private readonly definitions = new Map<string, Definition>();
  private url: string | undefined;
  private queue: Pending[] = [];
  private delivered: OutboundNotification[] = [];
  private dropped: Array<OutboundNotification & { reason: string }> = [];
  private log: DeliveryAttempt[] = [];
  private timer: NodeJS.Timeout | undefined;
  private timerDue = Infinity;
  private sending = false;
  private inflight: http.ClientRequest | undefined;
  private generation = 0;
  private closed = false;

  constructor(opts: OutboundOptions) {
    this.opts = opts;
    for (const m of opts.messages) {
      this.definitions.set(m.sobject.toLowerCase(), { ...m, fields: [...m.fields], actionId: this.ids.next('04k') });
    }
    // A clock moved by hand can make retries due (or too old) at once.
    opts.clock.onChange(() => this.schedule(0));
  }

  /** The ActionId of the object's outbound message definition, undefined when it has none. */
  actionId(sobject: string): string | undefined {
    return this.definitions.get(sobject.toLowerCase())?.actionId;
  }

  setUrl(url: string | undefined): void {
    this.url = url;
    this.schedule(0);
  }

  /** Queues a notification when the object has a definition (the workflow/flow "on create and edit"). */
  enqueue(sobject: string, recordId: string): void {
    const def = this.definitions.get(sobject.toLowerCase());
    if (!def) return;
    const now = this.opts.clock.now();
    this.queue.push({
      id: this.ids.next('04l'),
      sobject: def.sobject,
      recordId,
      attempts: 0,
      queuedAt: now,
      notBefore: now,
    });
    this.schedule(this.opts.batchWindowMs);
  }

  deliveredNotifications(): OutboundNotification[] {
    return this.delivered.map((d) => ({ ...d }));
  }

  droppedNotifications(): Array<OutboundNotification & { reason: string }> {
    return this.dropped.map((d) => ({ ...d }));
  }

  attempts(): DeliveryAttempt[] {
    return this.log.map((a) => ({
      ...a,
      notificationIds: [...a.notificationIds],
      recordIds: [...a.recordIds],
      contactIds: [...a.contactIds],
    }));
  }

  pendingCount(): number {
    return this.queue.length;
  }

  reset(): void {
    this.generation += 1;
    this.inflight?.destroy();
    this.inflight = undefined;
    this.queue = [];
    this.delivered = [];
    this.dropped = [];
    this.log = [];
    this.clearTimer();
  }

  close(): void {
    this.closed = true;
    this.reset();
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDue = Infinity;
  }

  /** Plans the next pump in `delayMs` real millis (Infinity: only when the clock is moved). */
  private schedule(delayMs: number): void {
    if (this.closed || delayMs === Infinity) return;
    const due = Date.now() + Math.max(0, delayMs);
    if (this.timer && this.timerDue <= due) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerDue = Infinity;
        void this.pump();
      },
      Math.max(0, delayMs),
    );
  }

  private async pump(): Promise<void> {
    if (this.closed || this.sending || !this.url || this.queue.length === 0) return;
    const { clock } = this.opts;
    this.dropExpired();
    const now = clock.now();
    const batch: Pending[] = [];
    for (const p of this.queue) {
      if (batch.length >= MAX_PER_MESSAGE) break;
      if (p.notBefore > now) continue;
      // One message per definition: the first ready notification picks the object.
      if (batch[0] && batch[0].sobject !== p.sobject) continue;
      batch.push(p);
    }
    if (batch.length === 0) {
      // Wake for the next retry, or to drop what turns 24 h old first.
      const { maxAgeMs } = this.opts.retry;
      const next = this.queue.reduce((min, p) => Math.min(min, p.notBefore, p.queuedAt + maxAgeMs), Infinity);
      if (next < Infinity) this.schedule(clock.realDelay(next - now));
      return;
    }
    const generation = this.generation;
    const sobject = batch[0]?.sobject ?? '';
    const recordIds = batch.map((p) => p.recordId);
    const attempt: DeliveryAttempt = {
      sobject,
      notificationIds: batch.map((p) => p.id),
      recordIds,
      contactIds: sobject === 'Contact' ? [...recordIds] : [],
      acked: false,
    };
    this.sending = true;
    try {
      const { status, body } = await this.post(this.url, this.envelope(batch));
      attempt.status = status;
      attempt.acked = status >= 200 && status < 300 && isAck(body);
      if (!attempt.acked) attempt.error = `listener answered ${status} without <Ack>true</Ack>`;
    } catch (err) {
      attempt.error = (err as Error).message;
    } finally {
      this.sending = false;
      this.inflight = undefined;
    }
    if (generation !== this.generation) {
      // reset() happened mid-flight: forget this attempt, but serve whatever was queued since.
      this.schedule(0);
      return;
    }
    this.log.push(attempt);
    const sent = new Set(batch);
    if (attempt.acked) {
      this.queue = this.queue.filter((p) => !sent.has(p));
      for (const p of batch) this.delivered.push({ id: p.id, sobject: p.sobject, recordId: p.recordId });
    } else {
      const { maxAttempts = Infinity, baseDelayMs, maxDelayMs } = this.opts.retry;
      const now = this.opts.clock.now();
      for (const p of batch) {
        p.attempts += 1;
        p.notBefore = now + Math.min(maxDelayMs, baseDelayMs * 2 ** Math.min(p.attempts - 1, 52));
        if (p.attempts >= maxAttempts) this.drop(p, `not acknowledged after ${p.attempts} attempts`);
      }
    }
    this.schedule(0);
  }

  /** Salesforce drops what is still queued 24 hours (maxAgeMs) after it was queued. */
  private dropExpired(): void {
    const now = this.opts.clock.now();
    for (const p of this.queue) {
      if (now - p.queuedAt >= this.opts.retry.maxAgeMs)
        this.drop(p, `not acknowledged within ${this.opts.retry.maxAgeMs} ms (${p.attempts} attempts)`);
    }
  }

  private drop(p: Pending, reason: string): void {
    this.queue = this.queue.filter((q) => q !== p);
    this.dropped.push({ id: p.id, sobject: p.sobject, recordId: p.recordId, reason });
  }

  private envelope(batch: Pending[]): string {
    const { orgId, apiVersion, store } = this.opts;
    const base = this.opts.baseUrl();
    const first = batch[0];
    const definition = first ? this.definitions.get(first.sobject.toLowerCase()) : undefined;
    if (!definition) throw new Error(`no outbound message definition for ${first?.sobject ?? '(empty batch)'}`);
    const sobject = store.sobject(definition.sobject);
    const notifications = batch.map((p) => {
      const rec = store.get(p.recordId);
      // Deleted (or purged) before delivery: the notification carries no data, only the Id.
      const values = rec && rec.deletedAt === undefined ? rec.values : { Id: p.recordId };
      const elements = ['Id', ...definition.fields]
        .map((name) => {
          const v = values[name];
          // Enterprise-style payloads leave null fields out rather than sending xsi:nil.
          if (v === null || v === undefined) return '';
          const isDateTime = sobject && findField(sobject, name)?.type === 'datetime';
          const text = isDateTime && typeof v === 'number' ? formatSoapDateTime(v) : xmlEscape(String(v));
          return `<sf:${name}>${text}</sf:${name}>`;
        })
        .filter(Boolean)
        .join('');
      return (
        `<Notification><Id>${p.id}</Id>` +
        `<sObject xsi:type="sf:${definition.sobject}" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">${elements}</sObject>` +
        `</Notification>`
      );
    });
    return (
      '<?xml version="1.0" encoding="UTF-8"?>' +
      '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"' +
      ' xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
      '<soapenv:Body>' +
      '<notifications xmlns="http://soap.sforce.com/2005/09/outbound">' +
      `<OrganizationId>${orgId}</OrganizationId>` +
      `<ActionId>${definition.actionId}</ActionId>` +
      '<SessionId xsi:nil="true"/>' +
      `<EnterpriseUrl>${xmlEscape(`${base}/services/Soap/c/${apiVersion}/${orgId.slice(0, 15)}`)}</EnterpriseUrl>` +
      `<PartnerUrl>${xmlEscape(`${base}/services/Soap/u/${apiVersion}/${orgId.slice(0, 15)}`)}</PartnerUrl>` +
      notifications.join('') +
      '</notifications>' +
      '</soapenv:Body>' +
      '</soapenv:Envelope>'
    );
  }

  private post(url: string, xml: string): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const target = new URL(url);
      const transport = target.protocol === 'https:' ? https : http;
      const payload = Buffer.from(xml, 'utf8');
      const req = transport.request(
        target,
        {
          method: 'POST',
          headers: {
            'Content-Type': 'text/xml; charset=utf-8',
            SOAPAction: '""',
            'Content-Length': String(payload.length),
            'User-Agent': 'Salesforce Outbound Messaging (catalog-sync emulator)',
          },
          timeout: this.opts.requestTimeoutMs,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      this.inflight = req;
      req.on('timeout', () =>
        req.destroy(new Error(`listener did not answer within ${this.opts.requestTimeoutMs} ms`)),
      );
      req.on('error', reject);
      req.end(payload);
    });
  }
}
