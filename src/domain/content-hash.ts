import { createHash } from 'node:crypto';

/**
 * A hash of the fields we sync for a customer. Stored on the mapping after every write and read, so a provider
 * event carrying exactly what we last synced (our own echo, or a duplicate) is recognized and changes nothing.
 */
export function customerHash(fields: { name: string; email: string }): string {
  return createHash('sha256')
    .update(JSON.stringify([fields.name.trim(), fields.email.trim().toLowerCase()]))
    .digest('hex');
}
