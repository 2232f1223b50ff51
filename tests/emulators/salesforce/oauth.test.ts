import { Connection } from 'jsforce';
import { startSalesforceEmulator, type SalesforceEmulator } from '../../../emulators/salesforce/index.js';
import { API_VERSION, connect, rawRequest } from './support.js';

describe('Salesforce emulator: OAuth and sessions', () => {
  let emu: SalesforceEmulator;

  beforeAll(async () => {
    emu = await startSalesforceEmulator({ clientId: 'cid', clientSecret: 'secret', orgId: '00D5g000000AbCdEAK' });
  });
  afterAll(() => emu.close());

  it('issues a token for the client-credentials grant through jsforce authorize()', async () => {
    const conn = new Connection({
      oauth2: { loginUrl: emu.url, clientId: 'cid', clientSecret: 'secret' },
      version: API_VERSION,
    });
    const userInfo = await conn.authorize({ grant_type: 'client_credentials' });
    expect(userInfo.organizationId).toBe('00D5g000000AbCdEAK');
    expect(userInfo.id).toMatch(/^005/);
    expect(conn.instanceUrl).toBe(emu.url);
    expect(conn.accessToken).toMatch(/^00D5g000000AbCd!/);
    const identity = await conn.identity();
    expect(identity.organization_id).toBe('00D5g000000AbCdEAK');
  });

  it('answers the token request in Salesforce shape', async () => {
    const res = await fetch(`${emu.url}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'cid', client_secret: 'secret' }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, string>;
    expect(Object.keys(body).sort()).toEqual(
      ['access_token', 'id', 'instance_url', 'issued_at', 'scope', 'signature', 'token_type'].sort(),
    );
    expect(body.token_type).toBe('Bearer');
    expect(body.instance_url).toBe(emu.url);
    expect(body.issued_at).toMatch(/^\d{13}$/);
  });

  it('rejects bad client credentials with OAuth error names', async () => {
    const badSecret = new Connection({ oauth2: { loginUrl: emu.url, clientId: 'cid', clientSecret: 'nope' } });
    await expect(badSecret.authorize({ grant_type: 'client_credentials' })).rejects.toMatchObject({
      name: 'invalid_client',
    });
    const badId = new Connection({ oauth2: { loginUrl: emu.url, clientId: 'who', clientSecret: 'secret' } });
    await expect(badId.authorize({ grant_type: 'client_credentials' })).rejects.toMatchObject({
      name: 'invalid_client_id',
    });
    const res = await fetch(`${emu.url}/services/oauth2/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=authorization_code&code=x&client_id=cid&client_secret=secret',
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });

  it('supports jsforce login() (OAuth username-password flow)', async () => {
    const conn = new Connection({
      oauth2: { loginUrl: emu.url, clientId: 'cid', clientSecret: 'secret' },
      version: API_VERSION,
    });
    const userInfo = await conn.login('integration@example.com', 'password+token');
    expect(userInfo.organizationId).toBe('00D5g000000AbCdEAK');
    await expect(conn.query('SELECT COUNT() FROM Contact')).resolves.toMatchObject({ totalSize: 0 });
  });

  it('answers 401 INVALID_SESSION_ID without a valid Bearer token', async () => {
    const res = await fetch(`${emu.url}/services/data/v${API_VERSION}/sobjects/Contact/describe`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);

    const stale = new Connection({ instanceUrl: emu.url, accessToken: 'not-a-token', version: API_VERSION });
    await expect(stale.query('SELECT Id FROM Contact')).rejects.toMatchObject({ errorCode: 'INVALID_SESSION_ID' });
  });

  it('expired sessions are recovered by a refreshFn that repeats the client-credentials grant', async () => {
    const conn = await connect(emu);
    const before = conn.accessToken;
    emu.expireSessions();
    let refreshes = 0;
    conn.on('refresh', () => (refreshes += 1));
    await expect(conn.query('SELECT COUNT() FROM Contact')).resolves.toMatchObject({ totalSize: 0 });
    expect(refreshes).toBe(1);
    expect(conn.accessToken).not.toBe(before);
  });

  it('lists API versions and rejects unknown ones', async () => {
    const versions = (await (await fetch(`${emu.url}/services/data/`)).json()) as Array<{
      version: string;
      label: string;
    }>;
    expect(versions).toContainEqual({ label: "Winter '25", url: '/services/data/v62.0', version: '62.0' });
    const conn = await connect(emu);
    const res = await rawRequest(conn, '/services/data/v9.0/sobjects');
    expect(res.status).toBe(404);
    expect(res.body).toEqual([{ errorCode: 'NOT_FOUND', message: 'The requested resource does not exist' }]);
  });
});
