import clientNodePackage from '@kubernetes/client-node/package.json' with { type: 'json' };
import packageJson from '../package.json' with { type: 'json' };

export const LEASECTL_VERSION: string = packageJson.version;
/**
 * The client-node release inside the bundle (read from its own package.json, so a patch update shows); its minor
 * tracks the Kubernetes API version it was generated from.
 */
export const CLIENT_NODE_VERSION: string = clientNodePackage.version;

/** What `version` reports of leasectl itself, in the shape of kubectl's clientVersion (k8s.io/apimachinery version.Info). */
export interface ClientVersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  /** Node's version in the place of kubectl's goVersion: the runtime the client runs on. */
  nodeVersion: string;
  platform: string;
}

export function clientVersionInfo(): ClientVersionInfo {
  const [major = '0', minor = '0'] = LEASECTL_VERSION.split('.');
  return { major, minor, gitVersion: `v${LEASECTL_VERSION}`, nodeVersion: process.version, platform: `${process.platform}/${process.arch}` };
}
