import { z } from "zod";
import type { ClientMetadata } from "../../plugin-sdk/client.js";
import type { ClientMetadataField } from "../../plugin-sdk/client-metadata.js";
import { OAuthErrors } from "../../plugin-sdk/errors.js";
import { INTERNAL_SCOPE_PREFIX, parseScope } from "../policy/scopes.js";
import type { RegistrationSource } from "./client-registry.js";
import { UNSUPPORTED_METADATA } from "./unsupported-metadata.js";
import { CLIENT_METADATA_DEFAULTS, responseTypesOf } from "../../plugin-sdk/client-metadata-defaults.js";

/** Longest accepted string or URI value. */
export const MAX_STRING_LENGTH = 2000;
/** Most entries in a list value (redirect_uris, request_uris, jwks.keys …). */
export const MAX_LIST_LENGTH = 100;
/** Most `contacts` entries. */
export const MAX_CONTACTS = 20;
/** Longest accepted software statement (RFC 7591 §2.3: a signed JWT of client metadata). */
export const MAX_STATEMENT_LENGTH = 16_384;

/** C0/C1 controls and bidirectional overrides, which let a client_name impersonate another (RFC 9700 §4.15). */
const CONTROL_CHARACTERS = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;

const text = z
  .string({ error: "must be a string" })
  .max(MAX_STRING_LENGTH, `must be at most ${MAX_STRING_LENGTH} characters`)
  .refine((v) => !CONTROL_CHARACTERS.test(v), "must not contain control characters");
const uri = text.refine((v) => !/\s/.test(v), "must not contain whitespace");
const list = <T extends z.ZodType>(item: T, max = MAX_LIST_LENGTH) =>
  z.array(item, { error: "must be an array" }).max(max, `must have at most ${max} entries`);
const bool = z.boolean({ error: "must be a boolean" });
const seconds = (min: number) => z.number({ error: "must be a number" }).int("must be an integer").min(min, `must be at least ${min}`);
const scope = text.refine((v) => parseScope(v) !== undefined, "must be space-separated scope tokens (RFC 6749 §3.3)");

/** RFC 7591 §2, OIDC Registration §2, RFC 9101 §10.5, RFC 9126 §6, RFC 9449 §5.2, RFC 8705 §3.4, OIDC Back-Channel and RP-Initiated Logout; all optional. */
const standardFields = z
  .object({
    redirect_uris: list(uri),
    token_endpoint_auth_signing_alg: text,
    response_types: list(text),
    client_name: text,
    client_uri: uri,
    logo_uri: uri,
    scope,
    contacts: list(text, MAX_CONTACTS),
    tos_uri: uri,
    policy_uri: uri,
    jwks_uri: uri,
    jwks: z.object({ keys: list(z.looseObject({ kty: text }, { error: "must be a JWK object" })) }, { error: "must be a JWK Set object" }),
    software_id: text,
    software_version: text,
    // RFC 7591 §2.3: kept as presented once SoftwareStatements verified it, and returned unmodified (§3.2.1).
    software_statement: z.string({ error: "must be a string" }).max(MAX_STATEMENT_LENGTH, `must be at most ${MAX_STATEMENT_LENGTH} characters`),
    application_type: z.enum(["web", "native"], { error: "must be web or native" }),
    sector_identifier_uri: uri,
    subject_type: z.enum(["public", "pairwise"], { error: "must be public or pairwise" }),
    id_token_signed_response_alg: text,
    userinfo_signed_response_alg: text,
    request_object_signing_alg: text,
    authorization_signed_response_alg: text,
    default_max_age: seconds(0),
    require_auth_time: bool,
    default_acr_values: list(text),
    initiate_login_uri: uri,
    request_uris: list(uri),
    post_logout_redirect_uris: list(uri),
    backchannel_logout_uri: uri,
    backchannel_logout_session_required: bool,
    require_pushed_authorization_requests: bool,
    require_signed_request_object: bool,
    // RFC 9449 §5.2: token requests without a DPoP proof are refused.
    dpop_bound_access_tokens: bool,
    // RFC 8705 §3.4: token requests without a TLS client certificate are refused.
    tls_client_certificate_bound_access_tokens: bool,
  })
  .partial()
  .extend({
    // RFC 7591 §2 defaults; response_types defaults below, from grant_types.
    grant_types: list(text).min(1, "must name at least one grant type").default(() => [...CLIENT_METADATA_DEFAULTS.grant_types]),
    token_endpoint_auth_method: text.default(CLIENT_METADATA_DEFAULTS.token_endpoint_auth_method),
  });

