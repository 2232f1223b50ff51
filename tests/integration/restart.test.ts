import { spawn } from 'node:child_process';
import net from 'node:net';
import { providerPlugins } from '../../src/providers/index.js';
import { expectEventually } from '../support/eventually.js';
import { startTestApp } from '../support/harness.js';
import { LedgerStore, ledgerPlugin } from '../support/ledger-provider.js';

const STALE_SESSION_MS = 10_000;

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A member of `groupId` that has joined and is then killed (SIGKILL): it never leaves the group. */
async function killedMember(groupId: string, topic: string): Promise<void> {
  const child = spawn(
    process.execPath,
    ['tests/support/stale-member.mjs', process.env.KAFKA_BROKERS!, groupId, topic, String(STALE_SESSION_MS)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('joined') && resolve());
    child.on('exit', (code) => reject(new Error(`stale member exited (${code}) before joining`)));
  });
  child.kill('SIGKILL');
}

describe('restarting after a crash', () => {
  const parts = () => ({ providers: [...providerPlugins, ledgerPlugin(new LedgerStore())] });

  it('answers /healthz while its consumer groups wait out the killed process, and /readyz names them until joined', async () => {
    // The topics exist (a first run made them), then a process of ours dies without leaving its group.
    await (await startTestApp({ SYNC_PROVIDERS: 'LEDGER' }, 'all', parts())).stop();
    await killedMember('catalog-sync-inbound-ledger', 'inbound.ledger');

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const restarting = startTestApp({ SYNC_PROVIDERS: 'LEDGER', PORT: String(port) }, 'all', parts());
    try {
      await expectEventually(async () => expect((await fetch(`${base}/healthz`)).status).toBe(200));
      // Up, but not ready: the inbound group is still waiting for the dead member's session to expire.
      const notReady = await fetch(`${base}/readyz`);
      expect(notReady.status).toBe(503);
      expect(((await notReady.json()) as { checks: { consumers: string } }).checks.consumers).toMatch(
        /joining: .*inbound-LEDGER/,
      );
      // GraphQL is served meanwhile (mutations go to the outbox; the workers catch up once joined).
      const res = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ customers(first: 1) { edges { node { id } } } }' }),
      });
      expect(res.status).toBe(200);
    } finally {
      const app = await restarting;
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: 'ready', checks: { consumers: 'ok' } });
      await app.stop();
    }
  });
});
