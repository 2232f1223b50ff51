import { useState, type FormEvent } from 'react';
import { useMutation } from 'urql';
import { CREATE_CUSTOMER, UPDATE_CUSTOMER } from '../api/documents';
import { problemOf, type Problem } from '../api/errors';
import type { Customer } from '../api/types';
import { Field } from '../components/Field';
import { ProblemNotice } from '../components/Notice';

/**
 * Creates a customer, or edits one against the version it showed when editing began (expectedVersion): if someone
 * else changed it meanwhile (here or in a provider), the server answers CONFLICT and the form says so.
 */
export function CustomerForm({
  editing,
  onSaved,
  onCancel,
  onReload,
}: {
  editing?: Pick<Customer, 'id' | 'name' | 'email' | 'version'>;
  onSaved(customer: Customer): void;
  onCancel(): void;
  /** Drops this edit and shows the customer as it is now. */
  onReload?(): void;
}) {
  const [name, setName] = useState(editing?.name ?? '');
  const [email, setEmail] = useState(editing?.email ?? '');
  const [expectedVersion, setExpectedVersion] = useState(editing?.version);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [created, create] = useMutation<{ createCustomer: Customer }>(CREATE_CUSTOMER);
  const [updated, update] = useMutation<{ updateCustomer: Customer }>(UPDATE_CUSTOMER);
  const busy = created.fetching || updated.fetching;

  const save = async (version = expectedVersion) => {
    setProblem(null);
    if (editing) {
      const res = await update({ id: editing.id, input: { name, email, expectedVersion: version } });
      if (res.error) return setProblem(problemOf(res.error));
      if (res.data) onSaved(res.data.updateCustomer);
    } else {
      const res = await create({ input: { name, email } });
      if (res.error) return setProblem(problemOf(res.error));
      if (res.data) onSaved(res.data.createCustomer);
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void save();
  };

  const stale = problem?.code === 'CONFLICT' && problem.currentVersion !== null ? problem.currentVersion : null;
  return (
    <form className="form card" onSubmit={submit} noValidate aria-label={editing ? 'Edit customer' : 'New customer'}>
      {editing && <h2>Edit customer</h2>}
      {problem && (
        <ProblemNotice problem={problem} formFields={['name', 'email']}>
          {stale !== null && (
            <>
              <p data-testid="conflict-message">
                This customer was changed by someone else while you were editing (it is now at version {stale}, you
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
                    setExpectedVersion(stale);
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
      <Field label="Name" name="name" error={problem?.fields.name}>
        {(p) => <input {...p} type="text" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field label="Email" name="email" error={problem?.fields.email}>
        {(p) => (
          <input {...p} type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} />
        )}
      </Field>
      <div className="form-actions">
        <button type="submit" className="button button--primary" disabled={busy}>
          {busy ? 'Saving…' : editing ? 'Save changes' : 'Create customer'}
        </button>
        <button type="button" className="button button--quiet" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </form>
  );
}
