import { Connection } from 'jsforce';

export interface SalesforceClientConfig {
  loginUrl: string;
  clientId: string;
  clientSecret: string;
  apiVersion: string;
  /** Sent as `Sforce-Call-Options: client=<name>` on every call, so our writes are attributable in audit trails. */
  clientName: string;
}

/**
 * A jsforce Connection authorized with the OAuth 2.0 client credentials flow
 * (https://help.salesforce.com/s/articleView?id=sf.remoteaccess_oauth_client_credentials_flow.htm): the
 * username-password flow is being retired. The flow issues no refresh token, so `refreshFn` repeats the grant
 * when a session expires (jsforce calls it on INVALID_SESSION_ID and replays the request).
 */
export function createSalesforceConnection(config: SalesforceClientConfig): {
  conn: Connection;
  ready: () => Promise<void>;
} {
  const conn = new Connection({
    oauth2: { loginUrl: config.loginUrl, clientId: config.clientId, clientSecret: config.clientSecret },
    version: config.apiVersion,
    callOptions: { client: config.clientName },
    refreshFn: (c, callback) => {
      c.oauth2.requestToken({ grant_type: 'client_credentials' }).then(
        (res) => callback(null, res.access_token, res),
        (err: Error) => callback(err),
      );
    },
  });
  let authorized: Promise<void> | undefined;
  const ready = () => {
    authorized ??= conn.authorize({ grant_type: 'client_credentials' }).then(
      () => undefined,
      (err: unknown) => {
        authorized = undefined; // try again on the next call
        throw err;
      },
    );
    return authorized;
  };
  return { conn, ready };
}
