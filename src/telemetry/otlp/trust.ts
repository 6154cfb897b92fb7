// Which certificate authorities an HTTPS or gRPC-over-TLS collector must be signed by: the CA file
// the operator gave, or else the host's trust store (what update-ca-certificates maintains) plus the
// runtime's bundled Mozilla roots. Both Bun and Node read the host store with tls.getCACertificates.
import { getCACertificates } from 'node:tls';

export function trustedCertificates(certificate: string | undefined): string[] {
  if (certificate !== undefined) return [certificate];
  return [...new Set([...getCACertificates('system'), ...getCACertificates('bundled')])];
}
