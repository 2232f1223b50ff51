import { expectEventually, present } from '../support/eventually.js';

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

  it('keeps polling while the check returns false', async () => {
    let calls = 0;
    await expectEventually(() => ++calls >= 3);
    expect(calls).toBe(3);
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
    await expect(expectEventually(() => false, { timeoutMs: 100 })).rejects.toThrow('condition still false');
  });

  it('present() waits for a value', async () => {
    const list: number[] = [];
    setTimeout(() => list.push(42), 30);
    expect(
      await expectEventually(() =>
        present(
          list.find((n) => n === 42),
          'the number',
        ),
      ),
    ).toBe(42);
    expect(() => present(undefined, 'x')).toThrow('x is not there (yet)');
  });
});
