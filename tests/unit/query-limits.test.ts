import { buildSchema, parse, specifiedRules, validate } from 'graphql';
import { queryLimitsRule, type QueryLimits } from '../../src/platform/graphql/limits.js';

// A recursive schema (the app's has no cycles, so its depth is bounded anyway; the rule must not rely on that).
const schema = buildSchema(`
  type Node { id: ID! name: String children(first: Int = 10): [Node!]! parent: Node }
  type Query { nodes(first: Int = 20): [Node!]! node: Node }
`);
const limits: QueryLimits = { maxDepth: 5, maxAliases: 3, maxCost: 1000, maxTokens: 500, maxPageSize: 100 };
const check = (query: string) =>
  validate(schema, parse(query), [...specifiedRules, queryLimitsRule(limits)]).map((e) => e.extensions);

describe('query limits', () => {
  it('accepts what fits', () => {
    expect(check('{ nodes(first: 50) { id name children(first: 5) { id } } }')).toEqual([]);
  });

  it('counts depth through fields, inline fragments and fragments', () => {
    expect(check('{ node { parent { parent { parent { parent { id } } } } } }')).toEqual([
      expect.objectContaining({ code: 'QUERY_TOO_COMPLEX', limit: 'depth', max: 5, actual: 6 }),
    ]);
    expect(
      check('{ node { ...F } } fragment F on Node { parent { ... on Node { parent { parent { parent { id } } } } } }'),
    ).toEqual([expect.objectContaining({ limit: 'depth', actual: 6 })]);
  });

  it('limits aliases', () => {
    expect(check('{ a: node { id } b: node { id } c: node { id } d: node { id } }')).toEqual([
      expect.objectContaining({ code: 'QUERY_TOO_COMPLEX', limit: 'aliases', max: 3, actual: 4 }),
    ]);
  });

  it('multiplies by page sizes: given, default, or the largest for a variable', () => {
    // 1 + 100 * (id 1 + children (1 + 10 * id 1)) = 1201
    expect(check('{ nodes(first: 100) { id children { id } } }')).toEqual([
      expect.objectContaining({ limit: 'cost', max: 1000, actual: 1201 }),
    ]);
    expect(check('query($n: Int) { nodes(first: $n) { id name children(first: 10) { id } } }')).toEqual([
      expect.objectContaining({ limit: 'cost', actual: 1 + 100 * (1 + 1 + 1 + 10) }),
    ]);
    expect(check('{ nodes { id name } }')).toEqual([]); // default 20: 41
  });

  it('expands fragments where they are spread, computing each once (no blow-up on nested spreads)', () => {
    const levels = 30;
    const fragments = Array.from({ length: levels }, (_, i) =>
      i === levels - 1
        ? `fragment F${i} on Node { id }`
        : `fragment F${i} on Node { ...F${i + 1} parent { ...F${i + 1} } }`,
    ).join('\n');
    // Expanded naively this is 2^30 fields; measured once per fragment it is 30 steps (the cost is still counted).
    const errors = check(`{ node { ...F0 } } ${fragments}`);
    expect(errors).toEqual([expect.objectContaining({ code: 'QUERY_TOO_COMPLEX' })]);
  });
});
