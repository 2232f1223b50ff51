import { createLogger, redact, type LogLevel } from '../../src/platform/logger.js';

/** A logger whose lines are collected and parsed. */
function capture(level: LogLevel = 'debug', base: Record<string, unknown> = {}) {
  const lines: string[] = [];
  const log = createLogger(level, base, (l) => lines.push(l));
  const entries = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { log, lines, entries };
}

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
    expect(lines[0]).not.toContain('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'warn', msg: 'shown', app: 'x', token: '[redacted]', n: 1 });
  });

  it('keeps the line shape: ISO time, level label, msg, base and call fields at the top level, no pid/hostname', () => {
    const { log, entries } = capture('info', { role: 'worker' });
    log.info('hello', { n: 1 });
    const [entry] = entries();
    expect(entry).toEqual({ time: expect.any(String), level: 'info', msg: 'hello', role: 'worker', n: 1 });
    expect(new Date(entry!.time as string).toISOString()).toBe(entry!.time);
  });

  it('serializes errors with name, message, code and stack, and redacts keys under them', () => {
    const err = Object.assign(new Error('boom'), { code: 'E1', secretStuff: 'no' });
    expect(redact({ error: err })).toEqual({
      error: { name: 'Error', message: 'boom', code: 'E1', stack: err.stack, secretStuff: '[redacted]' },
    });
  });

  it('logs an error with its stack and its cause chain', () => {
    const root = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    const middle = new TypeError('fetch failed', { cause: root });
    const top = Object.assign(new Error('Stripe call failed', { cause: middle }), { code: 'PROVIDER_UNAVAILABLE' });
    const { log, entries } = capture();
    log.error('import failed', { jobId: 'j1', error: top });
    const [entry] = entries();
    expect(entry).toMatchObject({
      level: 'error',
      msg: 'import failed',
      jobId: 'j1',
      error: {
        name: 'Error',
        message: 'Stripe call failed',
        code: 'PROVIDER_UNAVAILABLE',
        stack: top.stack,
        cause: {
          name: 'TypeError',
          message: 'fetch failed',
          stack: middle.stack,
          cause: { name: 'Error', message: 'socket hang up', code: 'ECONNRESET', stack: root.stack },
        },
      },
    });
    expect((entry!.error as { stack: string }).stack).toContain('logger.test.ts');
  });

  it('logs an error under `err` the same way (not re-serialized by pino)', () => {
    const { log, entries } = capture();
    log.warn('stop failed', { err: new RangeError('bad', { cause: 'plain cause' }) });
    expect(entries()[0]!.err).toEqual({
      name: 'RangeError',
      message: 'bad',
      stack: expect.stringContaining('RangeError: bad'),
      cause: 'plain cause',
    });
  });

  it('bounds a circular cause chain instead of recursing forever', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    a.cause = b;
    const { log, entries } = capture();
    log.error('loop', { error: a });
    let node = entries()[0]!.error as { cause?: unknown };
    let levels = 0;
    while (typeof node.cause === 'object') {
      node = node.cause as { cause?: unknown };
      levels++;
    }
    expect(levels).toBeGreaterThan(2);
    expect(node.cause).toBe('[truncated]');
  });

  it('redacts nested secret keys in logged fields and base fields', () => {
    const { log, entries } = capture('info', { config: { DATABASE_PASSWORD: 'pw', port: 5432 } });
    log.info('request', {
      headers: { Authorization: 'Bearer abc', 'Stripe-Signature': 't=1,v1=x', accept: 'json' },
      deep: { a: { b: [{ api_key: 'k', Cookie: 'c', keep: true }] } },
    });
    const line = entries()[0]!;
    expect(line).toMatchObject({
      config: { DATABASE_PASSWORD: '[redacted]', port: 5432 },
      headers: { Authorization: '[redacted]', 'Stripe-Signature': '[redacted]', accept: 'json' },
      deep: { a: { b: [{ api_key: '[redacted]', Cookie: '[redacted]', keep: true }] } },
    });
    expect(JSON.stringify(line)).not.toMatch(/Bearer abc|t=1,v1=x|"pw"|"k"|"c"/);
  });

  it('child loggers carry parent fields plus their own, and keep the level', () => {
    const { log, entries } = capture('info', { role: 'worker' });
    const child = log.child({ component: 'import', apiToken: 't' });
    const grandchild = child.child({ jobId: 'j1' });
    grandchild.debug('hidden');
    grandchild.info('started', { n: 2 });
    child.info('child only');
    log.info('parent only');
    const [fromGrandchild, fromChild, fromParent] = entries();
    expect(entries()).toHaveLength(3);
    expect(fromGrandchild).toMatchObject({
      msg: 'started',
      role: 'worker',
      component: 'import',
      apiToken: '[redacted]',
      jobId: 'j1',
      n: 2,
    });
    expect(fromChild).toMatchObject({ msg: 'child only', role: 'worker', component: 'import' });
    expect(fromChild).not.toHaveProperty('jobId');
    expect(fromParent).toEqual(expect.not.objectContaining({ component: expect.anything() }));
  });

  it('filters by level', () => {
    const logAll = (level: LogLevel) => {
      const { log, entries } = capture(level);
      log.debug('d');
      log.info('i');
      log.warn('w');
      log.error('e');
      return entries().map((e) => e.level);
    };
    expect(logAll('debug')).toEqual(['debug', 'info', 'warn', 'error']);
    expect(logAll('info')).toEqual(['info', 'warn', 'error']);
    expect(logAll('warn')).toEqual(['warn', 'error']);
    expect(logAll('error')).toEqual(['error']);
    expect(logAll('silent')).toEqual([]);
  });
});
