import { expectEventually, present } from './eventually.js';
import type { GqlResult, TestApp } from './harness.js';

export interface InvoiceStatusData {
  provider: string;
  state: string;
  attempts: number;
  lastError: string | null;
  externalId: string | null;
  targetVersion: number;
  waitingFor: { entityType: string; entityId: string } | null;
}

export interface InvoiceData {
  id: string;
  customerId: string;
  number: string | null;
  amountCents: number;
  currency: string;
  status: string;
  description: string | null;
  dueDate: string | null;
  version: number;
  deletedAt: string | null;
  syncStatus: InvoiceStatusData[];
}

export const INVOICE_FIELDS =
  'id customerId number amountCents currency status description dueDate version deletedAt ' +
  'syncStatus { provider state attempts lastError externalId targetVersion waitingFor { entityType entityId } }';

const LIFECYCLE = {
  finalize: 'finalizeInvoice',
  pay: 'markInvoicePaid',
  void: 'voidInvoice',
  uncollectible: 'markInvoiceUncollectible',
} as const;

/** The invoice GraphQL calls the sync suites share, with waits for a provider's sync to settle. */
export function invoicesApi(t: TestApp) {
  const get = async (id: string) =>
    (
      await t.gql<{ invoice: InvoiceData }>(
        `query($id: ID!) { invoice(id: $id, includeDeleted: true) { ${INVOICE_FIELDS} } }`,
        { id },
      )
    ).data!.invoice;
  const status = async (id: string, provider: string) =>
    present(
      (await get(id)).syncStatus.find((s) => s.provider === provider),
      `${provider} status`,
    );
  return {
    get,
    status,
    /** Creates a draft; throws unless it succeeds. */
    async create(input: Record<string, unknown>): Promise<InvoiceData> {
      const res = await this.tryCreate(input);
      expect(res.errors).toBeUndefined();
      return res.data!.createInvoice;
    },
    tryCreate: (input: Record<string, unknown>): Promise<GqlResult<{ createInvoice: InvoiceData }>> =>
      t.gql(`mutation($i: CreateInvoiceInput!) { createInvoice(input: $i) { ${INVOICE_FIELDS} } }`, { i: input }),
    update: (id: string, input: Record<string, unknown>): Promise<GqlResult<{ updateInvoice: InvoiceData }>> =>
      t.gql(`mutation($id: ID!, $i: UpdateInvoiceInput!) { updateInvoice(id: $id, input: $i) { ${INVOICE_FIELDS} } }`, {
        id,
        i: input,
      }),
    /** A lifecycle mutation: `finalize`, `pay`, `void`, `uncollectible`. */
    move: (id: string, to: keyof typeof LIFECYCLE): Promise<GqlResult<Record<string, InvoiceData>>> =>
      t.gql(`mutation($id: ID!) { ${LIFECYCLE[to]}(id: $id) { ${INVOICE_FIELDS} } }`, { id }),
    remove: (id: string): Promise<GqlResult<{ deleteInvoice: InvoiceData }>> =>
      t.gql(`mutation($id: ID!) { deleteInvoice(id: $id) { ${INVOICE_FIELDS} } }`, { id }),
    async list(filter: { customerId?: string; status?: string } = {}): Promise<InvoiceData[]> {
      const res = await t.gql<{ invoices: { edges: Array<{ node: InvoiceData }> } }>(
        `query($c: ID, $s: InvoiceStatus) { invoices(customerId: $c, status: $s, first: 100) { edges { node { ${INVOICE_FIELDS} } } } }`,
        { c: filter.customerId, s: filter.status },
      );
      expect(res.errors).toBeUndefined();
      return res.data!.invoices.edges.map((e) => e.node);
    },
    /** Waits until `provider` holds `version` of the invoice. */
    synced: (id: string, provider: string, version: number) =>
      expectEventually(async () => {
        const s = await status(id, provider);
        expect(s).toMatchObject({ state: 'SYNCED', targetVersion: version });
        return s;
      }),
  };
}
