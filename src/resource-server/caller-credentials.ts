import * as grpc from "@grpc/grpc-js";

/** How the library gets the access token it presents to Portcullis as an internal caller (scope `portcullis:validate`). */
export type CallerToken = () => Promise<string> | string;

/**
 * Call metadata carrying `authorization: Bearer <caller token>` (RFC 6750 §2.1), as the internal listener's caller
 * authentication expects; empty without a token source (an mTLS caller is known by its certificate, RFC 8705 §2).
 */
export async function callerMetadata(callerToken: CallerToken | undefined): Promise<grpc.Metadata> {
  const metadata = new grpc.Metadata();
  if (callerToken) metadata.set("authorization", `Bearer ${await callerToken()}`);
  return metadata;
}

export interface ClientCredentialsOptions {
  /** The token endpoint of Portcullis (`<issuer>/token`). */
  tokenEndpoint: string;
  clientId: string;
  clientSecret: string;
  /** Space-separated scopes; `portcullis:validate` for ValidateToken and WatchRevocations. */
  scope?: string;
  /** Renew this long before the token expires (ms). */
  renewBeforeMs?: number;
  /** Time allowed for one token request (ms). */
  timeoutMs?: number;
  /** Epoch milliseconds, injected so tests are deterministic. */
  now?: () => number;
}

interface HeldToken {
  value: string;
  renewAtMs: number;
}

/**
 * A caller-token source that gets an access token with the `client_credentials` grant and `client_secret_basic`
 * (RFC 6749 §4.4, §2.3.1), reuses it until shortly before `expires_in` runs out, and shares one request among
 * concurrent callers.
 */
export function clientCredentialsCallerToken(options: ClientCredentialsOptions): CallerToken {
  const now = options.now ?? Date.now;
  let held: HeldToken | undefined;
  let pending: Promise<string> | undefined;
  const request = async (): Promise<string> => {
    const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, "+");
    const response = await fetch(options.tokenEndpoint, {
      method: "POST",
      headers: {
        authorization: `Basic ${Buffer.from(`${encode(options.clientId)}:${encode(options.clientSecret)}`).toString("base64")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({ grant_type: "client_credentials", scope: options.scope ?? "portcullis:validate" }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
    });
    const body = (await response.json()) as { access_token?: string; expires_in?: number; error?: string };
    if (!response.ok || typeof body.access_token !== "string") throw new Error(`caller token request failed: ${response.status} ${body.error ?? ""}`.trim());
    held = { value: body.access_token, renewAtMs: now() + (body.expires_in ?? 60) * 1000 - (options.renewBeforeMs ?? 30_000) };
    return held.value;
  };
  return () => {
    if (held && now() < held.renewAtMs) return held.value;
    pending ??= request().finally(() => (pending = undefined));
    return pending;
  };
}
