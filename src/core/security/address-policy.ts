import { BlockList, isIP } from "node:net";

/** Special-purpose ranges that are not publicly routable unicast (RFC 6890, IANA special-purpose registries). */
const NON_PUBLIC = new BlockList();
for (const [prefix, bits] of [
  ["0.0.0.0", 8], // "this" network
  ["10.0.0.0", 8], // private (RFC 1918)
  ["100.64.0.0", 10], // shared address space / CGNAT (RFC 6598)
  ["127.0.0.0", 8], // loopback
  ["169.254.0.0", 16], // link-local, cloud metadata services
  ["172.16.0.0", 12], // private (RFC 1918)
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.0.2.0", 24], // documentation
  ["192.88.99.0", 24], // 6to4 relay anycast
  ["192.168.0.0", 16], // private (RFC 1918)
  ["198.18.0.0", 15], // benchmarking
  ["198.51.100.0", 24], // documentation
  ["203.0.113.0", 24], // documentation
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
] as const) NON_PUBLIC.addSubnet(prefix, bits, "ipv4");
for (const [prefix, bits] of [
  ["::", 96], // unspecified, loopback, IPv4-compatible (IPv4-mapped ::ffff:0:0/96 is matched against the IPv4 rules)
  ["64:ff9b::", 96], // NAT64
  ["64:ff9b:1::", 48], // local-use NAT64
  ["100::", 64], // discard-only
  ["2001::", 23], // IETF protocol assignments, Teredo
  ["2001:db8::", 32], // documentation
  ["2002::", 16], // 6to4 (embeds any IPv4 address)
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated)
  ["ff00::", 8], // multicast
] as const) NON_PUBLIC.addSubnet(prefix, bits, "ipv6");

/** True when `address` is an IP literal outside public unicast space: loopback, private, link-local, reserved … (RFC 6890). */
export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  return family !== 0 && NON_PUBLIC.check(address, family === 4 ? "ipv4" : "ipv6");
}

/**
 * True when a WHATWG-normalised URL hostname (`new URL(u).hostname`, so `2130706433` is already `127.0.0.1`) is a
 * non-public IP literal or a localhost name (RFC 6761 §6.3). DNS names are judged when fetched, not here.
 */
export function isNonPublicHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, "$1").replace(/\.$/, "").toLowerCase();
  if (isIP(host) !== 0) return isNonPublicAddress(host);
  return host === "localhost" || host.endsWith(".localhost");
}
