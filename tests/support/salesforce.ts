import { startSalesforceEmulator, type SalesforceEmulator } from '../../emulators/salesforce/index.js';

export const SF_ORG_ID = '00D000000000001AAA';

export async function startSalesforce(): Promise<SalesforceEmulator> {
  return startSalesforceEmulator({ orgId: SF_ORG_ID, clientId: 'test-client', clientSecret: 'test-secret' });
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
