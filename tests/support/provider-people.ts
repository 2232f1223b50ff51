import type Stripe from 'stripe';
import type { SalesforceEmulator } from '../../emulators/salesforce/index.js';

/**
 * People working in Stripe's dashboard and Salesforce's UI while faults happen: each creates customers there and
 * renames some of them. Their changes reach the catalog by webhook, Outbound Message or poll; what they made must
 * end up in the catalog exactly once, with their last name for it, and at the other provider too.
 */
export class ProviderPeople {
  /** Email -> the name the person last gave it. */
  readonly made = new Map<string, string>();
  private running = false;
  private loops: Promise<void>[] = [];

  constructor(
    private readonly dashboard: Stripe,
    private readonly sf: SalesforceEmulator,
    /** Stops making new customers once this many exist (renames go on). */
    private readonly max = 16,
  ) {}

  start(): void {
    this.running = true;
    this.loops = [this.stripeLoop(), this.salesforceLoop()];
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async stripeLoop(): Promise<void> {
    for (let i = 0; this.running; i++) {
      if (this.made.size < this.max) {
        const email = `stripe-person-${i}@example.com`;
        const c = await this.dashboard.customers.create({ name: `Stripe Person ${i}`, email });
        this.made.set(email, `Stripe Person ${i}`);
        if (i % 2 === 0) {
          await this.dashboard.customers.update(c.id, { name: `Stripe Person ${i} Edited` });
          this.made.set(email, `Stripe Person ${i} Edited`);
        }
      }
      await pause(150);
    }
  }

  private async salesforceLoop(): Promise<void> {
    for (let i = 0; this.running; i++) {
      if (this.made.size < this.max) {
        const email = `sf-person-${i}@example.com`;
        const id = this.sf.ui.create('Contact', { FirstName: 'Salesforce', LastName: `Person ${i}`, Email: email });
        this.made.set(email, `Salesforce Person ${i}`);
        if (i % 2 === 0) {
          this.sf.ui.update('Contact', id, { LastName: `Person ${i} Edited` });
          this.made.set(email, `Salesforce Person ${i} Edited`);
        }
      }
      await pause(150);
    }
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
