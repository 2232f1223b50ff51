import { expectEventually, present } from './eventually.js';
import type { TestApp } from './harness.js';

export interface StatusData {
  provider: string;
  state: string;
  attempts: number;
  lastError: string | null;
  externalId: string | null;
  targetVersion: number;
}

export interface CustomerData {
  id: string;
  name: string;
  email: string;
  version: number;
  deletedAt: string | null;
  syncStatus: StatusData[];
}

const FIELDS =
  'id name email version deletedAt syncStatus { provider state attempts lastError externalId targetVersion }';

/** The customer GraphQL calls the sync suites share, with waits for a provider's sync to settle. */
export function customersApi(t: TestApp) {
  const get = async (id: string) =>
    (
      await t.gql<{ customer: CustomerData }>(
        `query($id: ID!) { customer(id: $id, includeDeleted: true) { ${FIELDS} } }`,
        { id },
      )
    ).data!.customer;
  const status = async (id: string, provider: string) =>
    present(
      (await get(id)).syncStatus.find((s) => s.provider === provider),
      `${provider} status`,
    );
  return {
    get,
    status,
    async create(name: string, email: string): Promise<CustomerData> {
      const res = await t.gql<{ createCustomer: CustomerData }>(
        `mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { ${FIELDS} } }`,
        {
          i: { name, email },
        },
      );
      expect(res.errors).toBeUndefined();
      return res.data!.createCustomer;
    },
    async byEmail(email: string): Promise<CustomerData[]> {
      const res = await t.gql<{ customers: { edges: Array<{ node: CustomerData }> } }>(
        `query($s: String) { customers(search: $s, includeDeleted: true) { edges { node { ${FIELDS} } } } }`,
        { s: email },
      );
      return res.data!.customers.edges.map((e) => e.node);
    },
    /** Waits until `provider` holds `version` of the customer. */
    synced: (id: string, provider: string, version: number) =>
      expectEventually(async () => {
        const s = await status(id, provider);
        expect(s).toMatchObject({ state: 'SYNCED', targetVersion: version });
        return s;
      }),
  };
}
