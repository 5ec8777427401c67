import { describe, expect, it } from 'vitest';
import { describeError, errorClause } from '../../src/error-message.js';
import { Failure, Failures, LeaseNotFound, UsageError } from '../../src/errors.js';
import { KubeApiError, KubeconfigError, KubeInputError, KubeTransportError } from '../../src/kube/errors.js';
import { parseStatus } from '../../src/kube/http.js';

const conflictBody =
  '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Operation cannot be fulfilled on leases.coordination.k8s.io \\"probe-a\\": the object has been modified; please apply your changes to the latest version and try again","reason":"Conflict","details":{"name":"probe-a","group":"coordination.k8s.io","kind":"leases"},"code":409}';

describe('errors in kubectl\'s words', () => {
  it('409 Conflict and AlreadyExists print the server\'s message', () => {
    expect(describeError(new KubeApiError(parseStatus(409, conflictBody), 409))).toEqual({
      message:
        'Error from server (Conflict): Operation cannot be fulfilled on leases.coordination.k8s.io "probe-a": the object has been modified; please apply your changes to the latest version and try again',
      exitCode: 1,
    });
    const exists = parseStatus(409, '{"kind":"Status","status":"Failure","message":"leases.coordination.k8s.io \\"x\\" already exists","reason":"AlreadyExists","code":409}');
    expect(describeError(new KubeApiError(exists, 409)).message).toBe('Error from server (AlreadyExists): leases.coordination.k8s.io "x" already exists');
  });

  it('422 Invalid lists each cause with its field, as kubectl does', () => {
    const status = parseStatus(
      422,
      JSON.stringify({
        kind: 'Status',
        status: 'Failure',
        reason: 'Invalid',
        code: 422,
        message: 'Lease.coordination.k8s.io "c" is invalid: spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
        details: { name: 'c', kind: 'Lease', causes: [{ field: 'spec.leaseDurationSeconds', message: 'Invalid value: 0: must be greater than 0' }] },
      }),
    );
    expect(describeError(new KubeApiError(status, 422)).message).toBe('The Lease "c" is invalid: spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0');
  });

  it('a non-Status body (a proxy\'s HTML) becomes the apiserver\'s generic wording', () => {
    const error = new KubeApiError(parseStatus(502, '<html>bad gateway</html>'), 502);
    expect(describeError(error).message).toBe(
      'Error from server (InternalError): an error on the server ("<html>bad gateway</html>") has prevented the request from succeeding',
    );
    expect(describeError(new KubeApiError(parseStatus(401, ''), 401)).message).toBe(
      'error: You must be logged in to the server (the server has asked for the client to provide credentials)',
    );
  });

  it("a namespace or name the kube layer cannot send is the user's input: error: and exit 2, as a usage error", () => {
    expect(describeError(new KubeInputError(`invalid namespace "..": [may not be '..']`))).toEqual({ message: `error: invalid namespace "..": [may not be '..']`, exitCode: 2 });
  });

  it('usage errors exit 2, a Failure keeps its code, everything else exits 1 without a stack unless -v', () => {
    expect(describeError(new UsageError('bad'))).toEqual({ message: 'error: bad', exitCode: 2 });
    expect(describeError(new Failure(124, 'not acquired'))).toEqual({ message: 'error: not acquired', exitCode: 124 });
    const forbidden = new KubeApiError({ reason: 'Forbidden', code: 403, message: 'leases.coordination.k8s.io "x" is forbidden' }, 403);
    expect(describeError(new Failure(125, { cause: forbidden }))).toEqual({
      message: 'Error from server (Forbidden): leases.coordination.k8s.io "x" is forbidden',
      exitCode: 125,
    });
    expect(describeError(new KubeconfigError('no kubeconfig found'))).toEqual({ message: 'error: no kubeconfig found', exitCode: 1 });
    const transport = new KubeTransportError('The connection to the server h:1 was refused - did you specify the right host or port?');
    expect(describeError(transport).message).not.toContain('\n');
    expect(describeError(transport, 1).message).toMatch(/\n\s+at /);
    const unexpected = describeError(new TypeError('boom'));
    expect(unexpected).toEqual({ message: 'error: boom (run again with -v for details)', exitCode: 1 });
  });

  it('an aggregate prints one line per failure, in kubectl\'s words, after the output', () => {
    const forbidden = new KubeApiError({ reason: 'Forbidden', code: 403, message: 'leases.coordination.k8s.io "a" is forbidden' }, 403);
    expect(describeError(new Failures([new LeaseNotFound('x'), new LeaseNotFound('y', 'app=web'), forbidden]))).toEqual({
      message: [
        'Error from server (NotFound): leases.coordination.k8s.io "x" not found',
        'Error from server (NotFound): leases.coordination.k8s.io "y" not found (or it does not match -l app=web)',
        'Error from server (Forbidden): leases.coordination.k8s.io "a" is forbidden',
      ].join('\n'),
      exitCode: 1,
    });
  });

  it('errorClause words an error for another sentence, without the leading error:', () => {
    expect(errorClause(new KubeconfigError('no kubeconfig found'))).toBe('no kubeconfig found');
    expect(errorClause(new KubeTransportError('dial tcp: refused\u001b[2J'))).toBe('dial tcp: refused^[[2J');
  });
});
