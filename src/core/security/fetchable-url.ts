import { isIP } from "node:net";
import { isForbiddenAddress } from "./safe-fetch.js";

/** True for a non-public IP literal (`2130706433` arrives as 127.0.0.1) or a localhost name (RFC 6761 §6.3); DNS names are vetted when fetched. */
function isInternalHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, "$1").replace(/\.$/, "").toLowerCase();
  return isIP(host) ? isForbiddenAddress(host) : host === "localhost" || host.endsWith(".localhost");
}

/** Why `value` is not an acceptable URL to fetch (https on a public host; http to private hosts only with FETCH_ALLOW_PRIVATE), or undefined. */
export function httpsUrlProblem(value: string, allowPrivateHosts: boolean): string | undefined {
  if (!URL.canParse(value)) return "is not an absolute URL";
  const { protocol, hostname } = new URL(value);
  const internal = isInternalHost(hostname);
  if (internal && !allowPrivateHosts) return "must not point at a loopback, private, link-local or reserved address";
  if (protocol === "https:" || (protocol === "http:" && internal && allowPrivateHosts)) return undefined;
  return "must be an https URL";
}
