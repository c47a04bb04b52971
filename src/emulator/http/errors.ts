/**
 * Zoho's error envelope `{code, details, message, status:"error"}` and the errors the emulator
 * answers with. A route throws `ZohoHttpError`; the app's error handler writes it out. Anything
 * else thrown becomes a bare 500 INTERNAL_ERROR: no stack trace or internal message ever reaches a
 * response.
 */
import type { ZohoErrorBody } from '../../wire/index.ts';

export class ZohoHttpError extends Error {
  readonly statusCode: number;
  readonly body: unknown;
  constructor(statusCode: number, body: unknown) {
    super(
      typeof body === 'object' && body !== null && 'code' in body
        ? String((body as { code: unknown }).code)
        : 'ZOHO_ERROR',
    );
    this.statusCode = statusCode;
    this.body = body;
  }
}

export function envelope(code: string, message: string, details: Record<string, unknown> = {}): ZohoErrorBody {
  return { code, details, message, status: 'error' };
}

function fail(statusCode: number, code: string, message: string, details: Record<string, unknown> = {}): ZohoHttpError {
  return new ZohoHttpError(statusCode, envelope(code, message, details));
}

// Bodies as Zoho documents them (docs/zoho-notes.md §11, §13; the OAS files' examples).
export const errors = {
  invalidUrlPattern: () =>
    fail(404, 'INVALID_URL_PATTERN', 'Please check if the URL trying to access is a correct one'),
  invalidToken: () => fail(401, 'INVALID_TOKEN', 'invalid oauth token'),
  /** A method the path does not take: HTTP 400, as Zoho's OAS files and the associate docs give it. */
  invalidRequestMethod: () => fail(400, 'INVALID_REQUEST_METHOD', 'The http request method type is not a valid one'),
  invalidModule: () =>
    fail(400, 'INVALID_MODULE', 'the module name given seems to be invalid', { resource_path_index: 0 }),
  /** An id in the path that names no record. Same shape as the Emails OAS `InvalidUrlError`. */
  invalidPathId: (resourcePathIndex: number) =>
    fail(400, 'INVALID_DATA', 'the related id given seems to be invalid', { resource_path_index: resourcePathIndex }),
  invalidParam: (paramName: string, message = 'invalid data') =>
    fail(400, 'INVALID_DATA', message, { param_name: paramName }),
  /** Get Records' wording (docs/zoho-notes.md §11). */
  requiredParamMissing: (paramName: string, message = 'required param is missing') =>
    fail(400, 'REQUIRED_PARAM_MISSING', message, { param_name: paramName }),
  limitExceeded: (limit: number, paramName: string) =>
    fail(400, 'LIMIT_EXCEEDED', 'limit exceeded', { limit, param_name: paramName }),
  discretePaginationLimit: () =>
    fail(400, 'DISCRETE_PAGINATION_LIMIT_EXCEEDED', 'you cannot access more than 2000 records without page_token', {
      limit: 2000,
    }),
  /** The link/unlink "general" 400: a missing top-level input (deal_link_emails.yaml). */
  mandatoryNotFound: (apiName: string, jsonPath: string = apiName) =>
    fail(400, 'MANDATORY_NOT_FOUND', `${apiName} is mandatory`, { api_name: apiName, json_path: jsonPath }),
  /**
   * Too many items for an email API. Zoho's associate_email.yaml shows this shape for its one-item
   * limit (`INVALID_DATA` with `maximum_length`); link/unlink reuse it for their 20-item limit.
   */
  maximumLength: (maximum: number, apiName: string, jsonPath: string = apiName) =>
    fail(400, 'INVALID_DATA', 'invalid data', { maximum_length: maximum, api_name: apiName, json_path: jsonPath }),
  invalidJson: () => fail(400, 'INVALID_DATA', 'body is not a valid JSON', {}),
  unsupportedMediaType: () =>
    fail(415, 'INVALID_DATA', 'the content type of the request is not supported', {
      expected_content_type: 'application/json',
    }),
  bodyTooLarge: (limit: number) => fail(413, 'LIMIT_EXCEEDED', 'the request body is too large', { limit }),
  internal: () => fail(500, 'INTERNAL_ERROR', 'Internal Server Error'),
};
