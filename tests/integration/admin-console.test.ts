import type { Browser, Page } from 'playwright-core';
import type Stripe from 'stripe';
import type { SalesforceEmulator } from '../../emulators/salesforce/index.js';
import type { StripeEmulator } from '../../emulators/stripe/index.js';
import { collectPageErrors, launchBrowser, screenshot } from '../support/browser.js';
import { customersApi } from '../support/customers-api.js';
import { expectEventually } from '../support/eventually.js';
import { startTestApp, type TestApp } from '../support/harness.js';
import { startAppWithBothProviders } from '../support/stripe.js';

/**
 * The admin console (ui/console, served at `/`) end to end in headless Chromium, against the real API, PostgreSQL,
 * Kafka and both provider emulators: forms with the server's field errors, badges and records that follow sync
 * events live (no reload), retry and replay, invoices, providers and imports, and the token prompt.
 *
 * Every wait is a Playwright auto-waiting locator or expectEventually; screenshots go to .cache/screenshots/.
 */
describe('admin console in headless Chromium', () => {
  let t: TestApp;
  let emu: StripeEmulator;
  let dashboard: Stripe;
  let sf: SalesforceEmulator;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  let loads = 0;
  let adaId = '';

  const WAIT = { timeout: 20_000 };
  const customers = () => customersApi(t);
  const badge = (scope: string, provider: string, state: string) =>
    page.locator(`${scope} [data-testid=sync-badge][data-provider=${provider}][data-state=${state}]`);
  /** Waits for the record page's sync table to show `state` for both providers. */
  const bothOnRecordPage = async (state: string) => {
    await badge('[data-testid=sync-row-STRIPE]', 'STRIPE', state).waitFor(WAIT);
    await badge('[data-testid=sync-row-SALESFORCE]', 'SALESFORCE', state).waitFor(WAIT);
  };
  const heading = (text: string) => page.getByRole('heading', { level: 1, name: text }).waitFor(WAIT);
  const nav = (name: string) => page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name }).click();
  /** The marker set once the console was opened: still there means the page was never reloaded. */
  const marker = () => page.evaluate(() => (globalThis as Record<string, unknown>).__consoleMarker);

  beforeAll(async () => {
    ({ t, emu, dashboard, sf } = await startAppWithBothProviders());
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
    pageErrors = collectPageErrors(page);
    page.on('load', () => (loads += 1));
  });
  afterAll(async () => {
    await browser?.close();
    await t?.stop();
    await emu?.close();
    await sf?.close();
  });
  afterEach(() => {
    emu.clearFaults();
    emu.release();
    expect(pageErrors.splice(0)).toEqual([]);
  });

  it('creates a customer through the form, showing the server’s field errors first; its badges go SYNCED', async () => {
    await page.goto(`${t.url}/`);
    await heading('Customers');
    expect(new URL(page.url()).hash).toBe('#/customers');
    await page.evaluate(() => ((globalThis as Record<string, unknown>).__consoleMarker = 'opened once'));
    await page.getByTestId('live-indicator').and(page.locator('[data-state=live]')).waitFor(WAIT);

    await page.getByRole('link', { name: 'New customer' }).click();
    await heading('New customer');
    await page.getByLabel('Email').fill('not-an-email');
    await page.getByRole('button', { name: 'Create customer' }).click();
    // BAD_USER_INPUT with extensions.fields, each shown under its own field.
    await expect(page.getByTestId('field-error-email').textContent(WAIT)).resolves.toBe(
      'must be a valid email address',
    );
    expect(await page.getByTestId('field-error-name').textContent()).toBe('must not be empty');
    expect(await page.getByLabel('Email').getAttribute('aria-invalid')).toBe('true');
    await screenshot(page, 'console-customer-form-errors');

    // Stripe's reply to the create is held until the page shows the customer on its way there.
    emu.injectFaults({ count: 1, method: 'POST', path: '/v1/customers$', hold: 'ada' });
    await page.getByLabel('Name').fill('Ada Console');
    await page.getByLabel('Email').fill('ada.console@example.com');
    await page.getByRole('button', { name: 'Create customer' }).click();
    await page.waitForURL(/#\/customers\/[0-9a-f-]{36}$/, WAIT);
    adaId = new URL(page.url()).hash.split('/').pop()!;
    expect(await page.getByTestId('customer-name').textContent()).toBe('Ada Console');
    await expectEventually(() => emu.held().length === 1);
    await page
      .locator('[data-testid=sync-row-STRIPE] [data-testid=sync-badge]:is([data-state=PENDING], [data-state=SYNCING])')
      .waitFor(WAIT);
    expect(emu.release('ada')).toBe(1);
    // The badges turn SYNCED in the open page: only syncStatusChanged can tell it (the page does not poll).
    await bothOnRecordPage('SYNCED');
    const stripeId = (await page.getByTestId('external-id-STRIPE').locator('code').textContent()) ?? '';
    expect(stripeId).toMatch(/^cus_/);
    const sfId = (await page.getByTestId('external-id-SALESFORCE').locator('code').textContent()) ?? '';
    expect(sf.contacts().map((c) => c.Id)).toContain(sfId);
    // Links to a provider's dashboard where the server has one (ExternalMapping.url): the Salesforce record's page;
    // none for the Stripe emulator, which has no dashboard.
    expect(await page.getByTestId('external-id-SALESFORCE').locator('a').getAttribute('href')).toContain(sfId);
    expect(await page.getByTestId('external-id-STRIPE').locator('a').count()).toBe(0);
  });

  it('shows a change made in the Stripe dashboard on the open record page, without a reload', async () => {
    const stripeId = (await page.getByTestId('external-id-STRIPE').locator('code').textContent())!;
    await dashboard.customers.update(stripeId, { name: 'Ada Changed In Stripe' });

    await page.getByTestId('customer-name').getByText('Ada Changed In Stripe', { exact: true }).waitFor(WAIT);
    await page.getByTestId('customer-version').getByText('2', { exact: true }).waitFor(WAIT);
    // The change went on from the catalog to Salesforce: both badges settle on SYNCED for version 2.
    await customers().synced(adaId, 'SALESFORCE', 2);
    await bothOnRecordPage('SYNCED');
    const contact = sf.contacts().find((c) => c.Email === 'ada.console@example.com');
    expect(`${contact?.FirstName} ${contact?.LastName}`).toBe('Ada Changed In Stripe');
    // The sync history has the inbound change and the outbound writes.
    await page.locator('[data-testid=history-row][data-direction=INBOUND][data-outcome=updated]').first().waitFor(WAIT);
    await page.locator('[data-testid=history-row][data-direction=OUTBOUND][data-outcome=synced]').first().waitFor(WAIT);

    expect(await marker()).toBe('opened once');
    expect(loads).toBe(1);
    await screenshot(page, 'console-record-after-stripe-edit');
  });

  it('edits against the version shown and says CONFLICT when someone else changed the customer first', async () => {
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    await page.getByLabel('Name').fill('Ada Mine');
    // Someone else saves first; the page re-reads the record in the background, the open form keeps its version.
    const other = await t.gql(
      `mutation($id: ID!) { updateCustomer(id: $id, input: { email: "ada.other@example.com" }) { version } }`,
      { id: adaId },
    );
    expect(other.errors).toBeUndefined();
    await page.getByTestId('customer-email').getByText('ada.other@example.com').waitFor(WAIT);
    await page.getByRole('button', { name: 'Save changes' }).click();
    const conflict = await page.getByTestId('conflict-message').textContent(WAIT);
    expect(conflict).toContain('now at version 3');
    expect(conflict).toContain('started from version 2');

    await page.getByRole('button', { name: 'Discard my changes and show the latest' }).click();
    expect(await page.getByTestId('customer-name').textContent()).toBe('Ada Changed In Stripe');
    await page.getByRole('button', { name: 'Edit', exact: true }).click();
    await page.getByLabel('Name').fill('Ada Lovelace');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByTestId('customer-name').getByText('Ada Lovelace', { exact: true }).waitFor(WAIT);
    await page.getByTestId('customer-version').getByText('4', { exact: true }).waitFor(WAIT);
    await bothOnRecordPage('SYNCED');
    expect(
      (await dashboard.customers.retrieve((await customers().status(adaId, 'STRIPE')).externalId!)) as Stripe.Customer,
    ).toMatchObject({ name: 'Ada Lovelace' });
  });

  // Three customers Stripe refuses (503 until the faults are cleared); each ends FAILED and dead-lettered.
  const faulty: string[] = [];

  it('lists customers with search and paging, their badges changing live', async () => {
    emu.injectFaults({ count: 1000, method: 'POST', path: '/v1/customers$', status: 503 });
    for (const n of ['One', 'Two', 'Three']) {
      faulty.push((await customers().create(`Faulty ${n}`, `faulty.${n.toLowerCase()}@example.com`)).id);
    }
    for (const id of faulty) {
      await expectEventually(async () => {
        expect(await customers().status(id, 'STRIPE')).toMatchObject({
          state: 'FAILED',
          lastError: expect.stringContaining('gave up'),
        });
      });
    }
    emu.clearFaults();

    await nav('Customers');
    await heading('Customers');
    await page.getByLabel('Search customers').fill('faulty');
    await page.getByRole('button', { name: 'Search' }).click();
    const rows = page.getByTestId('customer-row');
    await page.getByTestId('pager-summary').getByText('3 shown of 3').waitFor(WAIT);
    for (const id of faulty) {
      await badge(`[data-testid=customer-row][data-id="${id}"]`, 'STRIPE', 'FAILED').waitFor(WAIT);
      await badge(`[data-testid=customer-row][data-id="${id}"]`, 'SALESFORCE', 'SYNCED').waitFor(WAIT);
    }

    // Someone retries the third one (another admin, through the API): its row turns SYNCED here, live.
    const retried = await t.gql(
      `mutation($id: ID!) { retrySync(entityType: CUSTOMER, entityId: $id, provider: STRIPE) { state } }`,
      { id: faulty[2] },
    );
    expect(retried.errors).toBeUndefined();
    await badge(`[data-testid=customer-row][data-id="${faulty[2]}"]`, 'STRIPE', 'SYNCED').waitFor(WAIT);
    expect(await rows.count()).toBe(3);
    expect(await marker()).toBe('opened once');
    await screenshot(page, 'console-customers');
  });

  it('pages through a list with first/after', async () => {
    for (let i = 0; i < 12; i++) {
      await customers().create(`Pager ${String(i).padStart(2, '0')}`, `pager.${i}@example.com`);
    }
    await page.getByLabel('Search customers').fill('pager');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByTestId('pager-summary').getByText('12 shown of 12').waitFor(WAIT);
    await page.getByLabel('Rows per page').selectOption('10');
    const pager = page.getByRole('navigation', { name: 'Customer pages' });
    await page.getByTestId('pager-summary').getByText('10 shown of 12').waitFor(WAIT);
    expect(await page.getByTestId('customer-row').first().locator('th').textContent()).toBe('Pager 00');
    await pager.getByRole('button', { name: 'Next' }).click();
    await page.getByTestId('pager-summary').getByText('2 shown of 12').waitFor(WAIT);
    expect(await page.getByTestId('customer-row').first().locator('th').textContent()).toBe('Pager 10');
    await pager.getByRole('button', { name: 'Previous' }).click();
    await page.getByTestId('pager-summary').getByText('10 shown of 12').waitFor(WAIT);
  });

  it('lists failures; Replay clears a dead letter and Retry on the record page brings SYNCED', async () => {
    await nav('Failures');
    await heading('Failures');
    const failureRow = (id: string) => page.locator(`[data-testid=failure-row][data-entity-id="${id}"]`);
    const letterRow = (id: string) => page.locator(`[data-testid=dead-letter-row][data-entity-id="${id}"]`);
    await failureRow(faulty[0]!).waitFor(WAIT);
    await failureRow(faulty[1]!).waitFor(WAIT);
    await letterRow(faulty[0]!).waitFor(WAIT);
    await letterRow(faulty[1]!).waitFor(WAIT);
    // retrySync marked the third one's dead letter replayed, so it is not listed (replayed ones are hidden).
    expect(await letterRow(faulty[2]!).count()).toBe(0);
    expect(await letterRow(faulty[1]!).textContent()).toContain('Stripe customer create failed');
    await screenshot(page, 'console-failures');

    await letterRow(faulty[1]!)
      .getByRole('button', { name: /^Replay/ })
      .click();
    await letterRow(faulty[1]!).waitFor({ state: 'detached', ...WAIT });
    await failureRow(faulty[1]!).waitFor({ state: 'detached', ...WAIT });
    await customers().synced(faulty[1]!, 'STRIPE', 1);
    await page.getByLabel('Show replayed').check();
    await letterRow(faulty[1]!).and(page.locator('[data-replayed=true]')).waitFor(WAIT);

    await failureRow(faulty[0]!).getByRole('link').click();
    await heading('Faulty One');
    expect(await page.getByTestId('last-error-STRIPE').textContent()).toContain('gave up');
    await page.getByTestId('retry-STRIPE').click();
    await bothOnRecordPage('SYNCED');
    await page.getByTestId('last-error-STRIPE').waitFor({ state: 'detached', ...WAIT });
    expect(await page.getByTestId('external-id-STRIPE').locator('code').textContent()).toMatch(/^cus_/);
    expect(await marker()).toBe('opened once');
  });

  it('creates an invoice in the page and finalizes it; Stripe’s number shows up live', async () => {
    await nav('Customers');
    await page.getByLabel('Search customers').fill('Ada Lovelace');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: 'Ada Lovelace' }).click();
    await heading('Ada Lovelace');
    await page.getByRole('link', { name: 'New invoice' }).first().click();
    await heading('New invoice');
    // The customer comes preselected from its page.
    await expect(page.getByLabel('Customer', { exact: true }).inputValue()).resolves.toBe(adaId);
    await page.getByLabel('Amount').fill('1250.50');
    await page.getByLabel('Currency').fill('XYZ');
    await page.getByLabel('Description').fill('Analytical engine consulting');
    await page.getByRole('button', { name: 'Create draft invoice' }).click();
    expect(await page.getByTestId('field-error-currency').textContent(WAIT)).toContain('ISO 4217');
    await screenshot(page, 'console-invoice-form-errors');

    await page.getByLabel('Currency').fill('EUR');
    await page.getByRole('button', { name: 'Create draft invoice' }).click();
    await page.waitForURL(/#\/invoices\/[0-9a-f-]{36}$/, WAIT);
    const invoiceId = new URL(page.url()).hash.split('/').pop()!;
    expect(await page.getByTestId('invoice-amount').textContent()).toBe('€1,250.50');
    await bothOnRecordPage('SYNCED');

    await page.getByRole('button', { name: 'Finalize' }).click();
    await page.locator('.page-header [data-testid=invoice-status][data-status=OPEN]').waitFor(WAIT);
    // Stripe numbers the invoice when it is finalized; the number comes back and the page shows it.
    await page
      .getByTestId('invoice-number')
      .getByText(/^[A-Z0-9]+-\d+$/)
      .waitFor(WAIT);
    await bothOnRecordPage('SYNCED');
    const stripeInvoiceId = (await page.getByTestId('external-id-STRIPE').locator('code').textContent())!;
    expect(await dashboard.invoices.retrieve(stripeInvoiceId)).toMatchObject({ status: 'open', total: 125050 });
    await page.locator('[data-testid=history-row][data-outcome=synced]').first().waitFor(WAIT);
    await screenshot(page, 'console-invoice');

    await nav('Invoices');
    await page.getByLabel('Status').selectOption('OPEN');
    await page.locator(`[data-testid=invoice-row][data-id="${invoiceId}"]`).waitFor(WAIT);
    await badge(`[data-testid=invoice-row][data-id="${invoiceId}"]`, 'STRIPE', 'SYNCED').waitFor(WAIT);
    await screenshot(page, 'console-invoices');
    await page.getByLabel('Status').selectOption('DRAFT');
    await page.getByText('No invoices match these filters.').waitFor(WAIT);
    expect(await marker()).toBe('opened once');
  });

  it('shows the providers’ health and an import’s progress bar until it completes', async () => {
    await nav('Providers');
    await heading('Providers');
    for (const provider of ['STRIPE', 'SALESFORCE']) {
      const card = page.locator(`[data-testid=provider-card][data-provider=${provider}]`);
      await card.waitFor(WAIT);
      expect(await card.getByTestId('provider-enabled').getAttribute('data-value')).toBe('true');
      expect(await card.getByTestId('provider-configured').getAttribute('data-value')).toBe('true');
      expect(await card.getByTestId('provider-webhook').getAttribute('data-value')).toBe('true');
    }
    // This test's app is the only worker process: it has all of each limit (tests/support: 200/s and 500/s).
    const rate = (provider: string) =>
      page.locator(`[data-testid=provider-card][data-provider=${provider}] [data-testid=provider-rate-limit]`);
    expect(await rate('STRIPE').textContent()).toMatch(/: 200 requests\/s/);
    expect(await rate('SALESFORCE').textContent()).toMatch(/: 500 requests\/s/);
    // The import's first page from Stripe is held: the bar shows it running, then (polled) completed.
    emu.injectFaults({ count: 1, method: 'GET', path: '/v1/customers$', hold: 'import' });
    await page.getByRole('button', { name: 'Import customers from Stripe' }).click();
    const job = page.locator('[data-testid=import-job][data-provider=STRIPE]').first();
    await job.locator('[role=progressbar][data-status=RUNNING]').waitFor(WAIT);
    await expectEventually(() => emu.held().length === 1);
    expect(emu.release('import')).toBe(1);
    await job.locator('[role=progressbar][data-status=COMPLETED]').waitFor(WAIT);
    const inStripe = (await dashboard.customers.list({ limit: 100 })).data.length;
    expect(Number(await job.getByTestId('import-processed').textContent())).toBe(inStripe);
    expect(await job.getByRole('progressbar').getAttribute('aria-valuetext')).toMatch(/^completed: \d+ processed/);
    await screenshot(page, 'console-providers');
    expect(await marker()).toBe('opened once');
    expect(loads).toBe(1);
  });

  it('asks for an API token when the server requires one, and keeps it for the tab', async () => {
    const secured = await startTestApp({ API_TOKENS: 'console-test-token' });
    const context = await browser.newContext();
    try {
      const tab = await context.newPage();
      await tab.goto(`${secured.url}/`);
      const dialog = tab.getByRole('dialog', { name: 'API token required' });
      await dialog.waitFor(WAIT);
      await tab.getByLabel('API token', { exact: true }).fill('wrong-token');
      await tab.getByRole('button', { name: 'Use token' }).click();
      await dialog.getByText('refused the token').waitFor(WAIT);
      await tab.getByLabel('API token', { exact: true }).fill('console-test-token');
      await tab.getByRole('button', { name: 'Use token' }).click();
      await tab.getByText('No customers yet.').waitFor(WAIT);
      await tab.getByTestId('live-indicator').and(tab.locator('[data-state=live]')).waitFor(WAIT);
      expect(await dialog.count()).toBe(0);
      // The token is kept for this tab: a reload needs no prompt.
      await tab.reload();
      await tab.getByText('No customers yet.').waitFor(WAIT);
      expect(await dialog.count()).toBe(0);
    } finally {
      await context.close();
      await secured.stop();
    }
  });
});
