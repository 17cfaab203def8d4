import { UserDirectoryService } from "../../../src/core/plugin-capabilities/user-directory.js";
import { TrustedIssuerCatalog } from "../../../src/core/trust/trusted-issuer-catalog.js";
import { TrustedIssuerService } from "../../../src/core/trust/trusted-issuer.service.js";
import { TrustedJwtVerifier } from "../../../src/core/trust/trusted-jwt.verifier.js";
import type { SettingName } from "../../../src/config/defaults.js";
import { PluginTokens } from "../../../src/plugin-sdk/plugin-tokens.js";
import { Harness } from "../clients/client-auth-harness.js";

/** The client-auth harness (SQLite in memory, memory ephemeral store, a started change feed, a manual clock) plus the trusted-issuer registry. */
export interface TrustHarness {
  h: Harness;
  issuers: TrustedIssuerService;
  verifier: TrustedJwtVerifier;
  /** Adds an enabled (or disabled) user; returns its id. */
  addUser(username: string, disabled?: boolean): Promise<string>;
}

export async function openTrustHarness(overrides: Partial<Record<SettingName, string>> = {}): Promise<TrustHarness> {
  const h = await Harness.open(overrides);
  for (const cls of [TrustedIssuerCatalog, TrustedIssuerService, TrustedJwtVerifier]) h.container.registerSingleton(cls as never);
  h.container.registerSingleton(PluginTokens.Users, UserDirectoryService);
  return {
    h,
    issuers: h.container.resolve(TrustedIssuerService),
    verifier: h.container.resolve(TrustedJwtVerifier),
    async addUser(username, disabled = false) {
      const id = `id-${username}`;
      await h.storage.users.insert({ id, username, passwordHash: "unused", disabled, createdAt: h.clock.ms });
      return id;
    },
  };
}
