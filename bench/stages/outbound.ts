// The worker (its own process) syncing the mutations' backlog to both providers, with Stripe's and Salesforce's
// webhooks / Outbound Messages of our own writes coming back to the api, as they would: provider calls per synced
// change, and Stripe's request rate (from the arrival times in the emulator's request log) against the configured
// limit.
import { scalar, SYNCED_CUSTOMERS, type Stage } from '../lib/context.js';
import { until } from '../lib/deadline.js';
import { callBreakdown, SF_LOG_CAP } from '../lib/emulators.js';
import { arrivalRates } from '../lib/stats.js';
import { num } from '../lib/table.js';

export const outboundStage: Stage = async (ctx) => {
  const { stack, knobs } = ctx;
  await stack.only(['api', 'relay']);
  await stack.stripe.setWebhookUrl(`${stack.apiUrl}/webhooks/stripe`);
  await stack.salesforce.setOutboundUrl(`${stack.apiUrl}/webhooks/salesforce`);
  const customers = await scalar(ctx, 'select count(*) as n from customer where deleted_at is null');
  const stripeBefore = (await stack.stripe.requests()).length;
  const sfBefore = (await stack.salesforce.requests()).length;

  ctx.say(`outbound: syncing ${customers} customers to Stripe and Salesforce`);
  const started = performance.now();
  await stack.start('worker');
  const synced = async (provider: string) => (await scalar(ctx, SYNCED_CUSTOMERS, [provider])) >= customers;
  await until(ctx.deadline, 'every customer SYNCED at Stripe', () => synced('STRIPE'), { everyMs: 200 });
  const stripeSeconds = (performance.now() - started) / 1000;
  await until(ctx.deadline, 'every customer SYNCED at Salesforce', () => synced('SALESFORCE'), { everyMs: 200 });
  ctx.say(
    `outbound: all SYNCED at Stripe after ${num(stripeSeconds)} s, at Salesforce after ` +
      `${num((performance.now() - started) / 1000)} s (worker start included)`,
  );
  const stripeCalls = (await stack.stripe.requests()).slice(stripeBefore);
  const sfLog = await stack.salesforce.requests();
  // REST API calls (the writes and what they look up); the OAuth token and the minute poll (SOAP
  // getUpdated/getDeleted) come at their own pace whatever the load, and are listed apart.
  const sfAll = sfLog.slice(Math.min(sfBefore, sfLog.length));
  const sfCalls = sfAll.filter((r) => r.path.startsWith('/services/data/'));
  const sfOther = sfAll.filter((r) => !r.path.startsWith('/services/data/'));
  const sfCapped = sfLog.length >= SF_LOG_CAP;
  const { sustained, peak, peakAfterMs } = arrivalRates(stripeCalls.map((r) => r.receivedAt ?? 0));
  const limit = knobs.stripeRps;

  ctx.notes.push(
    `- outbound: ${customers} customers; Stripe calls: ${callBreakdown(stripeCalls)}; Salesforce calls: ` +
      `${callBreakdown(sfCalls)}${sfCapped ? ' (request log full: a lower bound)' : ''}, besides ` +
      `${callBreakdown(sfOther) || 'nothing'} (token, poll). Stripe request rate ` +
      `from arrival times: sustained (median 1 s window, first and last second left out) ${num(sustained)}/s, ` +
      `peak 1 s window ${num(peak)}/s (starting ${num(peakAfterMs / 1000)} s after the first call), limit ${limit}/s ` +
      '(STRIPE_RATE_LIMIT_RPS).',
  );
  return [
    {
      stage: 'Stripe calls per synced change (customer creates)',
      ours: `${num(stripeCalls.length / customers)} (${stripeCalls.length} calls / ${customers})`,
      baseline: '1 (one create each)',
      value: stripeCalls.length / customers,
      goal: { op: '<=', value: 1, text: '1.0' },
    },
    {
      stage: 'Salesforce REST calls per synced change (backlog)',
      ours: `${num(sfCalls.length / customers)} (${sfCalls.length} calls / ${customers})`,
      baseline: '1/200 (one sObject Collections call per 200)',
      value: sfCalls.length / customers,
      goal: { op: '<=', value: 1 / 150, text: '≤ 1/150' },
    },
    {
      stage: 'Stripe request rate under backlog vs rate limit',
      ours: `${num(sustained)}/s sustained, peak ${num(peak)}/s`,
      baseline: `${limit}/s limit`,
      value: peak <= limit * 1.0 ? sustained / limit : NaN,
      valueText: peak <= limit ? undefined : `${num(sustained / limit)} (peak above limit)`,
      goal: { op: '>=', value: 0.95, text: '≥ 0.95, never above' },
    },
  ];
};
