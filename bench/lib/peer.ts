// The peer's process (bench/servers/peer.ts) as the stages drive it.
import { freePort } from '../../scripts/lib/services.mjs';
import type { StageContext } from './context.js';
import { STRIPE_KEY, STRIPE_WEBHOOK_SECRET } from './emulators.js';
import { getJson, postJson } from './http.js';
import { spawnNode, waitHttp, type Child } from './processes.js';
import { PEER_DATABASE } from './stack.js';

export type PeerMode = 'default' | 'revalidate';

export class Peer {
  private constructor(
    readonly child: Child,
    readonly url: string,
  ) {}

  static async start(ctx: StageContext): Promise<Peer> {
    const port = await freePort();
    const child = spawnNode('peer-stripe-sync-engine', 'bench/servers/peer.js', [], {
      PORT: String(port),
      PEER_DATABASE_URL: ctx.stack.dbUrl('bench_peer', PEER_DATABASE),
      STRIPE_API_BASE: ctx.stack.stripe.url,
      STRIPE_SECRET_KEY: STRIPE_KEY,
      STRIPE_WEBHOOK_SECRET,
    });
    const url = `http://127.0.0.1:${port}`;
    await waitHttp(child, `${url}/`, 60_000);
    return new Peer(child, url);
  }

  webhookUrl(mode: PeerMode): string {
    return `${this.url}/webhook/${mode}`;
  }

  reset(): Promise<unknown> {
    return postJson(`${this.url}/reset`, {});
  }

  backfill(): Promise<{ synced: number; ms: number }> {
    return postJson(`${this.url}/backfill`, {});
  }

  async count(email: string, name = '%'): Promise<number> {
    const query = new URLSearchParams({ email, name });
    return (await getJson<{ n: number }>(`${this.url}/count?${query}`)).n;
  }

  stop(): Promise<void> {
    return this.child.stop();
  }
}
