/**
 * Clients that keep making changes through the GraphQL API while faults happen, and remember which were
 * acknowledged (HTTP 200 without errors): those must never be lost. A change that got no answer (the app was
 * killed, PostgreSQL was down) may or may not have been committed; either way the providers must end up agreeing
 * with the catalog.
 */
export interface Acknowledged {
  /** Customers whose create was acknowledged, with the name of their last acknowledged change. */
  customers: Map<string, { name: string; email: string }>;
  /** Invoices whose create was acknowledged, and whether their finalize was. */
  invoices: Map<string, { customerId: string; amountCents: number; finalized: boolean }>;
  /** Requests that got no acknowledgement (refused, failed or unanswered). */
  unanswered: number;
}

export class MutationDriver {
  readonly acked: Acknowledged = { customers: new Map(), invoices: new Map(), unanswered: 0 };
  private running = false;
  private loops: Promise<void>[] = [];
  private n = 0;
  /** Acknowledged customers wanted so far; the clients work up to a few past it, then wait for more. */
  private wanted = 0;

  constructor(
    private readonly url: string,
    private readonly clients = 3,
  ) {}

  start(): void {
    this.running = true;
    this.loops = Array.from({ length: this.clients }, (_, c) => this.loop(c));
  }

  /**
   * Resolves once `n` more customers have been acknowledged. The clients keep going a few past that (`slack`), so
   * a fault that follows meets changes in flight, but the total stays bounded: the catalog settles quickly.
   */
  async acknowledge(n: number, wait: (done: () => boolean) => Promise<unknown>): Promise<void> {
    this.wanted = Math.max(this.wanted, this.acked.customers.size) + n;
    const target = this.wanted;
    await wait(() => this.acked.customers.size >= target);
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async loop(client: number): Promise<void> {
    while (this.running) {
      if (this.acked.customers.size >= this.wanted + SLACK) {
        await pause(20);
        continue;
      }
      const i = this.n++;
      const email = `fault-${client}-${i}@example.com`;
      const created = await this.gql<{ createCustomer: { id: string } }>(
        'mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { id } }',
        { i: { name: `Fault ${i}`, email } },
      );
      if (!created) continue;
      const id = created.createCustomer.id;
      this.acked.customers.set(id, { name: `Fault ${i}`, email });
      if (i % 2 === 0) {
        const renamed = await this.gql(
          'mutation($id: ID!, $n: String!) { updateCustomer(id: $id, input: {name: $n}) { id } }',
          {
            id,
            n: `Fault ${i} renamed`,
          },
        );
        if (renamed) this.acked.customers.set(id, { name: `Fault ${i} renamed`, email });
      }
      if (i % 3 === 0) {
        const amountCents = 1000 + i;
        const invoice = await this.gql<{ createInvoice: { id: string } }>(
          'mutation($i: CreateInvoiceInput!) { createInvoice(input: $i) { id } }',
          { i: { customerId: id, amountCents, currency: 'USD' } },
        );
        if (!invoice) continue;
        const invoiceId = invoice.createInvoice.id;
        this.acked.invoices.set(invoiceId, { customerId: id, amountCents, finalized: false });
        const finalized = await this.gql('mutation($id: ID!) { finalizeInvoice(id: $id) { id } }', { id: invoiceId });
        if (finalized) this.acked.invoices.set(invoiceId, { customerId: id, amountCents, finalized: true });
      }
    }
  }

  /** The data of an acknowledged call, or undefined (counted) for anything else; never throws. */
  private async gql<T = unknown>(query: string, variables: Record<string, unknown>): Promise<T | undefined> {
    try {
      const res = await fetch(`${this.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(5_000),
      });
      const body = (await res.json()) as { data?: T; errors?: unknown[] };
      if (res.status === 200 && !body.errors && body.data) return body.data;
    } catch {
      // connection refused or reset (killed), or no answer in time: not acknowledged
    }
    this.acked.unanswered += 1;
    await pause(100); // do not spin while the app is down
    return undefined;
  }
}

/** Changes the clients may make past what was asked for. */
const SLACK = 6;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
