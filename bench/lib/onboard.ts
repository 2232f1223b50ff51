// A deployment is onboarded before it takes traffic: an import of each catalog from each provider has completed
// (README, Backfill: "Connecting an existing account"). The bench's providers start empty, so these take a list call each.
// After it, a customer made here is no longer looked up by email at the provider before its create
// (src/engine/outbound-worker.ts `imported`): one Stripe call per create instead of two.
import type { StageContext } from './context.js';
import { until } from './deadline.js';
import { gql } from './http.js';

export async function onboard(ctx: Pick<StageContext, 'stack' | 'deadline' | 'say'>): Promise<void> {
  await ctx.stack.only(['api']); // imports run in the api process
  for (const provider of ['STRIPE', 'SALESFORCE']) {
    const { importFromProvider: job } = await gql<{ importFromProvider: { id: string } }>(
      ctx.stack.apiUrl,
      `mutation { importFromProvider(entityType: CUSTOMER, provider: ${provider}) { id } }`,
    );
    let status = 'RUNNING';
    await until(ctx.deadline, `the ${provider} import`, async () => {
      const r = await gql<{ importJob: { status: string } }>(
        ctx.stack.apiUrl,
        'query($id: ID!) { importJob(id: $id) { status } }',
        { id: job.id },
      );
      status = r.importJob.status;
      return status !== 'RUNNING';
    });
    if (status !== 'COMPLETED') throw new Error(`onboarding: the ${provider} import ended ${status}`);
  }
  ctx.say('onboarded: customers imported from Stripe and Salesforce (both empty)');
}
