import type { EventEnvelope } from '../core/envelope.js';
import { isEnvelope } from '../core/envelope.js';

/** A failed provider write waiting on the provider's retry topic, or parked on its dead-letter topic. */
export interface RetryMessage {
  envelope: EventEnvelope;
  /** Attempts already made. */
  attempt: number;
  /** Not before this time (ms since epoch). */
  notBefore: number;
  lastError?: string;
}

export function parseRetryMessage(raw: Buffer | null): RetryMessage | undefined {
  if (!raw) return undefined;
  try {
    const v = JSON.parse(raw.toString()) as Partial<RetryMessage>;
    if (!isEnvelope(v.envelope) || typeof v.attempt !== 'number' || typeof v.notBefore !== 'number') return undefined;
    return v as RetryMessage;
  } catch {
    return undefined;
  }
}
