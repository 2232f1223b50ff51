import { useState, type FormEvent, type ReactNode } from 'react';
import { useProblem } from '../api/useAction';
import { ProblemNotice } from '../components/Notice';

/**
 * The state of a form that creates a record or edits one against the version it showed when editing began
 * (expectedVersion): the problem of the last save, and that version, which moves on when the user saves over a
 * newer one.
 */
export function useRecordForm(version: number | undefined) {
  const [expectedVersion, setExpectedVersion] = useState(version);
  return { ...useProblem(), expectedVersion, setExpectedVersion };
}

export type RecordFormState = ReturnType<typeof useRecordForm>;

/**
 * The frame of a create/edit form: its heading, the problem of the last save (field errors go next to their fields,
 * given in `formFields`), and Save/Cancel. When someone else changed the record meanwhile (CONFLICT), it says so and
 * offers to drop this edit (`onReload`) or to save it over their version.
 */
export function RecordForm({
  noun,
  createLabel,
  editing,
  form,
  formFields,
  busy,
  save,
  onCancel,
  onReload,
  children,
}: {
  /** "customer", "invoice". */
  noun: string;
  createLabel: string;
  editing: boolean;
  form: RecordFormState;
  formFields: readonly string[];
  busy: boolean;
  /** Saves the form against `version` (by default form.expectedVersion). */
  save(version?: number): Promise<void>;
  onCancel(): void;
  onReload?(): void;
  children: ReactNode;
}) {
  const { problem, expectedVersion } = form;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save();
  };
  const stale = problem?.code === 'CONFLICT' && problem.currentVersion !== null ? problem.currentVersion : null;
  return (
    <form className="form card" onSubmit={submit} noValidate aria-label={editing ? `Edit ${noun}` : `New ${noun}`}>
      {editing && <h2>{`Edit ${noun}`}</h2>}
      {problem && (
        <ProblemNotice problem={problem} formFields={formFields}>
          {stale !== null && (
            <>
              <p data-testid="conflict-message">
                This {noun} was changed by someone else while you were editing (it is now at version {stale}, you
                started from version {expectedVersion}). Your changes are not saved.
              </p>
              <div className="form-actions">
                {onReload && (
                  <button type="button" className="button" onClick={onReload}>
                    Discard my changes and show the latest
                  </button>
                )}
                <button
                  type="button"
                  className="button button--quiet"
                  onClick={() => {
                    form.setExpectedVersion(stale);
                    void save(stale);
                  }}
                >
                  Save mine over version {stale}
                </button>
              </div>
            </>
          )}
        </ProblemNotice>
      )}
      {children}
      <div className="form-actions">
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? 'Saving…' : editing ? 'Save changes' : createLabel}
        </button>
        <button type="button" className="button button--quiet" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
