import { decodeJwt } from "jose";
import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import type { TrustedIssuers, TrustedJwt, TrustedJwtExpectation } from "../../plugin-sdk/capabilities.js";
import { OAuthErrors } from "../../plugin-sdk/errors.js";
import { PluginTokens } from "../../plugin-sdk/plugin-tokens.js";
import { DI } from "../di-tokens.js";
import { MAX_STATEMENT_LENGTH } from "./client-metadata.schema.js";
import type { RegistrationPolicy } from "./registration-policy.js";

/** Claims about the statement itself (RFC 7519 §4.1), never client metadata. */
const JWT_CLAIMS: ReadonlySet<string> = new Set(["iss", "sub", "aud", "exp", "nbf", "iat", "jti"]);

/** What a registration or update requires of its software statement. */
export interface StatementRules {
  /** The initial access token's requirements (dynamic registration). */
  policy?: RegistrationPolicy;
  /** The statement the client was registered with (RFC 7592 update): it must be presented again, by the same issuer for the same software_id. */
  previous?: string;
}

const unapproved = (description: string) => OAuthErrors.unapprovedSoftwareStatement(description);

/**
 * Software statements (RFC 7591 §2.3, §3.1.1): a JWT from an issuer the operator trusts for "software-statement"
 * (`aud`, when present, this issuer; `exp` optional; no `sub` needed), whose client metadata claims take precedence
 * over the same request members. Invalid is `invalid_software_statement`, valid but not approved for this
 * registration `unapproved_software_statement`, missing when required `invalid_client_metadata` (RFC 7591 §3.2.2).
 */
@injectable()
export class SoftwareStatements {
  private readonly expectation: TrustedJwtExpectation;

  constructor(
    @inject(PluginTokens.TrustedIssuers) private readonly issuers: TrustedIssuers,
    @inject(DI.Config) config: Config,
  ) {
    this.expectation = Object.freeze({ use: "software-statement", clientId: null, audiences: [config.issuer], singleUse: false, subject: "optional", expiry: "optional", audience: "optional" });
  }

  /** The request with the verified statement's metadata claims over its members and the statement kept as `software_statement` (RFC 7591 §3.2.1). */
  async apply(request: Readonly<Record<string, unknown>>, rules: StatementRules): Promise<Record<string, unknown>> {
    const statement = request.software_statement;
    if (statement === undefined || statement === null) {
      if (rules.policy?.requireSoftwareStatement) throw OAuthErrors.invalidClientMetadata("software_statement is required");
      if (rules.previous !== undefined) throw OAuthErrors.invalidClientMetadata("software_statement is required: the client was registered with one");
      return { ...request };
    }
    if (typeof statement !== "string" || statement.length > MAX_STATEMENT_LENGTH) throw OAuthErrors.invalidSoftwareStatement("software_statement must be a signed JWT");
    const result = await this.issuers.verify(statement, this.expectation);
    if (!result.ok) throw OAuthErrors.invalidSoftwareStatement(`software statement rejected: ${result.description}`, { cause: result.reason });
    checkApproved(result.jwt, rules);
    const asserted = Object.entries(result.jwt.claims).filter(([name]) => !JWT_CLAIMS.has(name));
    return { ...request, ...Object.fromEntries(asserted), software_statement: statement };
  }
}

/** The issuer and `software_id` must be ones the token approves; an update keeps the registered statement's issuer and software_id. */
function checkApproved(jwt: TrustedJwt, { policy, previous }: StatementRules): void {
  const softwareId = jwt.claims.software_id;
  if (policy?.softwareStatementIssuers && !policy.softwareStatementIssuers.includes(jwt.issuer)) throw unapproved("the software statement's issuer is not approved for this registration");
  if (policy?.softwareIds && !(typeof softwareId === "string" && policy.softwareIds.includes(softwareId))) throw unapproved("the software statement's software_id is not approved for this registration");
  if (previous === undefined) return;
  // The stored statement was verified when it was registered; only its issuer and software_id are compared.
  const registered = decodeJwt(previous);
  if (registered.iss !== jwt.issuer || registered.software_id !== softwareId) throw unapproved("the software statement must be from the registered statement's issuer for the same software_id");
}
