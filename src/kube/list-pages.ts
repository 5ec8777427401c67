// Paging through a list: the one rule for following metadata.continue, shared by every LeaseClient.
import type { LeaseList } from '../lease/types.js';
import { isExpired } from './errors.js';
import type { ListOptions } from './lease-client.js';

/** Every page, following metadata.continue, each yielded as it arrives. */
export async function* listPages(listPage: (options: ListOptions) => Promise<LeaseList>, options: ListOptions): AsyncGenerator<LeaseList> {
  let continueToken = options.continueToken;
  do {
    let page: LeaseList;
    try {
      page = await listPage({ ...options, continueToken });
    } catch (error) {
      // The token outlived etcd's compaction (410 Expired): the Status offers a fresh one for the rest of the list,
      // read at the latest state, so those pages carry a newer metadata.resourceVersion than the first.
      const fresh = continueToken && isExpired(error) ? error.status.metadata?.continue : undefined;
      if (!fresh) throw error;
      page = await listPage({ ...options, continueToken: fresh });
    }
    yield page;
    continueToken = page.metadata.continue || undefined;
  } while (continueToken);
}
