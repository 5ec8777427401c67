// A fresh self-signed serving certificate per start; it is also the CA that kubeconfigs trust.

import { generate } from 'selfsigned';

export interface ServingCertificate {
  certPem: string;
  keyPem: string;
}

export async function generateServingCertificate(): Promise<ServingCertificate> {
  const notBeforeDate = new Date(Date.now() - 60 * 60_000); // tolerates clients whose clock runs a little behind
  const notAfterDate = new Date(Date.now() + 365 * 24 * 3600_000);
  const pems = await generate([{ name: 'commonName', value: 'leasectl-sandbox' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }, { type: 2, value: 'localhost' }] },
    ],
  });
  return { certPem: pems.cert, keyPem: pems.private };
}
