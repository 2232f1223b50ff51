/**
 * Local start command for the Salesforce emulator:
 *   SALESFORCE_EMULATOR_PORT (default 4545), SALESFORCE_EMULATOR_OUTBOUND_URL, SALESFORCE_CLIENT_ID,
 *   SALESFORCE_CLIENT_SECRET, SALESFORCE_ORG_ID, SALESFORCE_INVOICE_OBJECT (default Catalog_Invoice__c)
 * Prints one line with the URL to stdout once listening; stops cleanly on SIGINT/SIGTERM.
 */
import { startSalesforceEmulator } from './index.js';

function envPort(): number {
  const raw = process.env.SALESFORCE_EMULATOR_PORT;
  if (raw === undefined || raw === '') return 4545;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`SALESFORCE_EMULATOR_PORT must be a port number, got '${raw}'`);
  }
  return port;
}

const emulator = await startSalesforceEmulator({
  port: envPort(),
  outboundMessageUrl: process.env.SALESFORCE_EMULATOR_OUTBOUND_URL || undefined,
  clientId: process.env.SALESFORCE_CLIENT_ID || undefined,
  clientSecret: process.env.SALESFORCE_CLIENT_SECRET || undefined,
  orgId: process.env.SALESFORCE_ORG_ID || undefined,
  invoiceObject: process.env.SALESFORCE_INVOICE_OBJECT || undefined,
});

process.stdout.write(`Salesforce emulator listening on ${emulator.url} (org ${emulator.orgId})\n`);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  emulator.close().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`${String(err)}\n`);
      process.exit(1);
    },
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
