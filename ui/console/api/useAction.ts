import { useCallback, useState } from 'react';
import type { CombinedError } from 'urql';
import { problemOf, type Problem } from './errors';

/** What an operation answers, as far as the console's problem handling cares (urql's OperationResult fits). */
export interface Answer {
  error?: CombinedError;
}

/**
 * The problem of the last operation a form, panel or page ran, for its ProblemNotice. `attempt` clears it, awaits
 * the operation and keeps its error; the caller reads the answer it returns for the data.
 */
export function useProblem() {
  const [problem, setProblem] = useState<Problem | null>(null);
  const attempt = useCallback(async <R extends Answer>(operation: () => Promise<R>): Promise<R> => {
    setProblem(null);
    const res = await operation();
    if (res.error) setProblem(problemOf(res.error));
    return res;
  }, []);
  return { problem, setProblem, attempt };
}

/**
 * useProblem, plus which of several buttons' operations is running (`busy`, by key), so that button can say so and
 * the others wait.
 */
export function useAction<K extends string>() {
  const { problem, setProblem, attempt } = useProblem();
  const [busy, setBusy] = useState<K | null>(null);
  const run = useCallback(
    async <R extends Answer>(key: K, operation: () => Promise<R>): Promise<R> => {
      setBusy(key);
      const res = await attempt(operation);
      setBusy(null);
      return res;
    },
    [attempt],
  );
  return { problem, setProblem, attempt, busy, run };
}
