import { inject, injectable } from "tsyringe";
import type { BrowserSignInResult } from "../../plugin-sdk/browser-sign-in.js";
import type { AuthenticatedUser } from "../../plugin-sdk/capabilities.js";
import { DI } from "../di-tokens.js";
import type { RandomSource } from "../ports/clock.js";
import type { EphemeralStore } from "../ports/ephemeral-store.js";
import { secretDigest } from "../security/digest.js";
import { vouch } from "../security/vouched.js";
import type { PluginReturn } from "./interaction.store.js";

/** How long the browser has to follow the redirect back to the plugin's page (ms). */
export const RESULT_TTL_MS = 5 * 60 * 1000;

/** How a returning interaction ended: the authentication and consented scopes, or the OAuth error. */
export type InteractionOutcome = { approved: true; authentication: AuthenticatedUser; scopes: string[] } | { approved: false; error: string };

type StoredResult = PluginReturn & { outcome: InteractionOutcome };

const key = (reference: string) => `interaction-result:${secretDigest(reference)}`;
const WELL_FORMED = /^[A-Za-z0-9_-]{43}$/;

/**
 * Outcomes of browser sign-ins that return to a plugin's page (BrowserSignIn capability), in the EphemeralStore by the
 * digest of a 256-bit reference for RESULT_TTL_MS: any node can serve the return, and each outcome is read once.
 */
@injectable()
export class InteractionResults {
  constructor(
    @inject(DI.Ephemeral) private readonly store: EphemeralStore,
    @inject(DI.Random) private readonly random: RandomSource,
  ) {}

  /** Stores the outcome for the return described by `returnTo`; the reference the browser carries back. */
  async issue(returnTo: PluginReturn, outcome: InteractionOutcome): Promise<string> {
    const reference = this.random.token(32);
    const stored: StoredResult = { path: returnTo.path, state: returnTo.state, outcome };
    await this.store.put(key(reference), JSON.stringify(stored), RESULT_TTL_MS);
    return reference;
  }

  /** Takes the outcome of `reference` atomically, only at the path it was issued for; the authentication comes back vouched. */
  async redeem(reference: string, path: string): Promise<BrowserSignInResult | undefined> {
    if (!WELL_FORMED.test(reference)) return undefined;
    const stored = await this.store.take(key(reference));
    if (stored === undefined) return undefined;
    const { path: issuedFor, state, outcome } = JSON.parse(stored) as StoredResult;
    if (issuedFor !== path) return undefined;
    if (!outcome.approved) return { approved: false, state, error: outcome.error };
    return { approved: true, state, authentication: vouch(outcome.authentication), scopes: outcome.scopes };
  }
}
