/**
 * Runs `task` every `everyMs`, one run at a time: a run still going when the next is due is not started twice. A
 * failed run goes to `onError` and the next one comes on time. `now`: a first run at once. `stop()` clears the timer
 * and waits for a run under way. The timer does not keep the process alive.
 */
export function every(
  everyMs: number,
  task: () => Promise<unknown>,
  onError: (error: unknown) => void,
  opts: { now?: boolean } = {},
): { stop(): Promise<void> } {
  let running: Promise<void> | undefined;
  const tick = () => {
    running ??= task()
      .then(() => undefined, onError)
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  if (opts.now) tick();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
