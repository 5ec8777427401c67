import { describe, expect, it } from 'vitest';
import { defaultHolderIdentity, splitHolderIdentity } from '../../src/lease/holder.js';

describe('splitHolderIdentity', () => {
  it.each([
    [
      'kind-control-plane_bec39b96-87c4-4bce-8775-2eeb4eb4c1e8',
      { host: 'kind-control-plane', id: 'bec39b96-87c4-4bce-8775-2eeb4eb4c1e8' },
    ],
    [
      'apiserver-wj467rbl25eeviqacfhvg2yvnm_0c8914f7-0f35-440e-8676-7844977d3a05',
      { host: 'apiserver-wj467rbl25eeviqacfhvg2yvnm', id: '0c8914f7-0f35-440e-8676-7844977d3a05' },
    ],
    [
      'odd_host_name_BEC39B96-87C4-4BCE-8775-2EEB4EB4C1E8',
      { host: 'odd_host_name', id: 'BEC39B96-87C4-4BCE-8775-2EEB4EB4C1E8' },
    ],
    // a time-based v1 UUID, as uuid.NewUUID() can produce
    ['cp-1_6ba7b810-9dad-11d1-80b4-00c04fd430c8', { host: 'cp-1', id: '6ba7b810-9dad-11d1-80b4-00c04fd430c8' }],
  ])('splits %s', (identity, parts) => {
    expect(splitHolderIdentity(identity)).toEqual(parts);
  });

  it.each([
    ['a bare hostname', 'kube-node-1'],
    ['a bare UUID', 'bec39b96-87c4-4bce-8775-2eeb4eb4c1e8'],
    ['nothing before the UUID', '_bec39b96-87c4-4bce-8775-2eeb4eb4c1e8'],
    ['a non-UUID suffix', 'my_worker'],
    ['a UUID that is not last', 'bec39b96-87c4-4bce-8775-2eeb4eb4c1e8_worker'],
    ['a truncated UUID', 'cp-1_bec39b96-87c4-4bce-8775-2eeb4eb4c1e'],
    ['an empty identity', ''],
  ])('does not split %s', (_, identity) => {
    expect(splitHolderIdentity(identity)).toBeUndefined();
  });
});

describe('defaultHolderIdentity', () => {
  it('joins hostname and uuid with _ so splitHolderIdentity recovers both', () => {
    const identity = defaultHolderIdentity('worker-7', 'bec39b96-87c4-4bce-8775-2eeb4eb4c1e8');
    expect(identity).toBe('worker-7_bec39b96-87c4-4bce-8775-2eeb4eb4c1e8');
    expect(splitHolderIdentity(identity)).toEqual({ host: 'worker-7', id: 'bec39b96-87c4-4bce-8775-2eeb4eb4c1e8' });
  });
});
