import { inject, injectable } from "tsyringe";
import type { ClientMetadata } from "../../plugin-sdk/client.js";
import { OAuthErrors } from "../../plugin-sdk/errors.js";
import { SafeFetcher } from "../security/safe-fetch.js";

/** Checks that the `sector_identifier_uri` document lists every redirect URI (OIDC Registration §5, corpus 89). */
@injectable()
export class SectorIdentifierVerifier {
  constructor(@inject(SafeFetcher) private readonly fetcher: SafeFetcher) {}

  /** Fetches the document through the SSRF-safe fetcher; throws invalid_client_metadata when it is unusable or incomplete. */
  async verify(metadata: ClientMetadata): Promise<void> {
    const uri = metadata.sector_identifier_uri;
    if (uri === undefined) return;
    let listed: unknown;
    try {
      listed = await this.fetcher.fetchJson(uri);
    } catch (cause) {
      throw OAuthErrors.invalidClientMetadata("sector_identifier_uri could not be fetched", { cause });
    }
    if (!Array.isArray(listed)) throw OAuthErrors.invalidClientMetadata("sector_identifier_uri must return a JSON array of redirect URIs");
    const missing = (metadata.redirect_uris ?? []).findIndex((redirectUri) => !listed.includes(redirectUri));
    if (missing !== -1) throw OAuthErrors.invalidClientMetadata(`redirect_uris[${missing}] is not listed in the sector_identifier_uri document`);
  }
}
