import { inject, injectable } from "tsyringe";
import type { Revocations } from "../../plugin-sdk/capabilities.js";
import { DI } from "../di-tokens.js";
import type { RevocationService } from "../tokens/access-token.js";
import { TokenRevoker } from "../tokens/token-revoker.js";

/** Revocation for plugins (PluginTokens.Revocations, GrantContext.revocations), with core's rules (RFC 7009 §2.1). */
@injectable()
export class PluginRevocations implements Revocations {
  constructor(
    @inject(DI.Revocation) private readonly revocation: RevocationService,
    @inject(TokenRevoker) private readonly revoker: TokenRevoker,
  ) {}

  revokeGrant(grantId: string): Promise<void> {
    return this.revocation.revokeGrant(grantId, { cause: "plugin" });
  }

  /** As a trusted caller: no ownership check (the plugin decided); unknown tokens are ignored (RFC 7009 §2.2). */
  revokeToken(token: string): Promise<void> {
    return this.revoker.revoke(token, undefined);
  }
}
