import { authenticateBySecret } from "portcullis/plugin-sdk";
import {
  headerValue,
  OAuthErrors,
  type AuthenticatedClient,
  type ClientAuthContext,
  type ClientAuthenticator,
  type EndpointRequest,
} from "portcullis/plugin-sdk";

const BASIC = /^basic(?:\s+(.*))?$/is;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** One application/x-www-form-urlencoded value: '+' is a space, then percent-decoding (RFC 6749 §2.3.1, Appendix B). */
function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, " "));
}

type Credentials = { clientId: string; secret: string } | undefined;
/** Parsed once per request: core asks for the claimed id (throttling) before authenticating. */
const parsed = new WeakMap<EndpointRequest, Credentials>();

/** The id and secret of an `Authorization: Basic` header, or undefined when it is malformed (RFC 7617 §2, RFC 6749 §2.3.1). */
function basicCredentials(request: EndpointRequest): Credentials {
  if (parsed.has(request)) return parsed.get(request);
  const credentials = parseBasic(request);
  parsed.set(request, credentials);
  return credentials;
}

function parseBasic(request: EndpointRequest): Credentials {
  const token = BASIC.exec(headerValue(request, "authorization") ?? "")?.[1]?.trim();
  if (!token || !BASE64.test(token)) return undefined;
  try {
    const decoded = UTF8.decode(Buffer.from(token, "base64"));
    const colon = decoded.indexOf(":");
    if (colon < 1) return undefined;
    return { clientId: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    return undefined;
  }
}

/** `client_secret_basic`: HTTP Basic with the form-urlencoded client id and secret (RFC 6749 §2.3.1). */
export class ClientSecretBasicClientAuth implements ClientAuthenticator {
  readonly method = "client_secret_basic";
  readonly parameters = [] as const;

  /** True for any `Authorization: Basic` header, well-formed or not, so a malformed one fails as invalid_client. */
  detect(request: EndpointRequest): boolean {
    return BASIC.test(headerValue(request, "authorization") ?? "");
  }

  claimedClientId(request: EndpointRequest): string | undefined {
    return basicCredentials(request)?.clientId;
  }

  async authenticate(request: EndpointRequest, ctx: ClientAuthContext): Promise<AuthenticatedClient> {
    const credentials = basicCredentials(request);
    if (!credentials) throw OAuthErrors.invalidClient("malformed Basic authorization header");
    return authenticateBySecret(ctx, credentials.clientId, credentials.secret, this.method);
  }
}
