/**
 * Outbound Messaging: every Contact create/update queues a notification; a background pump POSTs them as SOAP
 * 1.1 `notifications` messages (up to 100 per message) and removes them only once the listener answers 2xx
 * with `<Ack>true</Ack>`. Otherwise the same notification ids are retried with exponential backoff, then
 * dropped after maxAttempts (Salesforce: backoff up to 2 h, dropped after 24 h). As in Salesforce the record
 * data is read when the message is sent, so an endpoint sees only the latest values, a record can arrive more
 * than once, and deletes never produce a message (they are found via getDeleted).
 */
import http from 'node:http';
import https from 'node:https';
import { IdMinter } from './ids.js';
import { findField } from './schema.js';
import type { RecordStore } from './store.js';
import { formatSoapDateTime } from './time.js';

export interface OutboundRetryOptions {
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface OutboundOptions {
  store: RecordStore;
  orgId: string;
  apiVersion: string;
  baseUrl: () => string;
  /** Fields sent after sf:Id, in this order. */
  fields: string[];
  retry: OutboundRetryOptions;
  /** How long a fresh notification waits for others to share its message. */
  batchWindowMs: number;
  requestTimeoutMs: number;
}

interface Pending {
  id: string;
  contactId: string;
  attempts: number;
  notBefore: number;
}

export interface DeliveryAttempt {
  notificationIds: string[];
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
  /** The Outbound Message definition's id (04k), fixed for the org. */
  readonly actionId: string;
  private url: string | undefined;
  private queue: Pending[] = [];
  private delivered: Array<{ id: string; contactId: string }> = [];
  private dropped: Array<{ id: string; contactId: string; reason: string }> = [];
  private log: DeliveryAttempt[] = [];
  private timer: NodeJS.Timeout | undefined;
  private timerDue = Infinity;
  private sending = false;
  private inflight: http.ClientRequest | undefined;
  private generation = 0;
  private closed = false;

  constructor(opts: OutboundOptions) {
    this.opts = opts;
    this.actionId = this.ids.next('04k');
  }

  setUrl(url: string | undefined): void {
    this.url = url;
    this.schedule(0);
  }

  enqueue(contactId: string): void {
    this.queue.push({ id: this.ids.next('04l'), contactId, attempts: 0, notBefore: Date.now() });
    this.schedule(this.opts.batchWindowMs);
  }

  deliveredNotifications(): Array<{ id: string; contactId: string }> {
    return this.delivered.map((d) => ({ ...d }));
  }

  droppedNotifications(): Array<{ id: string; contactId: string; reason: string }> {
    return this.dropped.map((d) => ({ ...d }));
  }

  attempts(): DeliveryAttempt[] {
    return this.log.map((a) => ({ ...a, notificationIds: [...a.notificationIds], contactIds: [...a.contactIds] }));
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
  }

  close(): void {
    this.closed = true;
    this.reset();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(delayMs: number): void {
    if (this.closed) return;
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
    const now = Date.now();
    const batch: Pending[] = [];
    for (const p of [...this.queue]) {
      if (batch.length >= MAX_PER_MESSAGE) break;
      if (p.notBefore > now) continue;
      const rec = this.opts.store.get(p.contactId);
      if (!rec || rec.deletedAt !== undefined) {
        // Nothing left to send; the delete itself is reported by getDeleted.
        this.queue = this.queue.filter((q) => q !== p);
        this.dropped.push({ id: p.id, contactId: p.contactId, reason: 'record deleted before delivery' });
        continue;
      }
      batch.push(p);
    }
    if (batch.length === 0) {
      if (this.queue.length > 0)
        this.schedule(this.queue.reduce((min, p) => Math.min(min, p.notBefore), Infinity) - now);
      return;
    }
    const generation = this.generation;
    const attempt: DeliveryAttempt = {
      notificationIds: batch.map((p) => p.id),
      contactIds: batch.map((p) => p.contactId),
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
      for (const p of batch) this.delivered.push({ id: p.id, contactId: p.contactId });
    } else {
      const { maxAttempts, baseDelayMs, maxDelayMs } = this.opts.retry;
      for (const p of batch) {
        p.attempts += 1;
        p.notBefore = Date.now() + Math.min(maxDelayMs, baseDelayMs * 2 ** (p.attempts - 1));
        if (p.attempts >= maxAttempts) {
          this.dropped.push({
            id: p.id,
            contactId: p.contactId,
            reason: `not acknowledged after ${p.attempts} attempts`,
          });
        }
      }
      this.queue = this.queue.filter((p) => p.attempts < maxAttempts);
    }
    this.schedule(0);
  }

  private envelope(batch: Pending[]): string {
    const { orgId, apiVersion, fields, store } = this.opts;
    const base = this.opts.baseUrl();
    const contact = store.sobject('Contact');
    const notifications = batch.map((p) => {
      const rec = store.get(p.contactId);
      const values = rec?.values ?? {};
      const elements = ['Id', ...fields]
        .map((name) => {
          const v = values[name];
          // Enterprise-style payloads leave null fields out rather than sending xsi:nil.
          if (v === null || v === undefined) return '';
          const isDateTime = contact && findField(contact, name)?.type === 'datetime';
          const text = isDateTime && typeof v === 'number' ? formatSoapDateTime(v) : xmlEscape(String(v));
          return `<sf:${name}>${text}</sf:${name}>`;
        })
        .filter(Boolean)
        .join('');
      return (
        `<Notification><Id>${p.id}</Id>` +
        `<sObject xsi:type="sf:Contact" xmlns:sf="urn:sobject.enterprise.soap.sforce.com">${elements}</sObject>` +
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
      `<ActionId>${this.actionId}</ActionId>` +
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
