/**
 * Local start command for the Salesforce emulator (and its docker-compose service):
 *   SALESFORCE_EMULATOR_PORT (default 4545), SALESFORCE_EMULATOR_OUTBOUND_URL, SALESFORCE_CLIENT_ID,
 *   SALESFORCE_CLIENT_SECRET, SALESFORCE_ORG_ID, SALESFORCE_INVOICE_OBJECT (default Catalog_Invoice__c),
 *   SALESFORCE_EMULATOR_LATENCY_MS: response time of every request in ms, like a real provider's (default 0),
 *   SALESFORCE_EMULATOR_HOST: address to listen on (default 127.0.0.1; 0.0.0.0 in a container: then a forwarder on
 *   that address passes requests to the emulator and makes the URLs it hands out, such as the token response's
 *   instance_url, point at the address the client used; see ../shared/forwarder.ts)
 * Prints one line with the URL to stdout once listening; stops cleanly on SIGINT/SIGTERM.
 */
import { startForwarder } from '../shared/forwarder.js';
import { startSalesforceEmulator } from './index.js';

const LOOPBACK = '127.0.0.1';

function envPort(): number {
  const raw = process.env.SALESFORCE_EMULATOR_PORT;
  if (raw === undefined || raw === '') return 4545;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`SALESFORCE_EMULATOR_PORT must be a port number, got '${raw}'`);
  }
  return port;
}

function envLatency(): number {
  const raw = process.env.SALESFORCE_EMULATOR_LATENCY_MS;
  if (raw === undefined || raw === '') return 0;
  const ms = Number(raw);
  if (!Number.isFinite(ms) || ms < 0) {
    throw new Error(`SALESFORCE_EMULATOR_LATENCY_MS must be a non-negative number, got '${raw}'`);
  }
  return ms;
}

const host = process.env.SALESFORCE_EMULATOR_HOST || LOOPBACK;
const port = envPort();
const emulator = await startSalesforceEmulator({
  // Behind a forwarder the emulator itself takes any free port on 127.0.0.1.
  port: host === LOOPBACK ? port : 0,
  outboundMessageUrl: process.env.SALESFORCE_EMULATOR_OUTBOUND_URL || undefined,
  clientId: process.env.SALESFORCE_CLIENT_ID || undefined,
  clientSecret: process.env.SALESFORCE_CLIENT_SECRET || undefined,
  orgId: process.env.SALESFORCE_ORG_ID || undefined,
  invoiceObject: process.env.SALESFORCE_INVOICE_OBJECT || undefined,
  latencyMs: envLatency(),
});

const forwarder = host === LOOPBACK ? undefined : await startForwarder({ host, port, target: emulator.url });

process.stdout.write(`Salesforce emulator listening on ${forwarder?.url ?? emulator.url} (org ${emulator.orgId})\n`);

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  Promise.all([forwarder?.close(), emulator.close()]).then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(`${String(err)}\n`);
      process.exit(1);
    },
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
