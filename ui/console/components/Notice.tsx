import type { ReactNode } from 'react';
import type { Problem } from '../api/errors';

/** A message box: errors are announced to screen readers at once (role=alert), the rest politely. */
export function Notice({
  kind,
  title,
  children,
  testId,
}: {
  kind: 'error' | 'warning' | 'success' | 'info';
  title?: string;
  children?: ReactNode;
  testId?: string;
}) {
  return (
    <div className={`notice notice--${kind}`} role={kind === 'error' ? 'alert' : 'status'} data-testid={testId}>
      {title && <strong className="notice__title">{title}</strong>}
      {children && <div className="notice__body">{children}</div>}
    </div>
  );
}

const TITLES: Record<string, string> = {
  BAD_USER_INPUT: 'Please correct the highlighted fields',
  CONFLICT: 'Conflict',
  NOT_FOUND: 'Not found',
  UNAUTHENTICATED: 'API token required',
  NETWORK: 'Connection problem',
  SERVICE_UNAVAILABLE: 'Temporarily unavailable',
};

/**
 * A failed operation, with the server's message. A form passes the fields it shows (`formFields`): their errors
 * appear next to them, and only the others are listed here.
 */
export function ProblemNotice({
  problem,
  formFields = [],
  children,
}: {
  problem: Problem;
  formFields?: readonly string[];
  children?: ReactNode;
}) {
  const fields = Object.entries(problem.fields);
  const elsewhere = fields.filter(([f]) => !formFields.includes(f));
  const title = (problem.code && TITLES[problem.code]) || 'Something went wrong';
  return (
    <Notice kind="error" title={title} testId={`problem-${problem.code ?? 'UNKNOWN'}`}>
      {fields.length === 0 && <p>{problem.message}</p>}
      {elsewhere.length > 0 && (
        <ul>
          {elsewhere.map(([field, message]) => (
            <li key={field}>
              <code>{field}</code> {message}
            </li>
          ))}
        </ul>
      )}
      {children}
    </Notice>
  );
}
