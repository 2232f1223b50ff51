import { splitBySize, type OutgoingMessage } from '../../src/platform/kafka.js';

const msg = (n: number, bytes: number): OutgoingMessage => ({
  topic: 't',
  key: `k${n}`,
  value: 'v'.repeat(bytes),
  headers: { 'event-id': `e${n}` },
});

describe('splitBySize', () => {
  it('keeps a batch within the limit as one request', () => {
    const messages = [1, 2, 3].map((n) => msg(n, 100));
    expect(splitBySize(messages, 10_000)).toEqual([messages]);
  });

  it('splits at the limit, counting keys and headers, and keeps the order', () => {
    // Each message is 2 (key) + 100 (value) + 8 + 2 (header) = 112 bytes: four fit in 450, the fifth starts a run.
    const messages = [1, 2, 3, 4, 5, 6].map((n) => msg(n, 100));
    const runs = splitBySize(messages, 450);
    expect(runs.map((r) => r.length)).toEqual([4, 2]);
    expect(runs.flat()).toEqual(messages);
  });

  it('sends a message larger than the limit alone, between the runs around it', () => {
    const messages = [msg(1, 10), msg(2, 1000), msg(3, 10)];
    expect(splitBySize(messages, 100).map((r) => r.map((m) => m.key))).toEqual([['k1'], ['k2'], ['k3']]);
  });

  it('gives nothing for nothing', () => {
    expect(splitBySize([], 100)).toEqual([]);
  });
});
