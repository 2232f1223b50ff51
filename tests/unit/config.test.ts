import { ConfigError, loadConfig } from '../../src/config.js';

const base = { DATABASE_URL: 'postgres://app@127.0.0.1:5432/db', KAFKA_BROKERS: '127.0.0.1:9092' };

describe('loadConfig', () => {
  it('applies defaults', () => {
    const c = loadConfig(base);
    expect(c).toMatchObject({
      PORT: 4000,
      HOST: '127.0.0.1',
      KAFKA_BROKERS: ['127.0.0.1:9092'],
      SYNC_PROVIDERS: ['STRIPE', 'SALESFORCE'],
    });
  });

  it('names every missing or invalid variable, without echoing values', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', KAFKA_BROKERS: 'no-port-here', SYNC_PROVIDERS: 'STRIPE,PAYPAL' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    expect(problems).toContain('DATABASE_URL is required');
    expect(problems).toContain('PORT');
    expect(problems).toContain('KAFKA_BROKERS: must be host:port[,host:port]');
    expect(problems).toContain('SYNC_PROVIDERS');
    expect(problems).not.toContain('no-port-here');
  });

  it('requires API tokens in production and Salesforce credentials in pairs', () => {
    expect(() => loadConfig({ ...base, NODE_ENV: 'production' })).toThrow(
      /API_TOKENS: is required when NODE_ENV=production/,
    );
    expect(loadConfig({ ...base, NODE_ENV: 'production', API_TOKENS: 'a, b' }).API_TOKENS).toEqual(['a', 'b']);
    expect(() => loadConfig({ ...base, SALESFORCE_CLIENT_ID: 'id' })).toThrow(
      /set both SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET/,
    );
    expect(() => loadConfig({ ...base, STRIPE_SECRET_KEY: 'pk_test_123' })).toThrow(
      /STRIPE_SECRET_KEY: must be a Stripe secret/,
    );
    expect(() => loadConfig({ ...base, SALESFORCE_ORG_ID: 'nope' })).toThrow(/SALESFORCE_ORG_ID/);
  });

  it('parses broker lists and provider subsets', () => {
    const c = loadConfig({ ...base, KAFKA_BROKERS: '10.0.0.1:9092, 10.0.0.2:9092', SYNC_PROVIDERS: 'STRIPE' });
    expect(c.KAFKA_BROKERS).toEqual(['10.0.0.1:9092', '10.0.0.2:9092']);
    expect(c.SYNC_PROVIDERS).toEqual(['STRIPE']);
  });

  it('treats an empty variable as unset (FOO= in an .env file, ${FOO:-} in docker-compose)', () => {
    const empty = {
      ...base,
      PORT: '',
      API_TOKENS: '',
      SYNC_PROVIDERS: '',
      STRIPE_SECRET_KEY: '',
      STRIPE_WEBHOOK_SECRET: '',
      SALESFORCE_LOGIN_URL: '',
      SALESFORCE_CLIENT_ID: '',
      SALESFORCE_CLIENT_SECRET: '',
      SALESFORCE_ORG_ID: '',
    };
    const c = loadConfig(empty);
    expect(c).toMatchObject({ PORT: 4000, API_TOKENS: [], SYNC_PROVIDERS: ['STRIPE', 'SALESFORCE'] });
    expect(c.providerConfigs.STRIPE?.STRIPE_SECRET_KEY).toBeUndefined();
    expect(c.providerConfigs.SALESFORCE?.SALESFORCE_CLIENT_ID).toBeUndefined();
    expect(c.providerConfigs.SALESFORCE?.SALESFORCE_LOGIN_URL).toBe('https://login.salesforce.com');
    expect(() => loadConfig({ ...empty, DATABASE_URL: '' })).toThrow(/DATABASE_URL is required/);
    expect(() => loadConfig({ ...empty, NODE_ENV: 'production' })).toThrow(/API_TOKENS: is required/);
  });
});
