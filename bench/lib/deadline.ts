// The run's hard deadline: every wait checks it, so a stage that cannot finish ends with "not measured".

export class DeadlineError extends Error {}

export class Deadline {
  readonly at: number;

  constructor(ms: number) {
    this.at = Date.now() + ms;
  }

  get remainingMs(): number {
    return this.at - Date.now();
  }

  check(what: string): void {
    if (Date.now() > this.at) throw new DeadlineError(`deadline passed ${what}`);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every `everyMs` until true; throws after `timeoutMs` or at the deadline. Returns the ms it took. */
export async function until(
  deadline: Deadline,
  what: string,
  check: () => Promise<boolean>,
  { everyMs = 50, timeoutMs = Infinity }: { everyMs?: number; timeoutMs?: number } = {},
): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    deadline.check(`waiting for ${what}`);
    if (performance.now() - started > timeoutMs) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(everyMs);
  }
  return performance.now() - started;
}
