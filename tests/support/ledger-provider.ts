import express from 'express';
import { z } from 'zod';
import type { CustomerFields } from '../../src/catalogs/customer/validation.js';
import type { EntityAdapter, ProviderPlugin, RecordWrite, RemoteRecord, WriteResult } from '../../src/core/provider.js';

/**
 * A third provider that lives only in the tests: an in-memory ledger of customers with a webhook and a poller. It
 * plugs into the engine through the same contracts as Stripe and Salesforce, which shows that adding a provider
 * needs no engine change.
 */
export interface LedgerRecord {
  id: string;
  name: string;
  email: string;
  internalId: string | null;
  deleted: boolean;
}

export class LedgerStore {
  readonly records = new Map<string, LedgerRecord>();
  readonly deletes: string[] = [];
  writeCalls = 0;
  private next = 1;

  add(values: Omit<LedgerRecord, 'id' | 'deleted'>): LedgerRecord {
    const record = { ...values, id: `led_${this.next++}`, deleted: false };
    this.records.set(record.id, record);
    return record;
  }

  delete(id: string): void {
    const r = this.records.get(id);
    if (r && !r.deleted) {
      r.deleted = true;
      this.deletes.push(id);
    }
  }

  byInternalId(id: string): LedgerRecord | undefined {
    return [...this.records.values()].find((r) => r.internalId === id);
  }
}

const toRemote = (r: LedgerRecord): RemoteRecord<CustomerFields> => ({
  externalId: r.id,
  internalId: r.internalId,
  deleted: r.deleted,
  values: { name: r.name, email: r.email },
});

export function ledgerPlugin(store: LedgerStore): ProviderPlugin {
  const adapter: EntityAdapter<CustomerFields> = {
    entityType: 'CUSTOMER',
    maxBatchSize: 50,
    async write(writes: RecordWrite<CustomerFields>[]): Promise<WriteResult[]> {
      store.writeCalls += 1;
      return writes.map((w) => {
        const existing = w.externalId ? store.records.get(w.externalId) : store.byInternalId(w.record.id);
        if (w.op === 'delete') {
          if (existing) store.delete(existing.id);
          return { ok: true, externalId: existing?.id ?? null };
        }
        const values = w.changed ?? { name: w.record.name, email: w.record.email };
        const record = existing ?? store.add({ name: w.record.name, email: w.record.email, internalId: w.record.id });
        Object.assign(record, values, { internalId: w.record.id });
        return { ok: true, externalId: record.id };
      });
    },
    async fetch(id) {
      const r = store.records.get(id);
      return r ? toRemote(r) : undefined;
    },
    async *list() {
      for (const r of store.records.values()) if (!r.deleted) yield toRemote(r);
    },
  };
  return {
    id: 'LEDGER',
    entityTypes: ['CUSTOMER'],
    configShape: { LEDGER_POLL_INTERVAL_MS: z.coerce.number().int().min(10).default(100) },
    create(config) {
      return {
        id: 'LEDGER',
        adapters: [adapter as unknown as EntityAdapter],
        parseInbound(message) {
          const m = message as { eventId?: unknown; id?: unknown };
          if (typeof m?.eventId !== 'string' || typeof m.id !== 'string') return [];
          return [{ eventId: m.eventId, entityType: 'CUSTOMER', externalId: m.id, markedOurs: false }];
        },
        idempotencyKey: (eventId, operation) => `${eventId}:${operation}`,
        webhook: (queue) =>
          express.Router().post('/webhooks/ledger', express.json(), async (req, res) => {
            const body = req.body as { eventId: string; id: string };
            await queue([{ key: body.id, value: JSON.stringify(body) }]);
            res.json({ queued: true });
          }),
        pollers: [
          {
            name: 'deletes',
            intervalMs: Number(config.LEDGER_POLL_INTERVAL_MS),
            async poll(cursor) {
              const from = Number(cursor ?? 0);
              const messages = store.deletes
                .slice(from)
                .map((id, i) => ({ key: id, value: JSON.stringify({ eventId: `del-${from + i}`, id }) }));
              return { messages, cursor: String(store.deletes.length) };
            },
          },
        ],
        health: () => ({ webhook: true, apiUsage: null }),
      };
    },
  };
}
