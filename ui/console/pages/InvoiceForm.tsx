import { useState } from 'react';
import { useMutation } from 'urql';
import { CREATE_INVOICE, UPDATE_INVOICE } from '../api/documents';
import type { Invoice } from '../api/types';
import { Field } from '../components/Field';
import { moneyInput, parseMoney } from '../format';
import { CustomerPicker } from './CustomerPicker';
import { RecordForm, useRecordForm } from './RecordForm';

const FORM_FIELDS = ['customerId', 'amountCents', 'currency', 'dueDate', 'description'];
const COMMON_CURRENCIES = ['USD', 'EUR', 'GBP', 'CHF', 'JPY', 'CAD', 'AUD', 'SEK', 'NOK', 'DKK'];

/**
 * Creates a draft invoice, or edits one: customer, amount and currency only while it is a draft, the due date
 * until it is settled, the description always (the invoice lifecycle; the server refuses anything else). Edits are
 * made against the version shown when editing began.
 */
export function InvoiceForm({
  editing,
  customer,
  onSaved,
  onCancel,
  onReload,
}: {
  editing?: Invoice;
  /** The customer to start with (new invoices from a customer's page). */
  customer: { id: string; name: string; email: string } | null;
  onSaved(invoice: Invoice): void;
  onCancel(): void;
  onReload?(): void;
}) {
  const status = editing?.status ?? 'DRAFT';
  const draft = status === 'DRAFT';
  const dueEditable = status === 'DRAFT' || status === 'OPEN';
  const [customerId, setCustomerId] = useState(editing?.customerId ?? customer?.id ?? '');
  const [currency, setCurrency] = useState(editing?.currency ?? 'USD');
  const [amount, setAmount] = useState(editing ? moneyInput(editing.amountCents, editing.currency) : '');
  const [description, setDescription] = useState(editing?.description ?? '');
  const [dueDate, setDueDate] = useState(editing?.dueDate ?? '');
  const form = useRecordForm(editing?.version);
  const problem = form.problem;
  const [created, create] = useMutation<{ createInvoice: Invoice }>(CREATE_INVOICE);
  const [updated, update] = useMutation<{ updateInvoice: Invoice }>(UPDATE_INVOICE);

  const save = async (version = form.expectedVersion) => {
    const code = currency.trim().toUpperCase();
    const amountCents = draft ? parseMoney(amount, code || 'USD') : null;
    if (draft && amountCents === null) {
      form.setProblem({
        code: 'BAD_USER_INPUT',
        message: 'amountCents: must be an amount',
        fields: { amountCents: 'must be an amount, e.g. 1250.00' },
        currentVersion: null,
      });
      return;
    }
    if (!editing) {
      const res = await form.attempt(() =>
        create({
          input: {
            customerId,
            amountCents,
            currency: code,
            ...(description.trim() && { description }),
            ...(dueDate && { dueDate }),
          },
        }),
      );
      if (!res.error && res.data) onSaved(res.data.createInvoice);
      return;
    }
    const input: Record<string, unknown> = { expectedVersion: version };
    if (draft && customerId !== editing.customerId) input.customerId = customerId;
    if (draft && amountCents !== editing.amountCents) input.amountCents = amountCents;
    if (draft && code !== editing.currency) input.currency = code;
    if (description !== (editing.description ?? '')) input.description = description;
    if (dueEditable && dueDate !== (editing.dueDate ?? '')) input.dueDate = dueDate;
    const res = await form.attempt(() => update({ id: editing.id, input }));
    if (!res.error && res.data) onSaved(res.data.updateInvoice);
  };

  const frozen = draft ? undefined : 'Fixed once the invoice is finalized.';
  return (
    <RecordForm
      noun="invoice"
      createLabel="Create draft invoice"
      editing={!!editing}
      form={form}
      formFields={FORM_FIELDS}
      busy={created.fetching || updated.fetching}
      save={save}
      onCancel={onCancel}
      onReload={onReload}
    >
      <Field label="Customer" name="customerId" error={problem?.fields.customerId} hint={frozen}>
        {(p) =>
          draft ? (
            <CustomerPicker
              id={p.id}
              value={customerId}
              selected={editing?.customer ?? customer}
              onChange={setCustomerId}
              invalid={p['aria-invalid']}
              describedBy={p['aria-describedby']}
            />
          ) : (
            <input {...p} type="text" value={editing?.customer.name ?? ''} readOnly />
          )
        }
      </Field>
      <div className="field-row">
        <Field
          label="Amount"
          name="amountCents"
          error={problem?.fields.amountCents}
          hint={frozen ?? 'In the currency’s main unit, e.g. 1250.00'}
        >
          {(p) => (
            <input
              {...p}
              type="text"
              inputMode="decimal"
              value={amount}
              onChange={(e) => setAmount(e.target.value)}
              readOnly={!draft}
            />
          )}
        </Field>
        <Field label="Currency" name="currency" error={problem?.fields.currency} hint="ISO 4217 code">
          {(p) => (
            <>
              <input
                {...p}
                type="text"
                list="currency-list"
                maxLength={3}
                className="input--short"
                value={currency}
                onChange={(e) => setCurrency(e.target.value.toUpperCase())}
                readOnly={!draft}
              />
              <datalist id="currency-list">
                {COMMON_CURRENCIES.map((c) => (
                  <option key={c} value={c} />
                ))}
              </datalist>
            </>
          )}
        </Field>
        <Field
          label="Due date"
          name="dueDate"
          error={problem?.fields.dueDate}
          hint={dueEditable ? 'Optional; Stripe makes it 30 days otherwise' : 'Fixed once settled.'}
        >
          {(p) => (
            <input
              {...p}
              type="date"
              value={dueDate}
              onChange={(e) => setDueDate(e.target.value)}
              readOnly={!dueEditable}
            />
          )}
        </Field>
      </div>
      <Field label="Description" name="description" error={problem?.fields.description}>
        {(p) => <textarea {...p} rows={3} value={description} onChange={(e) => setDescription(e.target.value)} />}
      </Field>
    </RecordForm>
  );
}
