// metav1.Status bodies with the apiserver's exact wording (k8s.io/apimachinery/pkg/api/errors).

export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: { continue?: string };
  status: 'Success' | 'Failure';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  /** Absent on success: the delete handler's Status leaves it zero and `omitempty` drops it. */
  code?: number;
}

/** A group and resource as errors name them: `leases.coordination.k8s.io`, or `namespaces` for the core group. */
export interface GroupResource {
  group: string;
  resource: string;
}

export const leasesResource: GroupResource = { group: 'coordination.k8s.io', resource: 'leases' };
export const namespacesResource: GroupResource = { group: '', resource: 'namespaces' };

export function qualifiedName(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

/** A Status carried as an exception through request handling; `headers` adds e.g. Retry-After. */
export class StatusError extends Error {
  readonly status: Status;
  readonly headers: Record<string, string>;

  constructor(status: Status, headers: Record<string, string> = {}) {
    super(status.message ?? status.reason ?? 'error');
    this.status = status;
    this.headers = headers;
  }
}

function failure(code: number, reason: string | undefined, message: string, details?: StatusDetails): StatusError {
  const status: Status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message };
  if (reason !== undefined) status.reason = reason;
  if (details !== undefined) status.details = details;
  status.code = code;
  return new StatusError(status);
}

/** Details in Go's field order, leaving out empty strings as `omitempty` does. */
function details(name: string, gr: { group: string; kind: string }, extra: StatusDetails = {}): StatusDetails {
  const result: StatusDetails = {};
  if (name) result.name = name;
  if (gr.group) result.group = gr.group;
  if (gr.kind) result.kind = gr.kind;
  return { ...result, ...extra };
}

export function notFound(gr: GroupResource, name: string): StatusError {
  return failure(404, 'NotFound', `${qualifiedName(gr)} "${name}" not found`, details(name, { group: gr.group, kind: gr.resource }));
}

export function alreadyExists(gr: GroupResource, name: string): StatusError {
  return failure(409, 'AlreadyExists', `${qualifiedName(gr)} "${name}" already exists`, details(name, { group: gr.group, kind: gr.resource }));
}

/** NewConflict: `gr` is a resource for storage conflicts, but a Kind for delete preconditions (the real server does both). */
export function conflict(gr: GroupResource, name: string, reason: string): StatusError {
  return failure(409, 'Conflict', `Operation cannot be fulfilled on ${qualifiedName(gr)} "${name}": ${reason}`, details(name, { group: gr.group, kind: gr.resource }));
}

/** NewApplyConflict: a server-side apply that would change fields other managers own; one cause per field, no name. */
export function applyConflict(message: string, causes: StatusCause[]): StatusError {
  return failure(409, 'Conflict', message, { causes });
}

export const optimisticLockMessage = 'the object has been modified; please apply your changes to the latest version and try again';

export function badRequest(message: string): StatusError {
  return failure(400, 'BadRequest', message);
}

export function forbidden(gr: GroupResource, name: string, reason: string): StatusError {
  const subject = name ? `${qualifiedName(gr)} "${name}"` : qualifiedName(gr);
  return failure(403, 'Forbidden', `${subject} is forbidden: ${reason}`, details(name, { group: gr.group, kind: gr.resource }));
}

export function unauthorized(): StatusError {
  return failure(401, 'Unauthorized', 'Unauthorized');
}

export function internalError(cause: string): StatusError {
  return failure(500, 'InternalError', `Internal error occurred: ${cause}`, { causes: [{ message: cause }] });
}

/** An error the apiserver did not classify (ErrorToAPIStatus of a plain Go error): no reason, code 500. */
export function unclassifiedError(message: string): StatusError {
  return failure(500, undefined, message);
}

export function tooManyRequests(retryAfterSeconds: number): StatusError {
  const error = failure(429, 'TooManyRequests', 'Too many requests, please try again later.', { retryAfterSeconds });
  return new StatusError(error.status, { 'Retry-After': String(retryAfterSeconds) });
}

export function pathNotFound(): StatusError {
  return failure(404, 'NotFound', 'the server could not find the requested resource', {});
}

