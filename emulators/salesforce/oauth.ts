/**
 * OAuth 2.0 token endpoint (client credentials, plus the username-password flow jsforce's login() uses),
 * identity URL and session checks. Token responses carry Salesforce's fields; `id` ends in /{orgId}/{userId},
 * which jsforce parses into conn.userInfo.
 */
import { createHmac, randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Reply } from './http.js';
import { INTEGRATION_USER_ID } from './store.js';

export interface OAuthSettings {
  clientId: string;
  clientSecret: string;
  orgId: string;
  baseUrl: () => string;
}

function oauthError(error: string, description: string, status = 400): Reply {
  return { status, body: { error, error_description: description } };
}

export class Sessions {
  private readonly tokens = new Set<string>();
  private readonly settings: OAuthSettings;

  constructor(settings: OAuthSettings) {
    this.settings = settings;
  }

  /** Invalidates every issued token, as an admin revoking sessions or a timeout would. */
  expireAll(): void {
    this.tokens.clear();
  }

  isValid(token: string | undefined): boolean {
    return token !== undefined && this.tokens.has(token);
  }

  /** `Authorization: Bearer <token>` (Salesforce also accepts the older `OAuth <token>`). */
  tokenFrom(headers: IncomingHttpHeaders, query?: URLSearchParams): string | undefined {
    const auth = headers.authorization;
    const m = auth ? /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(auth) : null;
    return m?.[1] ?? query?.get('oauth_token') ?? undefined;
  }

  identityUrl(): string {
    return `${this.settings.baseUrl()}/id/${this.settings.orgId}/${INTEGRATION_USER_ID}`;
  }

  /** POST /services/oauth2/token */
  token(rawBody: Buffer, headers: IncomingHttpHeaders, query: URLSearchParams): Reply {
    const params = new URLSearchParams(rawBody.toString('utf8'));
    for (const [k, v] of query) if (!params.has(k)) params.set(k, v);
    let clientId = params.get('client_id') ?? undefined;
    let clientSecret = params.get('client_secret') ?? undefined;
    // RFC 6749 lets confidential clients authenticate with HTTP Basic instead of body parameters.
    const basic = headers.authorization ? /^Basic\s+(\S+)$/i.exec(headers.authorization) : null;
    if (basic?.[1]) {
      const [id, ...secret] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
      clientId ??= decodeURIComponent(id ?? '');
      clientSecret ??= decodeURIComponent(secret.join(':'));
    }
    const grantType = params.get('grant_type');
    if (grantType !== 'client_credentials' && grantType !== 'password') {
      return oauthError('unsupported_grant_type', 'grant type not supported');
    }
    if (clientId !== this.settings.clientId) return oauthError('invalid_client_id', 'client identifier invalid');
    if (clientSecret !== this.settings.clientSecret) return oauthError('invalid_client', 'invalid client credentials');
    if (grantType === 'password' && (!params.get('username') || !params.get('password'))) {
      return oauthError('invalid_grant', 'authentication failure');
    }
    const accessToken = `${this.settings.orgId.slice(0, 15)}!${randomBytes(48).toString('base64url')}`;
    this.tokens.add(accessToken);
    const id = this.identityUrl();
    const issuedAt = String(Date.now());
    const signature = createHmac('sha256', this.settings.clientSecret)
      .update(id + issuedAt)
      .digest('base64');
    return {
      status: 200,
      body: {
        access_token: accessToken,
        signature,
        scope: 'api',
        instance_url: this.settings.baseUrl(),
        id,
        token_type: 'Bearer',
        issued_at: issuedAt,
      },
    };
  }

  /** POST /services/oauth2/revoke */
  revoke(rawBody: Buffer, query: URLSearchParams): Reply {
    const token = new URLSearchParams(rawBody.toString('utf8')).get('token') ?? query.get('token');
    if (!token || !this.tokens.delete(token))
      return oauthError('unsupported_token_type', 'this token type is not supported');
    return { status: 200 };
  }

  /** GET /id/{orgId}/{userId} and /services/oauth2/userinfo (jsforce's conn.identity()). */
  identity(headers: IncomingHttpHeaders, query: URLSearchParams): Reply {
    if (!this.isValid(this.tokenFrom(headers, query))) {
      return { status: 403, body: 'Bad_OAuth_Token', headers: { 'Content-Type': 'text/plain' } };
    }
    const base = this.settings.baseUrl();
    return {
      status: 200,
      body: {
        id: this.identityUrl(),
        user_id: INTEGRATION_USER_ID,
        organization_id: this.settings.orgId,
        username: 'integration@catalog-sync.emulator',
        display_name: 'Catalog Sync Integration',
        email: 'integration@catalog-sync.emulator',
        active: true,
        user_type: 'STANDARD',
        urls: {
          rest: `${base}/services/data/v{version}/`,
          sobjects: `${base}/services/data/v{version}/sobjects/`,
          query: `${base}/services/data/v{version}/query/`,
        },
      },
    };
  }
}
