/**
 * The SOQL subset the sync needs, parsed by hand (no dependencies):
 *   SELECT f1, f2, Account.Name FROM Contact
 *     [WHERE cond] [ORDER BY f [ASC|DESC] [NULLS FIRST|LAST], ...] [LIMIT n] [OFFSET n]
 *   SELECT COUNT() FROM Contact [WHERE cond]
 * cond: field (= | != | <> | < | <= | > | >=) literal, field [NOT] IN (...), field LIKE 'x%', NOT, parentheses,
 * AND / OR (never mixed at one level without parentheses: that is a syntax error in real SOQL too).
 * Literals are type-checked against the field like Salesforce does: a quoted date-time or an unquoted string
 * fails with INVALID_FIELD, which is the mistake most worth catching before production.
 */
import { ApiError } from './errors.js';
import { normalizeId } from './ids.js';
import { findField, findRelationship, isFilterable, type FieldDef, type SObjectDef } from './schema.js';
import type { RecordStore } from './store.js';
import { parseDateOnly, parseDateTime } from './time.js';

type TokenKind = 'ident' | 'string' | 'number' | 'datetime' | 'date' | 'op' | 'punct' | 'eof';
interface Token {
  kind: TokenKind;
  text: string;
  pos: number;
  value?: string | number;
}

export type Literal =
  | { kind: 'string'; v: string }
  | { kind: 'number'; v: number }
  | { kind: 'bool'; v: boolean }
  | { kind: 'null' }
  | { kind: 'datetime'; v: number }
  | { kind: 'date'; v: number };

export interface FieldRef {
  /** The lookup field on the FROM object when the path crosses a relationship (Account.Name -> AccountId). */
  via?: FieldDef;
  target: SObjectDef;
  field: FieldDef;
}

export type Op = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE';
export type Condition =
  | { kind: 'and' | 'or'; items: Condition[] }
  | { kind: 'not'; item: Condition }
  | { kind: 'cmp'; ref: FieldRef; op: Op; value: Literal }
  | { kind: 'in'; ref: FieldRef; values: Literal[]; negate: boolean };

export interface OrderItem {
  ref: FieldRef;
  desc: boolean;
  nullsFirst: boolean;
}

export interface ParsedQuery {
  sobject: SObjectDef;
  count: boolean;
  select: FieldRef[];
  where?: Condition;
  orderBy: OrderItem[];
  limit?: number;
  offset?: number;
}

const DATETIME_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?(?:Z|[+-]\d{2}:\d{2})/;
const DATE_AT = /^\d{4}-\d{2}-\d{2}/;
const NUMBER_AT = /^\d+(?:\.\d+)?/;
const IDENT_AT = /^[A-Za-z_][A-Za-z0-9_.]*/;
const OP_AT = /^(?:!=|<>|<=|>=|=|<|>)/;

/** Salesforce's SOQL errors point at the offending spot; keep that shape so messages look familiar. */
function soqlError(soql: string, pos: number, errorCode: string, message: string): ApiError {
  const before = soql.slice(0, pos);
  const row = before.split('\n').length;
  const lineStart = before.lastIndexOf('\n') + 1;
  const lineEnd = soql.indexOf('\n', pos);
  const line = soql.slice(lineStart, lineEnd === -1 ? undefined : lineEnd);
  const col = pos - lineStart + 1;
  return new ApiError(
    400,
    errorCode,
    `\n${line}\n${' '.repeat(col - 1)}^\nERROR at Row:${row}:Column:${col}\n${message}`,
  );
}

