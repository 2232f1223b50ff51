import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Every Postgres advisory lock the app takes, in one place so two features can never pick the same key.
 * All are transaction-scoped: released at commit or rollback, never leaked by a crashed process.
 */
export const LockKeys = {
  migrations: 727_000,
  outboxRelay: 727_001,
  poll: 727_002,
  import: 727_003,
  providerRecord: 727_004,
  naturalKey: 727_005,
  outboxPrune: 727_006,
} as const;

type LockKey = (typeof LockKeys)[keyof typeof LockKeys];

/**
 * The locks each open transaction holds (keyed by its transaction context, which lives exactly as long as the
 * transaction): taking one again in the same transaction costs no statement. Postgres would grant it anyway.
 */
const held = new WeakMap<object, Set<string>>();

/** Waits for the lock; `name` narrows it to one thing under the key (hashed into a second int). */
export async function lockXact(tx: EntityManager, key: LockKey, name?: string): Promise<void> {
  const trx = tx.getTransactionContext<object>();
  const id = `${key}:${name ?? ''}`;
  if (trx && held.get(trx)?.has(id)) return;
  if (name === undefined) await tx.execute('select pg_advisory_xact_lock(?)', [key]);
  else await tx.execute('select pg_advisory_xact_lock(?, hashtext(?))', [key, name]);
  if (trx) held.set(trx, (held.get(trx) ?? new Set()).add(id));
}

/**
 * Waits for the lock on each of many things under one key, in ONE statement (an import page). They are taken in
 * the order of their hashes, so two transactions locking overlapping sets cannot wait on each other in a cycle.
 */
export async function lockXactMany(tx: EntityManager, key: LockKey, names: readonly string[]): Promise<void> {
  const trx = tx.getTransactionContext<object>();
  const mine = trx ? (held.get(trx) ?? new Set<string>()) : new Set<string>();
  const todo = [...new Set(names)].filter((name) => !mine.has(`${key}:${name}`));
  if (todo.length === 0) return;
  await tx.execute(
    `select count(pg_advisory_xact_lock(?, h))
       from (select hashtext(n) as h from unnest(array[${todo.map(() => '?').join(', ')}]::text[]) as n order by 1) as t`,
    [key, ...todo],
  );
  for (const name of todo) mine.add(`${key}:${name}`);
  if (trx) held.set(trx, mine);
}

/** Takes the lock if it is free; false when another transaction holds it. */
export async function tryLockXact(tx: EntityManager, key: LockKey): Promise<boolean> {
  const [row] = await tx.execute<{ locked: boolean }[]>('select pg_try_advisory_xact_lock(?) as locked', [key]);
  return row?.locked === true;
}

/** Takes the lock for one thing under the key if it is free; false when another transaction holds it. */
export async function tryLockXactNamed(tx: EntityManager, key: LockKey, name: string): Promise<boolean> {
  const [row] = await tx.execute<{ locked: boolean }[]>('select pg_try_advisory_xact_lock(?, hashtext(?)) as locked', [
    key,
    name,
  ]);
  return row?.locked === true;
}
