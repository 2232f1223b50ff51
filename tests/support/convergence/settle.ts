import { expectEventually } from '../eventually.js';
import { describeLocal } from './lineage.js';
import type { SeedRun, Snapshot } from './run-context.js';
import { GET_DELETED_PATH, newestStripeEvent, salesforceLogSince } from './world.js';

/**
 * Waits until the system is quiescent, then returns what the three sides hold:
 *
 * - every local record of the seed (deleted ones too) is SYNCED at its current version for both providers;
 * - Salesforce has no Outbound Message waiting (delivered and acknowledged) and Stripe's newest event has been
 *   delivered (deliveries go one at a time, in order, so all earlier ones have been too);
 * - if the person deleted a Contact, the app's getDeleted poll has run twice since the second of that delete
 *   ended (Salesforce reports deletes only to that poll);
 * - no provider call failed for `errorQuietMs` plus jsforce's backoff after Salesforce failures (a failed re-fetch
 *   is redelivered inside the app 2 s later and jsforce retries GETs for up to 15 s, invisible from outside; failed
 *   writes show in the sync state);
 * - and nothing at all changed on any side (records, versions, sync states, the above) for `stableMs`, so what
 *   was queued inside the app (Kafka) has been applied.
 *
 * Polls with expectEventually; on timeout the error says which condition still did not hold.
 */
export async function settle(run: SeedRun, label: string): Promise<Snapshot> {
  const { world, cfg } = run;
  let lastFingerprint = '';
  let stableSince = Date.now();
  let deleteMarker: { forDeleteAt: number; marker: string } | undefined;
  let last: { snap: Snapshot; waiting: string[] } | undefined;
  try {
    return await expectEventually(
      async () => {
        const snap = await run.snapshot();
        const waiting: string[] = [];
        for (const c of snap.locals) {
          const providers = c.syncStatus.map((s) => s.provider).sort();
          if (providers.join() !== 'SALESFORCE,STRIPE') waiting.push(`${c.id}: sync states for ${providers.join()}`);
          for (const s of c.syncStatus) {
            if (s.state !== 'SYNCED' || s.targetVersion !== c.version) {
              waiting.push(
                `${c.id} v${c.version}: ${s.provider} ${s.state} v${s.targetVersion}${s.lastError ? ` (${s.lastError})` : ''}`,
              );
            }
          }
        }
        const sfPending = world.sf.pendingNotificationCount();
        if (sfPending > 0) waiting.push(`${sfPending} Salesforce outbound message(s) not acknowledged`);
        const newest = await newestStripeEvent(world);
        if (newest && newest.pending > 0) waiting.push(`Stripe event ${newest.id} not delivered yet`);

        let deletesPolled = true;
        const deleteAt = run.lastSalesforceDeleteAt;
        if (deleteAt !== undefined && run.salesforceDeletesPolledFor !== deleteAt) {
          const secondEnded = Math.floor(deleteAt / 1000) * 1000 + 1000;
          if (deleteMarker?.forDeleteAt !== deleteAt) deleteMarker = undefined;
          if (!deleteMarker && Date.now() > secondEnded) {
            const marker = `/convergence-marker/getdeleted-${deleteAt}-${Math.random().toString(36).slice(2)}`;
            await fetch(`${world.sf.url}${marker}`).then((r) => r.arrayBuffer());
            deleteMarker = { forDeleteAt: deleteAt, marker };
          }
          const polls = deleteMarker
            ? salesforceLogSince(world, deleteMarker.marker).filter(
                (e) => e.method === 'GET' && e.status === 200 && GET_DELETED_PATH.test(e.path),
              ).length
            : 0;
          if (polls < 2) {
            deletesPolled = false;
            waiting.push(`getDeleted not yet polled twice after the last Salesforce delete (${polls})`);
          }
        }

        // A provider call that failed may have parked a retry inside the app (see FailureClock): wait it out.
        run.failures.update(world);
        const parked = run.failures.remainingMs(cfg.errorQuietMs);
        if (parked > 0) waiting.push(`a provider call failed recently: a hidden retry may come within ${parked} ms`);

        const fingerprint = JSON.stringify({
          locals: snap.locals.map((c) => [c.id, c.name, c.email, c.version, c.deletedAt, c.syncStatus]),
          stripe: snap.stripe,
          contacts: snap.contacts,
          sfPending,
          newest,
          deletesPolled,
        });
        if (fingerprint !== lastFingerprint) {
          lastFingerprint = fingerprint;
          stableSince = Date.now();
        }
        const quietFor = Date.now() - stableSince;
        if (waiting.length === 0 && quietFor < cfg.stableMs) waiting.push(`quiet for ${quietFor} ms only`);
        last = { snap, waiting };
        if (waiting.length > 0) throw new Error(waiting.join('\n'));
        if (deleteAt !== undefined) run.salesforceDeletesPolledFor = deleteAt;
        return snap;
      },
      { timeoutMs: cfg.settleTimeoutMs, intervalMs: 100 },
    );
  } catch (err) {
    const lines = [
      `the system did not quiesce within ${cfg.settleTimeoutMs} ms (${label}); still waiting for:`,
      ...(last?.waiting ?? [(err as Error).message]).slice(0, 30).map((l) => `  - ${l}`),
    ];
    if (last) {
      lines.push('local records at the last check:');
      for (const c of last.snap.locals) lines.push(`  ${describeLocal(c)}`);
    }
    throw new SettleTimeout(lines.join('\n'), last?.snap);
  }
}

export class SettleTimeout extends Error {
  constructor(
    message: string,
    readonly snapshot: Snapshot | undefined,
  ) {
    super(message);
  }
}
