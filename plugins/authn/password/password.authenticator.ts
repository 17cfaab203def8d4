import type { AuthenticationResult, Authenticator, AuthenticatorContext } from "portcullis/plugin-sdk";

/** Username and password, checked by core against the user's scrypt hash (OIDC Core §3.1.2.3; RFC 8176 §2 `pwd`). */
export class PasswordAuthenticator implements Authenticator {
  readonly id = "password";
  readonly factor = "first";
  readonly amr = ["pwd"];
  readonly fields = [
    { name: "username", label: "Username", type: "text", autocomplete: "username" },
    { name: "password", label: "Password", type: "password", autocomplete: "current-password" },
  ] as const;

  /** Identifies the user; unknown and disabled users cost the same hash as known ones (no account enumeration). */
  async authenticate(input: { fields: Readonly<Record<string, string>> }, ctx: AuthenticatorContext): Promise<AuthenticationResult> {
    const user = await ctx.users.findByUsername(input.fields.username ?? "");
    // Core verifies unknown ids against a dummy hash, so this call takes the same time whether or not the user exists.
    const valid = await ctx.users.verifyPassword(user?.id ?? "", input.fields.password ?? "");
    return valid && user !== undefined && !user.disabled ? { ok: true, userId: user.id } : { ok: false };
  }
}