function tokenize(soql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < soql.length) {
    const ch = soql.charAt(i);
    if (/\s/.test(ch)) {
      i += 1;
      continue;
    }
    const rest = soql.slice(i);
    if (ch === "'") {
      let value = '';
      let j = i + 1;
      for (;;) {
        if (j >= soql.length) throw soqlError(soql, i, 'MALFORMED_QUERY', 'unterminated string literal');
        const c = soql.charAt(j);
        if (c === '\\') {
          const next = soql.charAt(j + 1);
          const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f' };
          // \% and \_ stay escaped so LIKE can tell a literal % from a wildcard.
          value += next === '%' || next === '_' ? `\\${next}` : (escapes[next] ?? next);
          j += 2;
          continue;
        }
        if (c === "'") break;
        value += c;
        j += 1;
      }
      tokens.push({ kind: 'string', text: soql.slice(i, j + 1), pos: i, value });
      i = j + 1;
      continue;
    }
    const dt = DATETIME_AT.exec(rest);
    if (dt) {
      tokens.push({ kind: 'datetime', text: dt[0], pos: i, value: parseDateTime(dt[0]) });
      i += dt[0].length;
      continue;
    }
    const d = DATE_AT.exec(rest);
    if (d) {
      tokens.push({ kind: 'date', text: d[0], pos: i, value: parseDateOnly(d[0]) });
      i += d[0].length;
      continue;
    }
    const num = NUMBER_AT.exec(rest);
    if (num) {
      tokens.push({ kind: 'number', text: num[0], pos: i, value: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    const id = IDENT_AT.exec(rest);
    if (id) {
      tokens.push({ kind: 'ident', text: id[0], pos: i });
      i += id[0].length;
      continue;
    }
    const op = OP_AT.exec(rest);
    if (op) {
      tokens.push({ kind: 'op', text: op[0], pos: i });
      i += op[0].length;
      continue;
    }
    if (ch === '(' || ch === ')' || ch === ',') {
      tokens.push({ kind: 'punct', text: ch, pos: i });
      i += 1;
      continue;
    }
    throw soqlError(soql, i, 'MALFORMED_QUERY', `unexpected token: '${ch}'`);
  }
  tokens.push({ kind: 'eof', text: '', pos: soql.length });
  return tokens;
}

const UNSUPPORTED_KEYWORDS = new Set(['GROUP', 'HAVING', 'WITH', 'FOR', 'USING', 'TYPEOF', 'UPDATE']);

class Parser {
  private i = 0;
  private readonly tokens: Token[];
  private readonly soql: string;
  private readonly store: RecordStore;

  constructor(soql: string, store: RecordStore) {
    this.soql = soql;
    this.store = store;
    this.tokens = tokenize(soql);
  }

  parse(): ParsedQuery {
    this.expectKeyword('SELECT');
    let count = false;
    const rawFields: Token[] = [];
    if (this.isKeyword('COUNT') && this.peek(1).text === '(') {
      this.next();
      this.expectPunct('(');
      this.expectPunct(')');
      count = true;
    } else {
      do {
        const t = this.next();
        if (t.kind !== 'ident') throw this.unexpected(t);
        if (this.peek().text === '(') {
          throw this.error(t, 'MALFORMED_QUERY', `${t.text}() is not supported by the Salesforce emulator`);
        }
        if (t.text.toUpperCase() === 'FROM') throw this.unexpected(t);
        rawFields.push(t);
      } while (this.acceptPunct(','));
    }
    this.expectKeyword('FROM');
    const fromTok = this.next();
    if (fromTok.kind !== 'ident') throw this.unexpected(fromTok);
    const sobject = this.store.sobject(fromTok.text);
    if (!sobject) {
      throw this.error(
        fromTok,
        'INVALID_TYPE',
        `sObject type '${fromTok.text}' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name. Please reference your WSDL or the describe call for the appropriate names.`,
      );
    }
    const select: FieldRef[] = [];
    const seen = new Set<string>();
    for (const t of rawFields) {
      const ref = this.resolve(sobject, t);
      const key = `${ref.via?.name ?? ''}.${ref.field.name}`;
      if (seen.has(key)) throw this.error(t, 'MALFORMED_QUERY', `duplicate field selected: ${t.text}`);
      seen.add(key);
      select.push(ref);
    }
    const query: ParsedQuery = { sobject, count, select, orderBy: [] };
    if (this.acceptKeyword('WHERE')) query.where = this.parseOr(sobject);
    if (this.acceptKeyword('ORDER')) {
      this.expectKeyword('BY');
      do {
        const t = this.next();
        if (t.kind !== 'ident') throw this.unexpected(t);
        const ref = this.resolve(sobject, t);
        if (!isFilterable(ref.field)) {
          throw this.error(t, 'INVALID_FIELD', `field '${ref.field.name}' can not be sorted in a query call`);
        }
        let desc = false;
        if (this.acceptKeyword('DESC')) desc = true;
        else this.acceptKeyword('ASC');
        let nullsFirst = !desc;
        if (this.acceptKeyword('NULLS')) {
          if (this.acceptKeyword('FIRST')) nullsFirst = true;
          else {
            this.expectKeyword('LAST');
            nullsFirst = false;
          }
        }
        query.orderBy.push({ ref, desc, nullsFirst });
      } while (this.acceptPunct(','));
    }
    if (this.acceptKeyword('LIMIT')) query.limit = this.expectInteger();
    if (this.acceptKeyword('OFFSET')) {
      const t = this.peek();
      query.offset = this.expectInteger();
      if (query.offset > 2000) {
        throw this.error(t, 'NUMBER_OUTSIDE_VALID_RANGE', 'Maximum SOQL offset allowed is 2000');
      }
    }
    const end = this.next();
    if (end.kind !== 'eof') {
      if (end.kind === 'ident' && UNSUPPORTED_KEYWORDS.has(end.text.toUpperCase())) {
        throw this.error(
          end,
          'MALFORMED_QUERY',
          `${end.text.toUpperCase()} is not supported by the Salesforce emulator`,
        );
      }
      throw this.unexpected(end);
    }
    return query;
  }

  /** AND and OR may not be mixed at one level: `a AND b OR c` is MALFORMED_QUERY in Salesforce. */
  private parseOr(sobject: SObjectDef): Condition {
    const first = this.parseUnary(sobject);
    const items = [first];
    let joiner: 'AND' | 'OR' | undefined;
    for (;;) {
      const t = this.peek();
      const word = t.kind === 'ident' ? t.text.toUpperCase() : '';
      if (word !== 'AND' && word !== 'OR') break;
      if (joiner && joiner !== word) throw this.unexpected(t);
      joiner = word;
      this.next();
      items.push(this.parseUnary(sobject));
    }
    if (!joiner) return first;
    return { kind: joiner === 'AND' ? 'and' : 'or', items };
  }

  private parseUnary(sobject: SObjectDef): Condition {
    if (this.acceptKeyword('NOT')) return { kind: 'not', item: this.parseUnary(sobject) };
    if (this.acceptPunct('(')) {
      const inner = this.parseOr(sobject);
      this.expectPunct(')');
      return inner;
    }
    const fieldTok = this.next();
    if (fieldTok.kind !== 'ident') throw this.unexpected(fieldTok);
    const ref = this.resolve(sobject, fieldTok);
    // Long Text Area fields are not filterable (describe `filterable: false`).
    if (!isFilterable(ref.field)) {
      throw this.error(fieldTok, 'INVALID_FIELD', `field '${ref.field.name}' can not be filtered in a query call`);
    }
    const opTok = this.next();
    const opWord = opTok.kind === 'ident' ? opTok.text.toUpperCase() : '';
    if (opWord === 'IN' || (opWord === 'NOT' && this.isKeyword('IN'))) {
      if (opWord === 'NOT') this.next();
      this.expectPunct('(');
      const values: Literal[] = [];
      do {
        const vt = this.peek();
        const lit = this.parseLiteral();
        this.checkLiteral(ref, lit, vt, 'IN');
        values.push(lit);
      } while (this.acceptPunct(','));
      this.expectPunct(')');
      return { kind: 'in', ref, values, negate: opWord === 'NOT' };
    }
    let op: Op;
    if (opWord === 'LIKE') op = 'LIKE';
    else if (opTok.kind === 'op') op = opTok.text === '<>' ? '!=' : (opTok.text as Op);
    else throw this.unexpected(opTok);
    const vt = this.peek();
    const value = this.parseLiteral();
    this.checkLiteral(ref, value, vt, op);
    return { kind: 'cmp', ref, op, value };
  }

  private parseLiteral(): Literal {
    const t = this.next();
    switch (t.kind) {
      case 'string':
        return { kind: 'string', v: String(t.value) };
      case 'number':
        return { kind: 'number', v: Number(t.value) };
      case 'datetime':
        return { kind: 'datetime', v: Number(t.value) };
      case 'date':
        return { kind: 'date', v: Number(t.value) };
      case 'ident': {
        const word = t.text.toUpperCase();
        if (word === 'NULL') return { kind: 'null' };
        if (word === 'TRUE' || word === 'FALSE') return { kind: 'bool', v: word === 'TRUE' };
        throw this.error(
          t,
          'MALFORMED_QUERY',
          `date literals and bind variables such as '${t.text}' are not supported by the Salesforce emulator`,
        );
      }
      default:
        throw this.unexpected(t);
    }
  }

  /** Salesforce rejects a literal whose type does not fit the field; the messages mirror the real ones. */
  private checkLiteral(ref: FieldRef, lit: Literal, at: Token, op: Op | 'IN'): void {
    const f = ref.field;
    if (lit.kind === 'null') {
      if (op !== '=' && op !== '!=' && op !== 'IN') throw this.unexpected(at);
      return;
    }
    const fail = (expected: string, quoted: boolean): never => {
      throw this.error(
        at,
        'INVALID_FIELD',
        `value of filter criterion for field '${f.name}' must be of type ${expected} and should ${quoted ? '' : 'not '}be enclosed in quotes`,
      );
    };
    switch (f.type) {
      case 'string':
      case 'email':
      case 'phone':
      case 'picklist':
      case 'textarea':
        if (lit.kind !== 'string') fail('string', true);
        return;
      case 'currency':
        if (lit.kind !== 'number') fail('double', false);
        if (op === 'LIKE') throw this.error(at, 'INVALID_FIELD', `invalid operator on currency field`);
        return;
      case 'date':
        // A date field takes a date literal (2026-01-31), not a date-time or a quoted string.
        if (lit.kind !== 'date') fail('date', false);
        if (op === 'LIKE') throw this.error(at, 'INVALID_FIELD', `invalid operator on date field`);
        return;
      case 'id':
      case 'reference':
        if (lit.kind !== 'string') fail('id', true);
        if (op === 'LIKE') throw this.error(at, 'INVALID_QUERY_FILTER_OPERATOR', `invalid operator on id field`);
        if (lit.kind === 'string' && !normalizeId(lit.v)) {
          throw this.error(at, 'INVALID_QUERY_FILTER_OPERATOR', `invalid ID field: ${lit.v}`);
        }
        return;
      case 'datetime':
        if (lit.kind !== 'datetime') fail('dateTime', false);
        if (op === 'LIKE') throw this.error(at, 'INVALID_FIELD', `invalid operator on dateTime field`);
        return;
      case 'boolean':
        if (lit.kind !== 'bool') fail('boolean', false);
        if (op !== '=' && op !== '!=') throw this.error(at, 'INVALID_FIELD', `invalid operator on boolean field`);
        return;
    }
  }

  private resolve(sobject: SObjectDef, t: Token): FieldRef {
    const parts = t.text.split('.');
    const noColumn = (name: string, entity: string): ApiError =>
      this.error(
        t,
        'INVALID_FIELD',
        `No such column '${name}' on entity '${entity}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
      );
    if (parts.length === 1) {
      const field = findField(sobject, t.text);
      if (!field) throw noColumn(t.text, sobject.name);
      return { target: sobject, field };
    }
    const [relName, fieldName, ...more] = parts;
    const via = relName ? findRelationship(sobject, relName) : undefined;
    const target = via?.referenceTo ? this.store.sobject(via.referenceTo) : undefined;
    if (!via || !target || more.length > 0) {
      throw this.error(
        t,
        'INVALID_FIELD',
        `Didn't understand relationship '${relName ?? ''}' in field path. If you are attempting to use a custom relationship, be sure to append the '__r' after the custom relationship name. Please reference your WSDL or the describe call for the appropriate names.`,
      );
    }
    const field = findField(target, fieldName ?? '');
    if (!field) throw noColumn(fieldName ?? '', target.name);
    return { via, target, field };
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.i + ahead, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const t = this.peek();
    if (this.i < this.tokens.length - 1) this.i += 1;
    return t;
  }

  private isKeyword(word: string): boolean {
    const t = this.peek();
    return t.kind === 'ident' && t.text.toUpperCase() === word;
  }

  private acceptKeyword(word: string): boolean {
    if (!this.isKeyword(word)) return false;
    this.next();
    return true;
  }

  private expectKeyword(word: string): void {
    if (!this.acceptKeyword(word)) throw this.unexpected(this.peek());
  }

  private acceptPunct(p: string): boolean {
    const t = this.peek();
    if (t.kind !== 'punct' || t.text !== p) return false;
    this.next();
    return true;
  }

  private expectPunct(p: string): void {
    if (!this.acceptPunct(p)) throw this.unexpected(this.peek());
  }

  private expectInteger(): number {
    const t = this.next();
    if (t.kind !== 'number' || !Number.isInteger(t.value)) throw this.unexpected(t);
    return Number(t.value);
  }

  private unexpected(t: Token): ApiError {
    return t.kind === 'eof'
      ? this.error(t, 'MALFORMED_QUERY', 'unexpected end of query')
      : this.error(t, 'MALFORMED_QUERY', `unexpected token: '${t.text}'`);
  }

  private error(t: Token, code: string, message: string): ApiError {
    return soqlError(this.soql, t.pos, code, message);
  }
}

export function parseSoql(soql: string, store: RecordStore): ParsedQuery {
  return new Parser(soql, store).parse();
}
