/** Minimal HTTP plumbing on node:http (the emulator takes no dependencies). */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './errors.js';

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Parses a JSON request body; Salesforce answers malformed JSON with 400 JSON_PARSER_ERROR. */
export function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new ApiError(400, 'JSON_PARSER_ERROR', `Unexpected character in JSON body: ${(err as Error).message}`);
  }
}

export function send(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string> = { ...reply.headers };
  if (reply.body === undefined || reply.status === 204) {
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
  if (!Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    headers['Content-Type'] = 'application/json;charset=UTF-8';
  }
  res.writeHead(reply.status, headers);
  res.end(text);
}

/** `Sforce-Call-Options: client=catalog-sync, defaultNamespace=x` -> 'catalog-sync'. */
export function callOptionsClient(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (!value) return undefined;
  for (const part of value.split(',')) {
    const [k, ...v] = part.split('=');
    if (k?.trim().toLowerCase() === 'client') return v.join('=').trim() || undefined;
  }
  return undefined;
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
