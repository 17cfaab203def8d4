import { grantTypesOf, OAuthErrors, type ClientMetadata, type ClientMetadataField } from "portcullis/plugin-sdk";

/** The operator-only client metadata that lets a client use the authorization challenge endpoint (first-party apps §9.1). */
export const CHALLENGE_ALLOWED = "authorization_challenge_allowed";

/** `authorization_challenge_allowed: true`: the operator vouches that the client is first-party; dynamic registration cannot set it. */
export class ChallengeAllowedField implements ClientMetadataField {
  readonly name = CHALLENGE_ALLOWED;
  readonly setBy = "operator" as const;

  parse(value: unknown): boolean {
    if (typeof value !== "boolean") throw OAuthErrors.invalidClientMetadata(`${CHALLENGE_ALLOWED} must be a boolean`);
    return value;
  }

  /** The endpoint issues authorization codes, which the client redeems with the authorization_code grant (draft §6). */
  validate(metadata: Readonly<ClientMetadata>): void {
    if (metadata[CHALLENGE_ALLOWED] === true && !grantTypesOf(metadata).includes("authorization_code")) {
      throw OAuthErrors.invalidClientMetadata(`${CHALLENGE_ALLOWED} needs the grant type authorization_code`);
    }
  }
}
