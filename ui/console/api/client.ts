import { Client, cacheExchange, fetchExchange, mapExchange, subscriptionExchange } from 'urql';
import { createClient as createWsClient, type Client as WsClient } from 'graphql-ws';
import { isUnauthenticated } from './errors';
import { session, type LiveState } from './session';

/** graphql-ws closes the socket with this code when connection_init carries no valid token. */
const WS_FORBIDDEN = 4403;

export interface ConsoleClient {
  client: Client;
  dispose(): void;
}

const isCloseEvent = (e: unknown): e is { code: number } =>
  typeof e === 'object' && e !== null && typeof (e as { code?: unknown }).code === 'number';

/**
 * The console's GraphQL client for one token: queries and mutations over HTTP POST, subscriptions over graphql-ws
 * on the same path. The token goes in the Authorization header and in graphql-ws's connection_init payload. An
 * UNAUTHENTICATED answer on either raises the token prompt; a new token makes a new client (App does that).
 */
export function createConsoleClient(token: string | null): ConsoleClient {
  const httpUrl = new URL('/graphql', window.location.href).toString();
  const authorization = token ? `Bearer ${token}` : null;
  const headers: Record<string, string> = authorization ? { authorization } : {};
  let dropped = false;
  // A replaced client's late answers (a 401 or 4403 still on its way) must not touch the session of the next one.
  let active = true;
  const unauthenticated = () => {
    if (active && session.get().token === token) session.requireToken();
  };
  const setLive = (live: LiveState, reconnected = false) => {
    if (active) session.setLive(live, reconnected);
  };

  const ws: WsClient = createWsClient({
    url: httpUrl.replace(/^http/, 'ws'),
    connectionParams: () => (authorization ? { authorization } : {}),
    // Connected from the start and kept open (not only while a page subscribes): the header's Live indicator then
    // means "events will reach this page", and a refused token is noticed at once.
    lazy: false,
    onNonLazyError: () => undefined, // reported through `closed` below
    retryAttempts: Number.POSITIVE_INFINITY,
    // Reconnect with a capped, jittered backoff (graphql-ws's own default keeps doubling).
    retryWait: (retries) =>
      new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 500 * 2 ** retries) * (0.5 + Math.random() / 2))),
    shouldRetry: (e) => !(isCloseEvent(e) && e.code === WS_FORBIDDEN),
    on: {
      connecting: () => setLive('connecting'),
      connected: (_socket, _payload, wasRetry) => {
        setLive('live', wasRetry || dropped);
        dropped = false;
      },
      closed: (e) => {
        dropped = true;
        if (isCloseEvent(e) && e.code === WS_FORBIDDEN) unauthenticated();
        setLive('offline');
      },
    },
  });

  const client = new Client({
    url: httpUrl,
    // No cached answer is shown without being refreshed: sync states move on their own.
    requestPolicy: 'cache-and-network',
    fetchOptions: { headers },
    // POST for queries too (urql defaults to GET for short ones): the API's documented transport, and Apollo's CSRF
    // prevention refuses a GET without a preflight header.
    preferGetMethod: false,
    exchanges: [
      mapExchange({
        onError(error) {
          if (isUnauthenticated(error)) unauthenticated();
        },
      }),
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });

  return {
    client,
    dispose: () => {
      active = false;
      void ws.dispose();
    },
  };
}
