import { kafkaClusterId } from '../../scripts/lib/services.mjs';

describe('the throwaway broker cluster id', () => {
  it('never starts with "-" (the storage tool would read it as an option), retrying such draws', () => {
    // First draw encodes to "-" + ..., the second does not: the id must be the second.
    const draws = [Buffer.from([0xf8, ...Array(15).fill(1)]), Buffer.from(Array(16).fill(7))];
    expect(draws[0]!.toString('base64url').startsWith('-')).toBe(true);
    let i = 0;
    expect(kafkaClusterId(() => draws[i++]!)).toBe(draws[1]!.toString('base64url'));
    for (let n = 0; n < 2000; n++) expect(kafkaClusterId()).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  });
});
