import type { FieldValues } from '../core/catalog.js';
import type { EntityAdapter, RemoteRecord } from '../core/provider.js';
import { WriteGatherer } from '../platform/write-gatherer.js';

interface Read<F extends FieldValues> {
  externalId: string;
  settle(record: RemoteRecord<F> | undefined): void;
}

/**
 * The adapter with its reads gathered, where it can read several records in one call (`fetchMany`): a read made
 * while none is in flight goes at once; those made meanwhile (the other records of an inbound chunk, the chunks of
 * other partitions) go together when it returns, up to `maxReadBatch`. A burst of a poll's changes, each of which
 * must be read again, then costs a call per chunk rather than per record; Salesforce counts calls against the
 * org's daily allocation. An adapter without `fetchMany` is returned as it is.
 */
export function gatherReads<F extends FieldValues>(adapter: EntityAdapter<F>): EntityAdapter<F> {
  const fetchMany = adapter.fetchMany?.bind(adapter);
  if (!fetchMany) return adapter;
  const reads = new WriteGatherer<Read<F>>(
    async (batch) => {
      const records = await fetchMany(batch.map((r) => r.externalId));
      batch.forEach((r, i) => r.settle(records[i]));
    },
    adapter.maxReadBatch ?? 100,
    0,
  );
  const gathered: EntityAdapter<F> = Object.create(adapter) as EntityAdapter<F>;
  gathered.fetch = async (externalId) => {
    let record: RemoteRecord<F> | undefined;
    // The batch's failure rejects `add`, and so this read, like a failed fetch of its own.
    await reads.add([
      {
        externalId,
        settle: (r) => {
          record = r;
        },
      },
    ]);
    return record;
  };
  return gathered;
}
