import type { EntityAdapter, RemoteRecord } from '../../src/core/provider.js';
import { ProviderError } from '../../src/core/provider-error.js';
import { gatherReads } from '../../src/engine/gathered-reads.js';

/** Past the gatherer's zero-delay timer: the read made before is in its own call. */
const inFlight = () => new Promise((r) => setTimeout(r, 1));

const record = (externalId: string): RemoteRecord => ({ externalId, internalId: null, deleted: false, values: {} });

function fakeAdapter(fail?: (ids: readonly string[]) => boolean, error: Error = new Error('provider down')) {
  const calls: string[][] = [];
  const adapter = {
    entityType: 'CUSTOMER',
    maxBatchSize: 200,
    maxReadBatch: 3,
    write: () => Promise.resolve([]),
    fetch: (id: string) => Promise.resolve(record(id)),
    list: async function* () {},
    async fetchMany(ids: readonly string[]) {
      calls.push([...ids]);
      await new Promise((r) => setTimeout(r, 5));
      if (fail?.(ids)) throw error;
      return ids.map((id) => (id === 'gone' ? undefined : record(id)));
    },
  } as unknown as EntityAdapter;
  return { adapter, calls };
}

describe('gatherReads', () => {
  it('sends the first read at once and gathers those made meanwhile, each caller getting its own record', async () => {
    const { adapter, calls } = fakeAdapter();
    const gathered = gatherReads(adapter);
    const first = gathered.fetch('a');
    await inFlight(); // the first read is on its way alone
    const rest = ['b', 'c', 'gone', 'd', 'e'].map((id) => gathered.fetch(id));
    const results = await Promise.all([first, ...rest]);
    expect(results.map((r) => r?.externalId)).toEqual(['a', 'b', 'c', undefined, 'd', 'e']);
    // a alone (idle), then the waiting five in calls of at most maxReadBatch (3).
    expect(calls).toEqual([['a'], ['b', 'c', 'gone'], ['d', 'e']]);
  });

  it('fails every read of a call that failed, and only those', async () => {
    const { adapter } = fakeAdapter((ids) => ids.includes('x'));
    const gathered = gatherReads(adapter);
    const first = gathered.fetch('ok');
    await inFlight();
    const failing = Promise.allSettled(['x', 'y'].map((id) => gathered.fetch(id)));
    await expect(first).resolves.toMatchObject({ externalId: 'ok' });
    const settled = await failing;
    expect(settled.map((s) => s.status)).toEqual(['rejected', 'rejected']);
    expect(settled.map((s) => (s as PromiseRejectedResult).reason.message)).toEqual(['provider down', 'provider down']);
    await expect(gathered.fetch('z')).resolves.toMatchObject({ externalId: 'z' });
  });

  it('asks a query refused for good again one id at a time, so only the bad read fails', async () => {
    const refused = new ProviderError('SALESFORCE', 'invalid ID field: bad', { retryable: false });
    const { adapter, calls } = fakeAdapter((ids) => ids.includes('bad'), refused);
    const gathered = gatherReads(adapter);
    const first = gathered.fetch('a');
    await inFlight();
    const rest = Promise.allSettled(['b', 'bad', 'c'].map((id) => gathered.fetch(id)));
    await first;
    const settled = await rest;
    expect(settled.map((s) => (s.status === 'fulfilled' ? s.value?.externalId : 'failed'))).toEqual([
      'b',
      'failed',
      'c',
    ]);
    expect((settled[1] as PromiseRejectedResult).reason).toBe(refused);
    expect(calls).toEqual([['a'], ['b', 'bad', 'c'], ['b'], ['bad'], ['c']]);
  });

  it('keeps the rest of the adapter, and returns an adapter that cannot read several records as it is', () => {
    const { adapter } = fakeAdapter();
    const gathered = gatherReads(adapter);
    expect(gathered.entityType).toBe('CUSTOMER');
    expect(gathered.maxBatchSize).toBe(200);
    const single = { ...adapter, fetchMany: undefined } as EntityAdapter;
    expect(gatherReads(single)).toBe(single);
  });
});
