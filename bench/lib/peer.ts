// The peer's process (bench/servers/peer.ts) as the stages drive it.
import type { StageContext } from './context.js';
import { STRIPE_KEY, STRIPE_WEBHOOK_SECRET } from './emulators.js';
import { getJson, postJson } from './http.js';
import { startServer, type Child } from './processes.js';
import { PEER_DATABASE } from './stack.js';

export type PeerMode = 'default' | 'revalidate';

export class Peer {
  private constructor(
    readonly child: Child,
    readonly url: string,
  ) {}

  static async start(ctx: StageContext): Promise<Peer> {
    const { child, url } = await startServer(
      'peer-stripe-sync-engine',
      'bench/servers/peer.js',
      (port) => ({
        PORT: String(port),
        PEER_DATABASE_URL: ctx.stack.dbUrl('bench_peer', PEER_DATABASE),
        STRIPE_API_BASE: ctx.stack.stripe.url,
        STRIPE_SECRET_KEY: STRIPE_KEY,
        STRIPE_WEBHOOK_SECRET,
      }),
      '/',
    );
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
