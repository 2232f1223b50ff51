import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { CUSTOMER_BY_ID, DELETE_CUSTOMER, DELETE_INVOICE, INVOICE_BY_ID } from '../api/documents';
import { useCoalesced, useLiveStatuses, useRefetchOnReconnect, useSyncStatusFeed } from '../api/live';
import type { Customer, EntityType, Invoice, SyncStatus } from '../api/types';
import { useAction } from '../api/useAction';
import { href, navigate } from '../routes';

interface Records {
  CUSTOMER: Customer;
  INVOICE: Invoice;
}

const DOCUMENTS = {
  CUSTOMER: { read: CUSTOMER_BY_ID, field: 'customer', remove: DELETE_CUSTOMER },
  INVOICE: { read: INVOICE_BY_ID, field: 'invoice', remove: DELETE_INVOICE },
} as const;

/**
 * What a record's page keeps: the record, read again (with its sync history) on every sync event about it and when
 * the live connection comes back, so changes made at a provider show without a reload; the sync states heard live
 * laid over the record's; whether its edit form is open; and its deletion. Every action on the page reports into
 * one `problem`, shown in one notice.
 */
export function useRecordPage<E extends EntityType>(entityType: E, id: string) {
  const documents = DOCUMENTS[entityType];
  const [result, reexecute] = useQuery<Partial<Record<string, Records[E]>>>({
    query: documents.read,
    variables: { id },
  });
  const record = result.data?.[documents.field];
  const live = useLiveStatuses();
  const [historyKey, setHistoryKey] = useState(0);
  const [editing, setEditing] = useState(false);
  const action = useAction<string>();
  const [deletion, runDelete] = useMutation(documents.remove);

  const refetch = useCoalesced(() => {
    reexecute({ requestPolicy: 'network-only' });
    setHistoryKey((k) => k + 1);
  });
  useRefetchOnReconnect(refetch);
  // A sync state of this record, from the feed or from a Retry: its badge moves at once, the rest with the re-read.
  const heard = (status: SyncStatus) => {
    live.remember(status);
    refetch();
  };
  useSyncStatusFeed({ entityType, entityId: id }, heard);
  // Saved, or dropped for the latest version after a conflict: either way, show the record as it is now.
  const closeForm = () => {
    setEditing(false);
    refetch();
  };

  return {
    record,
    error: result.error,
    statuses: live.merge(record?.syncStatus ?? []),
    historyKey,
    refetch,
    heard,
    editing,
    edit: () => setEditing(true),
    /** The edit form's callbacks (onSaved, onCancel, onReload), to spread onto it. */
    formEvents: { onSaved: closeForm, onCancel: () => setEditing(false), onReload: closeForm },
    problem: action.problem,
    busy: action.busy,
    run: action.run,
    deleting: deletion.fetching,
    /** Deletes the record (here and at every provider), then goes to `then`. */
    remove: async (then: string) => {
      const res = await action.attempt(() => runDelete({ id }));
      if (!res.error) navigate(href(then));
    },
  };
}
