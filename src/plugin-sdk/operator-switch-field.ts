import type { ClientMetadata } from "./client.js";
import type { ClientMetadataField } from "./client-metadata.js";
import { grantTypesOf } from "./client-metadata-defaults.js";
import { OAuthErrors } from "./errors.js";

/**
 * An operator-only boolean that enables a capability for one client (RFC 7592 §2.2: dynamic registration cannot set
 * it), valid only when the client also lists `grantType` in its grant_types (RFC 7591 §2).
 */
export class OperatorSwitchField implements ClientMetadataField {
  readonly setBy = "operator" as const;

  constructor(
    readonly name: string,
    private readonly grantType: string,
  ) {}

  parse(value: unknown): boolean {
    if (typeof value !== "boolean") throw OAuthErrors.invalidClientMetadata(`${this.name} must be a boolean`);
    return value;
  }

  validate(metadata: Readonly<ClientMetadata>): void {
    if (metadata[this.name] === true && !grantTypesOf(metadata).includes(this.grantType)) {
      throw OAuthErrors.invalidClientMetadata(`${this.name} needs the grant type ${this.grantType}`);
    }
  }

  /** True when the operator switched it on for this client. */
  isOn(metadata: Readonly<ClientMetadata>): boolean {
    return metadata[this.name] === true;
  }
}
