import { defineEntity } from '@mikro-orm/core';
import { timestamps } from '../../engine/entities/timestamps.js';
import { Customer } from '../customer/entity.js';

const p = defineEntity.properties;

export enum InvoiceStatus {
  DRAFT = 'draft',
  OPEN = 'open',
  PAID = 'paid',
  VOID = 'void',
  UNCOLLECTIBLE = 'uncollectible',
}

const InvoiceSchema = defineEntity({
  name: 'Invoice',
  tableName: 'invoice',
  properties: {
    id: p.uuid().primary(),
    // The customer's id as a plain synced field (the engine compares and hashes it like any other), still a
    // foreign key in the database.
    customerId: () => p.manyToOne(Customer).mapToPk().fieldName('customer_id').index(),
    // Assigned by Stripe when the invoice is finalized (null before, and without Stripe).
    number: p.string().length(64).nullable(),
    // Money is integer minor units (cents; yen for JPY), never floats.
    amountCents: p.integer(),
    currency: p.string().length(3),
    status: p.enum(() => InvoiceStatus).default(InvoiceStatus.DRAFT),
    description: p.text().nullable(),
    // 'YYYY-MM-DD': a calendar day, as Stripe's send_invoice due date and Salesforce's Date field mean it.
    dueDate: p.string().columnType('date').nullable(),
    version: p.integer().version(),
    ...timestamps,
    deletedAt: p.datetime().nullable(),
  },
});

export class Invoice extends InvoiceSchema.class {}
InvoiceSchema.setClass(Invoice);
export { InvoiceSchema };
