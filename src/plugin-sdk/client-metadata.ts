import type { ClientMetadata } from "./client.js";

/**
 * A client metadata field a plugin reads (RFC 7591 §2): the plugin that acts on a field owns its parsing and
 * validation. A field nobody owns is ignored when unknown (RFC 7591 §2) and refused when it names a feature the server
 * does not provide, so a client never believes in a protection it does not have.
 */
export interface ClientMetadataField {
  /** The metadata name, e.g. "dpop_bound_access_tokens". */
  readonly name: string;
  /** "operator" fields are set only by the CLI and admin RPCs; dynamic registration drops them (RFC 7592 §2.2). */
  readonly setBy?: "client" | "operator";
  /** Returns the value to store, or throws invalid_client_metadata naming the field (RFC 7591 §3.2.2). */
  parse(value: unknown): unknown;
  /** Checks the field against the rest of the metadata once every field is parsed; throws invalid_client_metadata. */
  validate?(metadata: Readonly<ClientMetadata>): void;
}
