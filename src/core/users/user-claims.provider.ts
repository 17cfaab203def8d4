import { inject, injectable } from "tsyringe";
import type { ClaimsProvider, ClaimsRequest } from "../../plugin-sdk/hooks.js";
import { DI } from "../di-tokens.js";
import type { DurableStorage, User } from "../ports/repositories.js";

/** The standard claims each scope asks for that the user record can answer (OIDC Core §5.4); address and phone are not stored. */
const SCOPE_CLAIMS: Readonly<Record<string, readonly string[]>> = {
  profile: ["name", "preferred_username"],
  email: ["email", "email_verified"],
};

/** Every claim this provider can produce, for `claims_supported` (OIDC Discovery §3). */
export const USER_CLAIMS: readonly string[] = Object.values(SCOPE_CLAIMS).flat();

/**
 * Values of the standard claims from the user record. `email_verified` is always false: Portcullis does not verify
 * addresses. `updated_at` is not produced, because no profile-update time is stored.
 */
const valueOf: Readonly<Record<string, (user: User) => unknown>> = {
  name: (user) => user.name,
  preferred_username: (user) => user.username,
  email: (user) => user.email,
  email_verified: (user) => (user.email === undefined ? undefined : false),
};

/**
 * Core's global claims provider: standard claims of the granted `profile`/`email` scopes (OIDC Core §5.4), plus
 * claims named individually in the `claims` request parameter even without their scope (§5.5).
 */
@injectable()
export class UserClaimsProvider implements ClaimsProvider {
  readonly id = "core.user-claims";
  readonly global = true;

  constructor(@inject(DI.Durable) private readonly storage: DurableStorage) {}

  /** Claims of the user `request.subject` (a local user id); none for an unknown user. */
  async claims(request: ClaimsRequest): Promise<Record<string, unknown>> {
    const wanted = new Set(request.scopes.flatMap((scope) => SCOPE_CLAIMS[scope] ?? []));
    for (const name of Object.keys(request.requestedClaims ?? {})) if (Object.hasOwn(valueOf, name)) wanted.add(name);
    if (wanted.size === 0) return {};
    const user = await this.storage.users.findById(request.subject);
    if (!user) return {};
    const claims: Record<string, unknown> = {};
    for (const name of wanted) {
      const value = valueOf[name]!(user);
      if (value !== undefined && value !== null) claims[name] = value;
    }
    return claims;
  }
}
