import {
  GraphQLError,
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  type ASTVisitor,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLNamedType,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';

/**
 * Limits on what one GraphQL operation may ask for, checked after parsing and before any resolver runs, so no
 * request (authenticated or not) costs more than a small, bounded amount of CPU and memory. The parser itself is
 * bounded by `maxTokens` (graphql-js stops parsing there) and the HTTP body limit.
 *
 * Cost model: every field costs 1; a field with a `first` argument (a page) multiplies the cost of what it selects
 * by that page size (the argument's default when omitted, the largest page when it is a variable). Fragments are
 * expanded where they are spread, with each fragment's cost computed once.
 */
export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxCost: number;
  maxTokens: number;
  /** Page size assumed for `first: $variable` (the largest the API allows). */
  maxPageSize: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxDepth: 12,
  maxAliases: 30,
  maxCost: 5000,
  maxTokens: 3000,
  maxPageSize: 100,
};

export const QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX';

/** graphql-js's message when parsing stops at `maxTokens` (16.x spells it "more that"). */
const TOKEN_LIMIT = /Document contains more th(?:an|at) \d+ tokens/;

/** The parser's token-limit syntax error as our limit error; undefined for any other error. */
export function tokenLimitError(message: string, limits: QueryLimits): GraphQLError | undefined {
  if (!TOKEN_LIMIT.test(message)) return undefined;
  return new GraphQLError(`Query has more than ${limits.maxTokens} tokens`, {
    extensions: { code: QUERY_TOO_COMPLEX, limit: 'tokens', max: limits.maxTokens },
  });
}

function tooComplex(limit: string, max: number, actual: number, what: string): GraphQLError {
  return new GraphQLError(`Query ${what} is ${actual}, over the limit of ${max}`, {
    extensions: { code: QUERY_TOO_COMPLEX, limit, max, actual },
  });
}

interface Measure {
  cost: number;
  depth: number;
}

/** A validation rule enforcing depth, alias and cost limits on the whole document. */
export function queryLimitsRule(limits: QueryLimits = DEFAULT_QUERY_LIMITS): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    let aliases = 0;
    return {
      Field(node) {
        if (node.alias) aliases += 1;
      },
      Document: {
        leave(doc) {
          if (aliases > limits.maxAliases) {
            context.reportError(tooComplex('aliases', limits.maxAliases, aliases, 'alias count'));
            return;
          }
          const fragments = new Map<string, FragmentDefinitionNode>();
          for (const d of doc.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
          const measured = new Map<string, Measure>();
          const inProgress = new Set<string>();
          const schema = context.getSchema();

          const fragment = (name: string): Measure => {
            const known = measured.get(name);
            if (known) return known;
            const def = fragments.get(name);
            // Unknown or cyclic fragments are reported by graphql-js's own rules; count them as nothing here.
            if (!def || inProgress.has(name)) return { cost: 0, depth: 0 };
            inProgress.add(name);
            const type = schema.getType(def.typeCondition.name.value);
            const m = selection(def.selectionSet, type);
            inProgress.delete(name);
            measured.set(name, m);
            return m;
          };

          const pageSize = (node: FieldNode, field: GraphQLField<unknown, unknown> | undefined): number => {
            const arg = field?.args.find((a) => a.name === 'first');
            if (!arg) return 1;
            const given = node.arguments?.find((a) => a.name.value === 'first')?.value;
            if (!given) return typeof arg.defaultValue === 'number' ? arg.defaultValue : limits.maxPageSize;
            if (given.kind === Kind.INT) return Math.max(1, Math.min(Number(given.value), limits.maxPageSize));
            return limits.maxPageSize;
          };

          const selection = (set: SelectionSetNode | undefined, parent: GraphQLNamedType | undefined): Measure => {
            if (!set) return { cost: 0, depth: 0 };
            let cost = 0;
            let depth = 0;
            for (const s of set.selections) {
              let m: Measure;
              if (s.kind === Kind.FIELD) {
                if (s.name.value.startsWith('__')) continue;
                const field =
                  parent && (isObjectType(parent) || isInterfaceType(parent))
                    ? parent.getFields()[s.name.value]
                    : undefined;
                const child = selection(s.selectionSet, field ? getNamedType(field.type) : undefined);
                m = { cost: 1 + pageSize(s, field) * child.cost, depth: 1 + child.depth };
              } else if (s.kind === Kind.INLINE_FRAGMENT) {
                m = selection(s.selectionSet, s.typeCondition ? schema.getType(s.typeCondition.name.value) : parent);
              } else {
                m = fragment(s.name.value);
              }
              cost += m.cost;
              depth = Math.max(depth, m.depth);
            }
            return { cost, depth };
          };

          for (const d of doc.definitions) {
            if (d.kind !== Kind.OPERATION_DEFINITION) continue;
            const root =
              d.operation === 'query'
                ? schema.getQueryType()
                : d.operation === 'mutation'
                  ? schema.getMutationType()
                  : schema.getSubscriptionType();
            const m = selection(d.selectionSet, root ?? undefined);
            if (m.depth > limits.maxDepth) context.reportError(tooComplex('depth', limits.maxDepth, m.depth, 'depth'));
            else if (m.cost > limits.maxCost) context.reportError(tooComplex('cost', limits.maxCost, m.cost, 'cost'));
          }
        },
      },
    };
  };
}
