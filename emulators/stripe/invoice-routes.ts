import {
  readFinalizeInput,
  readInvoiceCreate,
  readInvoiceItemCreate,
  readInvoiceItemListFilter,
  readInvoiceItemUpdate,
  readInvoiceListFilter,
  readInvoiceUpdate,
  readPayInput,
} from './invoice-params.js';
import { readListOptions } from './pagination.js';
import { allowOnly } from './params.js';
import { bareRoute, listRoute, ok, retrieveRoute, type Route, searchRoute } from './route.js';

// https://docs.stripe.com/api/invoices and https://docs.stripe.com/api/invoiceitems, as stripe-node calls them
// (`invoices.finalizeInvoice` is POST /v1/invoices/:id/finalize, and so on).

const INVOICE = /^\/v1\/invoices\/([^/]+)$/;
const ITEM = /^\/v1\/invoiceitems\/([^/]+)$/;
const action = (name: string) => new RegExp(`^/v1/invoices/([^/]+)/${name}$`);

export const INVOICE_ROUTES: Route[] = [
  {
    method: 'POST',
    pattern: /^\/v1\/invoices$/,
    handle: (call, store) => ok(store.invoices.createInvoice(readInvoiceCreate(call.params), call)),
  },
  listRoute(/^\/v1\/invoices$/, ['customer', 'status', 'collection_method'], (store, options, params) =>
    store.invoices.listInvoices(options, readInvoiceListFilter(params)),
  ),
  searchRoute(/^\/v1\/invoices\/search$/),
  retrieveRoute(INVOICE, (store, id) => store.invoices.retrieveInvoice(id)),
  {
    method: 'POST',
    pattern: INVOICE,
    handle: (call, store) => ok(store.invoices.updateInvoice(call.id, readInvoiceUpdate(call.params), call)),
  },
  bareRoute('DELETE', INVOICE, (store, call) => store.invoices.deleteInvoice(call.id, call)),
  {
    method: 'GET',
    pattern: action('lines'),
    handle: ({ params, id }, store) => {
      allowOnly(params, ['limit', 'starting_after', 'ending_before', 'expand']);
      return ok(store.invoices.listLines(id, readListOptions(params)));
    },
  },
  {
    method: 'POST',
    pattern: action('finalize'),
    handle: (call, store) => ok(store.invoices.finalizeInvoice(call.id, readFinalizeInput(call.params), call)),
  },
  {
    method: 'POST',
    pattern: action('pay'),
    handle: (call, store) => ok(store.invoices.payInvoice(call.id, readPayInput(call.params), call)),
  },
  bareRoute('POST', action('void'), (store, call) => store.invoices.voidInvoice(call.id, call)),
  bareRoute('POST', action('mark_uncollectible'), (store, call) => store.invoices.markUncollectible(call.id, call)),
  {
    method: 'POST',
    pattern: /^\/v1\/invoiceitems$/,
    handle: (call, store) => ok(store.invoices.createItem(readInvoiceItemCreate(call.params), call)),
  },
  listRoute(/^\/v1\/invoiceitems$/, ['customer', 'invoice', 'pending'], (store, options, params) =>
    store.invoices.listItems(options, readInvoiceItemListFilter(params)),
  ),
  retrieveRoute(ITEM, (store, id) => store.invoices.retrieveItem(id)),
  {
    method: 'POST',
    pattern: ITEM,
    handle: (call, store) => ok(store.invoices.updateItem(call.id, readInvoiceItemUpdate(call.params), call)),
  },
  bareRoute('DELETE', ITEM, (store, call) => store.invoices.deleteItem(call.id, call)),
];
