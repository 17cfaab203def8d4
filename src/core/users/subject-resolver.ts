import { createHash } from "node:crypto";
import { inject, injectable } from "tsyringe";
import type { Client, ClientMetadata } from "../../plugin-sdk/client.js";
import { DI } from "../di-tokens.js";
import type { RandomSource } from "../ports/clock.js";
import type { DurableStorage } from "../ports/repositories.js";
import { SharedSecret } from "../security/shared-secret.js";

/** Name of the pairwise salt in `serverSecrets`: created once, shared by every node, never rotated (OIDC Core §8.1). */
const PAIRWISE_SALT = "pairwise-salt";

/**
 * The Sector Identifier of a pairwise client (OIDC Core §8.1): the host of `sector_identifier_uri`, else the single
 * host of its redirect URIs (a private-use scheme, which has no host, stands for itself, RFC 8252 §7.1); undefined
 * when the redirect URIs span several hosts or there are none (registration then requires `sector_identifier_uri`).
 */
export function sectorIdentifierOf(metadata: ClientMetadata): string | undefined {
  if (metadata.sector_identifier_uri !== undefined) return hostOf(metadata.sector_identifier_uri);
  const hosts = new Set((metadata.redirect_uris ?? []).map(hostOf));
  return hosts.size === 1 ? [...hosts][0] : undefined;
}

function hostOf(uri: string): string {
  const url = new URL(uri);
  return url.hostname === "" ? url.protocol : url.hostname.toLowerCase();
}

/**
 * Maps a local user id to the `sub` a client sees (OIDC Core §8): the id itself for `public` clients, and for
 * `pairwise` ones base64url(SHA-256(sector ‖ 0x00 ‖ user id ‖ 0x00 ‖ salt)), stable per sector and unlinkable across sectors.
 */
@injectable()
export class SubjectResolver {
  readonly #salt: SharedSecret;

  constructor(@inject(DI.Durable) storage: DurableStorage, @inject(DI.Random) random: RandomSource) {
    this.#salt = new SharedSecret(storage, random, PAIRWISE_SALT);
  }

  /** The `sub` of `userId` for `client` (OIDC Core §8.1); throws when a pairwise client has no sector identifier. */
  async forClient(client: Client, userId: string): Promise<string> {
    if (client.metadata.subject_type !== "pairwise") return userId;
    const sector = sectorIdentifierOf(client.metadata);
    if (sector === undefined) throw new Error(`pairwise client ${client.clientId} has no sector identifier`);
    const salt = await this.#salt.value();
    return createHash("sha256").update(`${sector}\0${userId}\0${salt}`).digest("base64url");
  }
}
