// Over the whole run: the SOQL queries our worker made to read Salesforce records again (queryAll: an inbound
// change is applied from the record as it is now; the minute poll gives ids only, so each record it reports, our
// own writes included, is read again), per Salesforce inbound change handled. Reads are gathered, up to 200 ids a
// query (engine/gathered-reads.ts): one per record would be 1.
import { scalar, type StageContext } from './context.js';
import { num, type Row } from './table.js';

export async function salesforceRereads(ctx: StageContext): Promise<Row> {
  const log = await ctx.stack.salesforce.requests();
  const queries = log.filter((r) => r.method === 'GET' && /\/queryAll\/?$/.test(r.path)).length;
  const changes = await scalar(
    ctx,
    `select count(*) as n from sync_event where provider = 'SALESFORCE' and direction = 'inbound'`,
  );
  return {
    stage: 'Salesforce read queries per inbound change (whole run)',
    ours: `${num(changes > 0 ? queries / changes : NaN)} (${queries} queries / ${changes} changes)`,
    baseline: '1 (a query per record)',
    value: changes > 0 ? queries / changes : NaN,
    // The goal for Salesforce calls under load, writes and reads alike.
    goal: { op: '<=', value: 1 / 150, text: '≤ 1/150' },
  };
}
