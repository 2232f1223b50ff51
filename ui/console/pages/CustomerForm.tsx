import { useState } from 'react';
import { useMutation } from 'urql';
import { CREATE_CUSTOMER, UPDATE_CUSTOMER } from '../api/documents';
import type { Customer } from '../api/types';
import { Field } from '../components/Field';
import { RecordForm, useRecordForm } from './RecordForm';

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
  const form = useRecordForm(editing?.version);
  const [created, create] = useMutation<{ createCustomer: Customer }>(CREATE_CUSTOMER);
  const [updated, update] = useMutation<{ updateCustomer: Customer }>(UPDATE_CUSTOMER);

  const save = async (version = form.expectedVersion) => {
    if (editing) {
      const res = await form.attempt(() =>
        update({ id: editing.id, input: { name, email, expectedVersion: version } }),
      );
      if (!res.error && res.data) onSaved(res.data.updateCustomer);
    } else {
      const res = await form.attempt(() => create({ input: { name, email } }));
      if (!res.error && res.data) onSaved(res.data.createCustomer);
    }
  };

  return (
    <RecordForm
      noun="customer"
      createLabel="Create customer"
      editing={!!editing}
      form={form}
      formFields={['name', 'email']}
      busy={created.fetching || updated.fetching}
      save={save}
      onCancel={onCancel}
      onReload={onReload}
    >
      <Field label="Name" name="name" error={form.problem?.fields.name}>
        {(p) => <input {...p} type="text" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field label="Email" name="email" error={form.problem?.fields.email}>
        {(p) => (
          <input {...p} type="email" autoComplete="email" value={email} onChange={(e) => setEmail(e.target.value)} />
        )}
      </Field>
    </RecordForm>
  );
}