/** Portcullis extensions only operators (CLI, admin RPC) may set; dynamic registration drops them like any unknown name. */
const operatorExtensions = z
  .object({
    access_token_format: z.enum(["jwt", "opaque"], { error: "must be jwt or opaque" }),
    access_token_lifetime: seconds(1),
    refresh_token_lifetime: seconds(1),
    client_assertion_allow_endpoint_audience: bool,
    hooks: list(text),
    // RFC 7636 §4.3 / RFC 9700 §2.1.1: PKCE required for this confidential client too.
    require_pkce: bool,
    // OIDC Core §3.1.2.4: a first-party client whose users are not asked for consent.
    skip_consent: bool,
  })
  .partial();

/** Metadata names only an operator may set; a dynamic update keeps the operator's values (RFC 7592 §2.2). */
export const OPERATOR_ONLY_METADATA: readonly string[] = Object.keys(operatorExtensions.shape);

/** Every metadata name core parses itself; a plugin field of the same name would fail the boot. */
export const CORE_METADATA_FIELDS: ReadonlySet<string> = new Set([...Object.keys(standardFields.shape), ...OPERATOR_ONLY_METADATA]);

const SCHEMAS = {
  dynamic: standardFields,
  operator: standardFields.extend(operatorExtensions.shape),
} as const;

/** The value as a JSON object, or invalid_client_metadata (RFC 7591 §3.1: the request body is a JSON object). */
export function asJsonObject(value: unknown): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw OAuthErrors.invalidClientMetadata("the client metadata must be a JSON object");
  }
  return value as Record<string, unknown>;
}

/**
 * Parses registration JSON into metadata (RFC 7591 §2, §3.1): core's fields by its schema, plugin-owned fields by
 * their plugin, features the server lacks refused by name; unknown names and server-assigned values such as
 * client_id are dropped, null counts as absent, RFC 7591 defaults are filled in. Throws invalid_redirect_uri for a
 * malformed redirect_uris, invalid_client_metadata otherwise (RFC 7591 §3.2.2).
 */
export function parseClientMetadata(raw: unknown, source: RegistrationSource, fields: ReadonlyMap<string, ClientMetadataField> = new Map()): ClientMetadata {
  const present = Object.entries(asJsonObject(raw)).filter(([, value]) => value !== null);
  const parsed = SCHEMAS[source].safeParse(Object.fromEntries(present));
  if (!parsed.success) throw metadataError(parsed.error.issues[0]!);
  const metadata = parsed.data as ClientMetadata & { grant_types: string[] };
  for (const [name, value] of present) {
    const field = fields.get(name);
    if (field) {
      if (field.setBy !== "operator" || source === "operator") metadata[name] = field.parse(value);
    } else if (UNSUPPORTED_METADATA.has(name)) {
      throw OAuthErrors.invalidClientMetadata(`${name} is not supported by this server: it has no ${UNSUPPORTED_METADATA.get(name)}`);
    }
  }
  metadata.response_types ??= [...responseTypesOf(metadata)];
  if (source === "dynamic" && parseScope(metadata.scope)!.some((s) => s.startsWith(INTERNAL_SCOPE_PREFIX))) {
    throw OAuthErrors.invalidClientMetadata(`scope must not include internal ${INTERNAL_SCOPE_PREFIX} scopes`);
  }
  return metadata;
}

function metadataError(issue: z.core.$ZodIssue) {
  const [field, ...rest] = issue.path;
  const name = String(field) + rest.map((p) => (typeof p === "number" ? `[${p}]` : `.${String(p)}`)).join("");
  const description = `${name} ${issue.message}`;
  return field === "redirect_uris" ? OAuthErrors.invalidRedirectUri(description) : OAuthErrors.invalidClientMetadata(description);
}
