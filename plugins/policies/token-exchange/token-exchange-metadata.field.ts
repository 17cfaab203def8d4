import { grantTypesOf, OAuthErrors, TOKEN_EXCHANGE_GRANT_TYPE, TokenTypes, type ClientMetadata, type ClientMetadataField } from "portcullis/plugin-sdk";

/** The `token_exchange` client metadata as stored, defaults filled in: what the client may exchange (RFC 8693 §5). */
export interface TokenExchangeSettings {
  /** Every audience an exchanged token may carry: registered resource ids, client ids, or the issuer. */
  audiences: string[];
  subject_token_types: string[];
  actor_token_types: string[];
  /** Exchanges without an actor_token (RFC 8693 §1.1). */
  impersonation: boolean;
  /** Exchanges with an actor_token, which must have been issued to this client (RFC 8693 §1.1, §4.1). */
  delegation: boolean;
  /** A refresh token with the exchanged token (requested_token_type refresh_token). */
  refresh_tokens: boolean;
  /** Exchange a DPoP- or certificate-bound token for an unbound one (RFC 9449 §6, RFC 8705 §3). */
  release_sender_constraint: boolean;
}

const FIELD = "token_exchange";
const SUPPORTED_TYPES: ReadonlySet<string> = new Set(Object.values(TokenTypes));
const FLAGS = ["impersonation", "delegation", "refresh_tokens", "release_sender_constraint"] as const;
const MEMBERS: ReadonlySet<string> = new Set(["audiences", "subject_token_types", "actor_token_types", ...FLAGS]);
const invalid = (description: string) => OAuthErrors.invalidClientMetadata(`${FIELD}: ${description}`);

function strings(value: unknown, member: string): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === "string" && v !== "")) throw invalid(`${member} must be a non-empty array of strings`);
  return [...new Set(value as string[])];
}

function tokenTypes(value: unknown, member: string): string[] {
  const types = strings(value ?? [TokenTypes.accessToken], member);
  const unknown = types.find((type) => !SUPPORTED_TYPES.has(type));
  if (unknown !== undefined) throw invalid(`${member} names an unknown token type "${unknown}"`);
  return types;
}

function flag(value: unknown, member: string): boolean {
  if (value !== undefined && typeof value !== "boolean") throw invalid(`${member} must be a boolean`);
  return value === true;
}

/**
 * `token_exchange` (operator only, RFC 7592 §2.2: a client cannot grant itself exchanges): the allowed audiences, token
 * types (default: access tokens), impersonation, delegation, refresh tokens and sender-constraint release (default: no).
 */
export class TokenExchangeMetadataField implements ClientMetadataField {
  readonly name = FIELD;
  readonly setBy = "operator" as const;

  parse(value: unknown): TokenExchangeSettings {
    if (typeof value !== "object" || value === null || Array.isArray(value)) throw invalid("must be an object");
    const members = value as Record<string, unknown>;
    const unknown = Object.keys(members).find((name) => !MEMBERS.has(name));
    if (unknown !== undefined) throw invalid(`unknown member "${unknown}"`);
    const [impersonation, delegation, refreshTokens, release] = FLAGS.map((name) => flag(members[name], name)) as [boolean, boolean, boolean, boolean];
    if (!impersonation && !delegation) throw invalid("allows neither impersonation nor delegation");
    return {
      audiences: strings(members.audiences, "audiences"),
      subject_token_types: tokenTypes(members.subject_token_types, "subject_token_types"),
      actor_token_types: tokenTypes(members.actor_token_types, "actor_token_types"),
      impersonation,
      delegation,
      refresh_tokens: refreshTokens,
      release_sender_constraint: release,
    };
  }

  validate(metadata: Readonly<ClientMetadata>): void {
    if (!grantTypesOf(metadata).includes(TOKEN_EXCHANGE_GRANT_TYPE)) throw invalid(`needs the grant type ${TOKEN_EXCHANGE_GRANT_TYPE}`);
  }
}
