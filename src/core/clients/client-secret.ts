import type { Client } from "../../plugin-sdk/client.js";

/** True when the client's secret has expired at `now` (epoch ms); `client_secret_expires_at` 0 means never (RFC 7591 §3.2.1). */
export function secretExpired(client: Client, now: number): boolean {
  const expiresAt = client.secretExpiresAt ?? 0;
  return expiresAt > 0 && expiresAt * 1000 <= now;
}