export function methodNotAllowed(): StatusError {
  return failure(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource', {});
}

/** The media types kube-apiserver names in its 406 and 415 answers. */
const servedMediaTypes = 'application/json, application/yaml, application/vnd.kubernetes.protobuf';

export function notAcceptable(): StatusError {
  return failure(406, 'NotAcceptable', `406: Not Acceptable\n\nAvailable representations: ${servedMediaTypes}`, {});
}

/** A PATCH whose Content-Type is no patch type: the patch handler's bare 415. */
export function unsupportedPatchType(): StatusError {
  return failure(415, 'UnsupportedMediaType', '415: Unsupported Media Type', {});
}

export function unsupportedMediaType(): StatusError {
  return failure(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: ${servedMediaTypes}`);
}

export function requestEntityTooLarge(limit: number): StatusError {
  return failure(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`);
}

/** NewGenericServerResponse(422): what a JSON patch that fails to apply (including a failed `test`) gets. */
export function patchRejected(): StatusError {
  return failure(422, 'Invalid', 'the server rejected our request due to an error in our request', {});
}

export function expired(message: string, continueToken?: string): StatusError {
  const error = failure(410, 'Expired', message);
  if (continueToken !== undefined) error.status.metadata.continue = continueToken;
  return error;
}

/**
 * storage.NewTooLargeResourceVersionError: a read that must be at least as new as a resourceVersion the store has
 * not reached is a Timeout (504), marked with the ResourceVersionTooLarge cause and a hint to retry.
 */
export function tooLargeResourceVersion(requested: number, current: number, retryAfterSeconds: number): StatusError {
  const error = failure(504, 'Timeout', `Timeout: Too large resource version: ${requested}, current: ${current}`, {
    causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
    retryAfterSeconds,
  });
  return new StatusError(error.status, { 'Retry-After': String(retryAfterSeconds) });
}

/** A field.Error: `field: Type: value: detail` in messages, `Type: value: detail` in causes. */
export interface FieldError {
  type: 'FieldValueInvalid' | 'FieldValueRequired' | 'FieldValueForbidden' | 'FieldValueNotSupported' | 'FieldValueTooLong';
  field: string;
  /** Already formatted the way field.Error formats a bad value (strings quoted, numbers bare). */
  value?: string;
  detail: string;
}

const fieldErrorTypeText: Record<FieldError['type'], string> = {
  FieldValueInvalid: 'Invalid value',
  FieldValueRequired: 'Required value',
  FieldValueForbidden: 'Forbidden',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueTooLong: 'Too long',
};

export function fieldErrorBody(error: FieldError): string {
  let body = fieldErrorTypeText[error.type];
  if (error.value !== undefined) body += `: ${error.value}`;
  if (error.detail) body += `: ${error.detail}`;
  return body;
}

export function fieldErrorMessage(error: FieldError): string {
  return `${error.field}: ${fieldErrorBody(error)}`;
}

/** Go's %q for the ASCII names and values this server sees; JSON string syntax is the same for them. */
export function goQuote(value: string): string {
  return JSON.stringify(value);
}

/** utilerrors.Aggregate's text: one error alone, several in brackets (duplicates dropped). */
export function aggregateMessage(messages: string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? unique[0]! : `[${unique.join(', ')}]`;
}

/** NewInvalid: 422 naming the kind (`Lease.coordination.k8s.io`) and listing every field error as a cause. */
export function invalid(group: string, kind: string, name: string, errors: FieldError[]): StatusError {
  const qualifiedKind = group ? `${kind}.${group}` : kind;
  const message = `${qualifiedKind} "${name}" is invalid: ${aggregateMessage(errors.map(fieldErrorMessage))}`;
  const causes = errors.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field }));
  return failure(422, 'Invalid', message, details(name, { group, kind }, { causes }));
}

export function success(detailsValue: StatusDetails): Status {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: detailsValue };
}

/** A denied non-resource URL, e.g. `forbidden: User "viewer" cannot put path "/_sandbox/faults"`. */
export function forbiddenPath(user: string, verb: string, path: string): StatusError {
  return failure(403, 'Forbidden', `forbidden: User "${user}" cannot ${verb} path "${path}"`, {});
}
