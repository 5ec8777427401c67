import packageJson from '../package.json' with { type: 'json' };

export const LEASECTL_VERSION: string = packageJson.version;
/** The client-node release the bundle carries; its minor tracks the Kubernetes API version it was generated from. */
export const CLIENT_NODE_VERSION: string = packageJson.dependencies['@kubernetes/client-node'].replace(/^[~^]/, '');
