import { actorClaimOf, MAX_ACTOR_CHAIN, OAuthErrors, type ActorClaim, type ExchangedToken } from "portcullis/plugin-sdk";

const IDENTITY = ["sub", "iss", "client_id"] as const;

/**
 * Honours the subject token's `may_act` (RFC 8693 §4.4): every identity member it names (sub, iss, client_id) must be
 * the actor token's, or, without an actor token, the requesting client's, which then is the party acting.
 */
export function assertMayAct(subject: ExchangedToken, actor: ExchangedToken | undefined, clientId: string, issuer: string): void {
  const mayAct = subject.claims.may_act;
  if (mayAct === undefined) return;
  const party: Record<(typeof IDENTITY)[number], string | undefined> = actor
    ? { sub: actor.subject, iss: actor.issuer, client_id: actor.clientId }
    : { sub: clientId, iss: issuer, client_id: clientId };
  const named = typeof mayAct === "object" && mayAct !== null && !Array.isArray(mayAct) ? (mayAct as Record<string, unknown>) : {};
  const names = IDENTITY.filter((name) => named[name] !== undefined);
  if (!names.some((name) => name !== "iss") || names.some((name) => named[name] !== party[name])) {
    throw OAuthErrors.invalidRequest("the actor is not one the subject_token's may_act allows");
  }
}

/**
 * The issued token's `act` (RFC 8693 §4.1): the actor on top of the subject token's chain; without an actor token the
 * subject token's chain is kept, so a delegated token never turns into an impersonation. An actor of another issuer
 * is named with its `iss`.
 */
export function actorChainOf(subject: ExchangedToken, actor: ExchangedToken | undefined, issuer: string): ActorClaim | undefined {
  const recorded = subject.claims.act;
  const prior = recorded === undefined ? undefined : actorClaimOf(recorded);
  if (recorded !== undefined && prior === undefined) throw OAuthErrors.invalidRequest("subject_token has a malformed act claim");
  if (!actor) return prior;
  const chain = actorClaimOf({ sub: actor.subject, ...(actor.issuer !== issuer && { iss: actor.issuer }), ...(prior && { act: prior }) });
  if (!chain) throw OAuthErrors.invalidRequest(`the delegation chain would exceed ${MAX_ACTOR_CHAIN} actors`);
  return chain;
}
