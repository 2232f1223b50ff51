import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FaultSpec, HeldReply, RequestLogEntry, StripeCustomer, StripeEvent, StripeInvoice } from './types.js';
import type { WebhookHold } from './webhook-holds.js';
import type { PendingWebhook } from './webhooks.js';

// Unauthenticated `/_emulator/*` endpoints, so that tests and the local dev setup can drive an emulator running in
// another process: simulate outages, point webhooks somewhere, inspect state.

export interface ControlTarget {
  reset(): void;
  injectFaults(fault: FaultSpec): void;
  release(hold?: string): number;
  held(): HeldReply[];
  setWebhookUrl(url: string | undefined): void;
  customers(): StripeCustomer[];
  invoices(): StripeInvoice[];
  requestLog(): RequestLogEntry[];
  deliveredEvents(): StripeEvent[];
  holdWebhooks(rule: WebhookHold): void;
  releaseWebhooks(hold?: string): number;
  pendingWebhooks(): PendingWebhook[];
}

class ControlError extends Error {}

export function handleControl(
  target: ControlTarget,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  rawBody: string,
): void {
  const route = `${req.method ?? 'GET'} ${path}`;
  try {
    switch (route) {
      case 'GET /_emulator/health':
        return reply(res, 200, { ok: true });
      case 'POST /_emulator/reset':
        target.reset();
        return reply(res, 200, { ok: true });
      case 'POST /_emulator/faults':
        target.injectFaults(readFault(readJson(rawBody)));
        return reply(res, 200, { ok: true });
      case 'POST /_emulator/release':
        return reply(res, 200, { released: target.release(readHoldName(readJson(rawBody))) });
      case 'GET /_emulator/held':
        return reply(res, 200, { data: target.held() });
      case 'POST /_emulator/webhook-url': {
        const { url } = readJson(rawBody);
        if (url !== undefined && url !== null && (typeof url !== 'string' || !URL.canParse(url))) {
          throw new ControlError('url must be an absolute URL, or null to stop sending webhooks');
        }
        target.setWebhookUrl(url ?? undefined);
        return reply(res, 200, { url: url ?? null });
      }
      case 'GET /_emulator/customers':
        return reply(res, 200, { data: target.customers() });
      case 'GET /_emulator/invoices':
        return reply(res, 200, { data: target.invoices() });
      case 'GET /_emulator/requests':
        return reply(res, 200, { data: target.requestLog() });
      case 'GET /_emulator/delivered-events':
        return reply(res, 200, { data: target.deliveredEvents() });
      case 'POST /_emulator/webhook-holds':
        target.holdWebhooks(readWebhookHold(readJson(rawBody)));
        return reply(res, 200, { ok: true });
      case 'POST /_emulator/webhook-release':
        return reply(res, 200, { released: target.releaseWebhooks(readHoldName(readJson(rawBody))) });
      case 'GET /_emulator/pending-webhooks':
        return reply(res, 200, { data: target.pendingWebhooks() });
      default:
        return reply(res, 404, { error: { message: `Unknown emulator control endpoint: ${route}` } });
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return reply(res, 400, { error: { message } });
  }
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

function readJson(rawBody: string): Record<string, unknown> {
  if (rawBody.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(rawBody);
  } catch {
    throw new ControlError('body must be JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ControlError('body must be a JSON object');
  }
  return parsed as Record<string, unknown>;
}

function readFault(body: Record<string, unknown>): FaultSpec {
  const { status, count, latencyMs, path, method, phase, dropConnection, hold, shouldRetry, code } = body;
  const optional = (name: string, value: unknown, type: 'number' | 'string' | 'boolean') => {
    if (value !== undefined && typeof value !== type) throw new ControlError(`${name} must be a ${type}`);
  };
  if (typeof count !== 'number') throw new ControlError('count must be a number');
  optional('status', status, 'number');
  optional('latencyMs', latencyMs, 'number');
  optional('path', path, 'string');
  optional('method', method, 'string');
  optional('dropConnection', dropConnection, 'boolean');
  optional('hold', hold, 'string');
  if (phase !== undefined && phase !== 'before' && phase !== 'after') {
    throw new ControlError("phase must be 'before' or 'after'");
  }
  optional('shouldRetry', shouldRetry, 'boolean');
  optional('code', code, 'string');
  return {
    count,
    ...(typeof status === 'number' && { status }),
    ...(typeof latencyMs === 'number' && { latencyMs }),
    ...(typeof path === 'string' && { path }),
    ...(typeof method === 'string' && { method }),
    ...((phase === 'before' || phase === 'after') && { phase }),
    ...(typeof dropConnection === 'boolean' && { dropConnection }),
    ...(typeof hold === 'string' && { hold }),
    ...(typeof shouldRetry === 'boolean' && { shouldRetry }),
    ...(typeof code === 'string' && { code }),
  };
}

function readHoldName(body: Record<string, unknown>): string | undefined {
  const { hold } = body;
  if (hold !== undefined && typeof hold !== 'string') throw new ControlError('hold must be a string');
  return hold;
}

function readWebhookHold(body: Record<string, unknown>): WebhookHold {
  const { hold, type, objectId, count } = body;
  // Types only: the dispatcher checks the values (a name, a whole count) and answers 400 with its reason.
  if (typeof hold !== 'string') throw new ControlError('hold must be a string');
  if (type !== undefined && typeof type !== 'string') throw new ControlError('type must be a string');
  if (objectId !== undefined && typeof objectId !== 'string') throw new ControlError('objectId must be a string');
  if (count !== undefined && typeof count !== 'number') throw new ControlError('count must be a number');
  return {
    hold,
    ...(typeof type === 'string' && { type }),
    ...(typeof objectId === 'string' && { objectId }),
    ...(typeof count === 'number' && { count }),
  };
}
