import { startSalesforceEmulator } from '../../../emulators/salesforce/index.js';
import { connect } from './support.js';

describe('Salesforce emulator: state kept between runs', () => {
  it('a new emulator started from state() serves the same records (recycle bin included) and never reuses an id', async () => {
    const first = await startSalesforceEmulator();
    const contactId = first.ui.create('Contact', {
      LastName: 'Hopper',
      Email: 'grace@example.com',
      Catalog_Sync_Id__c: 'g1',
    });
    const goneId = first.ui.create('Contact', { LastName: 'Gone' });
    first.ui.delete('Contact', goneId);
    const invoiceId = first.ui.create('Catalog_Invoice__c', { Name: 'INV-1', Contact__c: contactId, Amount__c: 12.5 });
    const saved = JSON.parse(JSON.stringify(first.state())) as ReturnType<typeof first.state>;
    await first.close();

    const second = await startSalesforceEmulator({ state: saved });
    try {
      const conn = await connect(second);
      expect(await conn.sobject('Contact').retrieve(contactId)).toMatchObject({
        LastName: 'Hopper',
        Email: 'grace@example.com',
      });
      const bin = await conn.query<{ Id: string; IsDeleted: boolean }>(
        `SELECT Id, IsDeleted FROM Contact WHERE Id = '${goneId}'`,
        { scanAll: true },
      );
      expect(bin.records).toEqual([expect.objectContaining({ Id: goneId, IsDeleted: true })]);
      expect(second.invoices().map((r) => [r.Id, r.Contact__c])).toEqual([[invoiceId, contactId]]);
      // Unique External IDs are enforced against restored records too.
      await expect(conn.sobject('Contact').create({ LastName: 'Copy', Catalog_Sync_Id__c: 'g1' })).rejects.toThrow(
        /duplicate/i,
      );
      const fresh = second.ui.create('Contact', { LastName: 'New' });
      expect([contactId, goneId, invoiceId]).not.toContain(fresh);
    } finally {
      await second.close();
    }
  });
});
