import { createLogger, redact } from '../../src/platform/logger.js';

describe('logger', () => {
  it('redacts secret-looking keys at any depth', () => {
    expect(
      redact({
        STRIPE_SECRET_KEY: 'sk_live_x',
        nested: { authorization: 'Bearer y', ok: 1 },
        list: [{ password: 'p' }],
      }),
    ).toEqual({
      STRIPE_SECRET_KEY: '[redacted]',
      nested: { authorization: '[redacted]', ok: 1 },
      list: [{ password: '[redacted]' }],
    });
  });

  it('writes one JSON line per entry at or above its level', () => {
    const lines: string[] = [];
    const log = createLogger('warn', { app: 'x' }, (l) => lines.push(l));
    log.info('hidden');
    log.warn('shown', { token: 't', n: 1 });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'warn', msg: 'shown', app: 'x', token: '[redacted]', n: 1 });
  });

  it('logs errors by name, message and code only', () => {
    const err = Object.assign(new Error('boom'), { code: 'E1', secretStuff: 'no' });
    expect(redact({ error: err })).toEqual({ error: { name: 'Error', message: 'boom', code: 'E1' } });
  });
});
