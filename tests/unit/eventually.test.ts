import { expectEventually } from '../support/eventually.js';

describe('expectEventually', () => {
  it('returns the first passing result', async () => {
    let calls = 0;
    const result = await expectEventually(() => {
      calls += 1;
      if (calls < 3) throw new Error('not yet');
      return calls;
    });
    expect(result).toBe(3);
  });

  it('rethrows the last failure after the timeout', async () => {
    await expect(
      expectEventually(
        () => {
          throw new Error('never');
        },
        { timeoutMs: 100 },
      ),
    ).rejects.toThrow('never');
  });
});
