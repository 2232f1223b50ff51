import type { FieldValues } from '../core/catalog.js';
import type { EntityAdapter, RemoteRecord } from '../core/provider.js';
import { ProviderError } from '../core/provider-error.js';
import { WriteGatherer } from '../platform/write-gatherer.js';

interface Read<F extends FieldValues> {
  externalId: string;
  settle(record: RemoteRecord<F> | undefined): void;
  fail(err: unknown): void;
}

/**
 * Queries in flight at once. Two would keep one slow query (jsforce retries a failed GET for up to about 15 s)
 * from holding up the reads behind it, but make smaller queries (the bench's whole run: 59 queries instead of
 * 45-49, above 1/150 per change); a chunk hands a read still going after 2 s to its record-by-record path anyway.
 */
const QUERIES_IN_FLIGHT = 1;

/**
 * The adapter with its reads gathered, where it can read several records in one call (`fetchMany`): a read made
 * while no query waits goes at once; those made meanwhile (the other records of an inbound chunk, the chunks of
 * other partitions) go together, up to `maxReadBatch`. A burst of a poll's changes, each of which must be read
 * again, then costs a call per chunk rather than per record; Salesforce counts calls against the org's daily
 * allocation. An adapter without `fetchMany` is returned as it is.
 *
 * A query refused for good (e.g. Salesforce rejecting one malformed id in `Id IN (...)`) is asked again one id at
 * a time, so only the read it was about fails; a retryable failure (the provider is down) fails every read of the
 * query, each of which then waits and tries again as a failed read of its own would.
 */
export function gatherReads<F extends FieldValues>(adapter: EntityAdapter<F>): EntityAdapter<F> {
  const fetchMany = adapter.fetchMany?.bind(adapter);
  if (!fetchMany) return adapter;
  const reads = new WriteGatherer<Read<F>>(
    async (batch) => {
      let records: Array<RemoteRecord<F> | undefined>;
      try {
        records = await fetchMany(batch.map((r) => r.externalId));
      } catch (err) {
        if (batch.length === 1 || !(err instanceof ProviderError) || err.retryable) throw err;
        await Promise.all(batch.map((r) => fetchMany([r.externalId]).then(([record]) => r.settle(record), r.fail)));
        return;
      }
      batch.forEach((r, i) => r.settle(records[i]));
    },
    adapter.maxReadBatch ?? 100,
    0,
    QUERIES_IN_FLIGHT,
  );
  const gathered: EntityAdapter<F> = Object.create(adapter) as EntityAdapter<F>;
  // `add` rejects when its query failed as a whole; a read asked again alone settles through its own callbacks.
  gathered.fetch = (externalId) =>
    new Promise((resolve, reject) => {
      reads.add([{ externalId, settle: resolve, fail: reject }]).catch(reject);
    });
  return gathered;
}
