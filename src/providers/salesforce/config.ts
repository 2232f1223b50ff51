import { z } from 'zod';

/** Salesforce's environment variables (merged into the app config, parsed once at start-up). */
export const salesforceConfigShape = {
  SALESFORCE_LOGIN_URL: z.url().default('https://login.salesforce.com'),
  SALESFORCE_CLIENT_ID: z.string().min(1).optional(),
  SALESFORCE_CLIENT_SECRET: z.string().min(1).optional(),
  SALESFORCE_API_VERSION: z
    .string()
    .regex(/^\d{2}\.0$/, 'must look like 62.0')
    // sObject Collections upsert (used for creates) needs API 46.0 or later.
    .refine((v) => Number(v) >= 46, 'must be 46.0 or later')
    .default('62.0'),
  SALESFORCE_ORG_ID: z
    .string()
    .regex(/^00D[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$/, 'must be a 15 or 18 character Salesforce org id (00D...)')
    .optional(),
  SALESFORCE_EXTERNAL_ID_FIELD: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_]*__c$/, 'must be a custom field API name (..__c)')
    .default('Catalog_Sync_Id__c'),
  // The invoice custom object (infra/salesforce/ ships it); it carries the same External ID field as Contact.
  SALESFORCE_INVOICE_OBJECT: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_]*__c$/, 'must be a custom object API name (..__c)')
    .default('Catalog_Invoice__c'),
  SALESFORCE_CLIENT_NAME: z.string().default('catalog-sync'),
  // Optional: new Contacts are created under this Account (otherwise they are private contacts).
  SALESFORCE_ACCOUNT_ID: z
    .string()
    .regex(/^001[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$/, 'must be a 15 or 18 character Account id (001...)')
    .optional(),
  // 0 turns the getUpdated/getDeleted poll off (outbound messages only).
  SALESFORCE_POLL_INTERVAL_MS: z.coerce.number().int().min(0).max(86_400_000).default(60_000),
  SALESFORCE_RATE_LIMIT_RPS: z.coerce.number().positive().max(10_000).default(20),
};

export type SalesforceConfig = z.infer<z.ZodObject<typeof salesforceConfigShape>>;

export function checkSalesforceConfig(c: SalesforceConfig): Array<{ variable: string; message: string }> {
  return Boolean(c.SALESFORCE_CLIENT_ID) !== Boolean(c.SALESFORCE_CLIENT_SECRET)
    ? [
        {
          variable: 'SALESFORCE_CLIENT_SECRET',
          message: 'set both SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET, or neither',
        },
      ]
    : [];
}
