/** The start-up line; a wildcard bind is explained, so "0.0.0.0" is not mistaken for an address to browse to. */
export function startupLine(issuer: string, publicBind: string, grpcUrl: string, metricsUrl: string): string {
  const wildcard = /\/\/(0\.0\.0\.0|\[::\]):/.test(publicBind) ? " (every interface)" : "";
  return `Portcullis listening on ${publicBind}${wildcard} as issuer ${issuer}; internal gRPC on ${grpcUrl}; metrics on ${metricsUrl}/metrics`;
}
