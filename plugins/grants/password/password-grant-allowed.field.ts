import { grantTypesOf, OAuthErrors, type ClientMetadata, type ClientMetadataField } from "portcullis/plugin-sdk";

/** The operator-only client metadata that turns the password grant on for one client (RFC 9700 §2.4: off by default). */
export const PASSWORD_GRANT_ALLOWED = "password_grant_allowed";

/** `password_grant_allowed: true`: set by an operator only; dynamic registration drops it (RFC 7592 §2.2). */
export class PasswordGrantAllowedField implements ClientMetadataField {
  readonly name = PASSWORD_GRANT_ALLOWED;
  readonly setBy = "operator" as const;

  parse(value: unknown): boolean {
    if (typeof value !== "boolean") throw OAuthErrors.invalidClientMetadata(`${PASSWORD_GRANT_ALLOWED} must be a boolean`);
    return value;
  }

  /** The token endpoint also requires the grant type among the client's grant_types (RFC 7591 §2). */
  validate(metadata: Readonly<ClientMetadata>): void {
    if (metadata[PASSWORD_GRANT_ALLOWED] === true && !grantTypesOf(metadata).includes("password")) {
      throw OAuthErrors.invalidClientMetadata(`${PASSWORD_GRANT_ALLOWED} needs the grant type password`);
    }
  }
}
