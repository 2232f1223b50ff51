/**
 * Typed application errors. `code` is what API clients branch on (GraphQL `extensions.code`); `cause` keeps the
 * underlying error for logs. Anything that is not an AppError is an internal error and is never shown to clients.
 */
export type ErrorCode =
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'CONFIG_INVALID'
  | 'PROVIDER_ERROR'
  | 'PROVIDER_UNAVAILABLE'
  | 'RATE_LIMITED'
  | 'INTERNAL';

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.details = options?.details;
  }
  readonly details: Record<string, unknown> | undefined;
}

export interface FieldError {
  field: string;
  message: string;
}

export class ValidationError extends AppError {
  constructor(readonly fields: FieldError[]) {
    super('BAD_USER_INPUT', fields.map((f) => `${f.field}: ${f.message}`).join('; '), { details: { fields } });
  }
}

export class NotFoundError extends AppError {
  constructor(entity: string, id: string) {
    super('NOT_FOUND', `${entity} ${id} not found`, { details: { entity, id } });
  }
}

export class ConflictError extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('CONFLICT', message, details ? { details } : undefined);
  }
}
