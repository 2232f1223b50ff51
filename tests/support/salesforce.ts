import {
  startSalesforceEmulator,
  type SalesforceEmulator,
  type SalesforceEmulatorOptions,
} from '../../emulators/salesforce/index.js';

export const SF_ORG_ID = '00D000000000001AAA';

/**
 * Salesforce's time rules at test speed: the org's clock runs 60 times faster than the wall clock (a
 * getUpdated/getDeleted minute passes every real second, and the app reads that clock through
 * getServerTimestamp), and Outbound Messages are retried after about 0.1 s, then at most 2 s apart (6 s
 * doubling up to 2 min of org time), instead of 15 s doubling up to 2 h. They are still dropped after 24 h of
 * org time (24 real minutes), longer than any test.
 */
export const FAST_SALESFORCE: SalesforceEmulatorOptions = {
  clock: { rate: 60 },
  outboundRetry: { baseDelayMs: 6_000, maxDelayMs: 120_000 },
};

export async function startSalesforce(opts: SalesforceEmulatorOptions = {}): Promise<SalesforceEmulator> {
  return startSalesforceEmulator({
    orgId: SF_ORG_ID,
    clientId: 'test-client',
    clientSecret: 'test-secret',
    ...FAST_SALESFORCE,
    ...opts,
  });
}

/** App env pointing the Salesforce connector at the emulator (fast poll for tests). */
export function salesforceEnv(emu: SalesforceEmulator): Record<string, string> {
  return {
    SALESFORCE_LOGIN_URL: emu.url,
    SALESFORCE_CLIENT_ID: 'test-client',
    SALESFORCE_CLIENT_SECRET: 'test-secret',
    SALESFORCE_ORG_ID: SF_ORG_ID,
    SALESFORCE_POLL_INTERVAL_MS: '300',
    SALESFORCE_RATE_LIMIT_RPS: '500',
  };
}
