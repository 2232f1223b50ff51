/**
 * Polls `check` until it stops throwing (or returns a truthy value), then returns its result.
 * Integration tests wait for eventual outcomes with this instead of fixed sleeps.
 */
export async function expectEventually<T>(
  check: () => T | Promise<T>,
  { timeoutMs = 20_000, intervalMs = 50 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = new Error('condition was never checked');
  while (Date.now() < deadline) {
    try {
      const result = await check();
      if (result !== false && result !== undefined && result !== null) return result;
      lastError = new Error(`condition returned ${String(result)}`);
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw lastError instanceof Error ? lastError : new Error(String(lastError));
}
