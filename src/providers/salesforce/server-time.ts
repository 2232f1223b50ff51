import type { SalesforceApi } from './api.js';

/**
 * Salesforce's current time, from the SOAP API's getServerTimestamp()
 * (https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_getservertimestamp.htm):
 * the replication guide bases getUpdated/getDeleted windows on it rather than on the client's clock. One API call.
 */
export async function serverTime(api: SalesforceApi): Promise<Date> {
  const { timestamp } = await api.call('server time', (conn) => conn.soap.getServerTimestamp());
  const at = new Date(timestamp);
  if (Number.isNaN(at.getTime())) throw new Error(`Salesforce getServerTimestamp answered ${timestamp}`);
  return at;
}
