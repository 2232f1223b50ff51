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

// Table only for now: the invoice catalog's definition, API and sync come with their own issue.
const InvoiceSchema = defineEntity({
  name: 'Invoice',
  tableName: 'invoice',
  properties: {
    id: p.uuid().primary(),
    customer: () => p.manyToOne(Customer),
    // Money is integer minor units (cents), never floats.
    amountCents: p.integer(),
    currency: p.string().length(3),
    status: p.enum(() => InvoiceStatus).default(InvoiceStatus.DRAFT),
    description: p.text().nullable(),
    dueDate: p.date().nullable(),
    version: p.integer().version(),
    ...timestamps,
    deletedAt: p.datetime().nullable(),
  },
});

export class Invoice extends InvoiceSchema.class {}
InvoiceSchema.setClass(Invoice);
export { InvoiceSchema };
