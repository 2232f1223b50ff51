/**
 * Salesforce error shapes. Request-level REST errors are a JSON array `[{message, errorCode, fields?}]`
 * (jsforce turns a one-element array into an error with `.errorCode`); per-record results inside sObject
 * Collections use `{statusCode, message, fields}` instead.
 */

/** A failure of one record in a DML operation. */
export interface RecordError {
  statusCode: string;
  message: string;
  fields: string[];
}

export function recordError(statusCode: string, message: string, fields: string[] = []): RecordError {
  return { statusCode, message, fields };
}

/** Thrown by handlers to answer the whole request with an error. */
export class ApiError extends Error {
  readonly status: number;
  readonly errorCode: string;
  readonly fields: string[] | undefined;

  constructor(status: number, errorCode: string, message: string, fields?: string[]) {
    super(message);
    this.status = status;
    this.errorCode = errorCode;
    this.fields = fields;
  }

  static fromRecord(status: number, err: RecordError): ApiError {
    return new ApiError(status, err.statusCode, err.message, err.fields);
  }

  body(): Array<{ message: string; errorCode: string; fields?: string[] }> {
    return [{ message: this.message, errorCode: this.errorCode, ...(this.fields ? { fields: this.fields } : {}) }];
  }
}

export const notFound = (): ApiError => new ApiError(404, 'NOT_FOUND', 'The requested resource does not exist');
