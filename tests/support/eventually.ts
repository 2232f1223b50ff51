/**
 * Polls `check` until it neither throws nor returns `false`, then returns its result. Integration tests wait for
 * eventual outcomes with this instead of fixed sleeps. Use `present()` inside to wait for a value to exist.
 */
export async function expectEventually<T>(
  check: () => T | Promise<T>,
  { timeoutMs = 20_000, intervalMs = 50 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<Exclude<T, false>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = new Error('condition was never checked');
  while (Date.now() < deadline) {
    try {
      const result = await check();
      if (result !== false) return result as Exclude<T, false>;
      lastError = new Error(`condition still false after ${timeoutMs} ms`);
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}

/** Throws unless `value` is defined: `expectEventually(() => present(list.find(...), 'the created event'))`. */
export function present<T>(value: T | undefined | null, what: string): T {
  if (value === undefined || value === null) throw new Error(`${what} is not there (yet)`);
  return value;
}
