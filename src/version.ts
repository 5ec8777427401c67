import clientNodePackage from '@kubernetes/client-node/package.json' with { type: 'json' };
import packageJson from '../package.json' with { type: 'json' };

export const LEASECTL_VERSION: string = packageJson.version;
/**
 * The client-node release inside the bundle (read from its own package.json, so a patch update shows); its minor
 * tracks the Kubernetes API version it was generated from.
 */
export const CLIENT_NODE_VERSION: string = clientNodePackage.version;
