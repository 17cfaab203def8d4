import "reflect-metadata";
import type { InjectionToken } from "tsyringe";
import type { AttestationChallenges, Attestations } from "./attestation.js";
import type { AuthorizationCodes } from "./authorization-codes.js";
import type {
  AccessPolicy,
  AuthenticationSeal,
  BrowserSignIn,
  ClientAuthentication,
  FailureLockout,
  IssuedTokens,
  Pages,
  PluginClock,
  PluginLogger,
  Revocations,
  SingleUseStore,
  TrustedIssuers,
  UserDirectory,
} from "./capabilities.js";
import type { DirectSignIn } from "./direct-sign-in.js";
import type { TokenExchangePolicies } from "./token-exchange.js";
import type { SenderProofs } from "./sender-binding.js";

export { inject, injectable } from "tsyringe";

const token = <T>(name: string) => Symbol(`portcullis.plugin.${name}`) as InjectionToken<T>;

/**
 * What a contributed class may ask for in its constructor with `@inject(PluginTokens.X)` (DESIGN "Plugin contracts":
 * plugins are resolved through the DI container). Every constructor parameter needs its `@inject`; an unknown token
 * fails the boot, naming the plugin.
 */
export const PluginTokens = {
  /** This module's options from PLUGIN_OPTIONS (an empty object when none). */
  Options: token<Readonly<Record<string, unknown>>>("options"),
  /** The issuer identifier (RFC 8414 §2), e.g. for endpoint URLs. */
  Issuer: token<string>("issuer"),
  Clock: token<PluginClock>("clock"),
  /** CLOCK_TOLERANCE in seconds: the leeway for `iat`/`nbf`/`exp` of incoming JWTs (RFC 7519 §4.1.4). */
  ClockTolerance: token<number>("clock-tolerance"),
  /** A logger bound to this module's id. */
  Logger: token<PluginLogger>("logger"),
  Users: token<UserDirectory>("users"),
  Tokens: token<IssuedTokens>("tokens"),
  /** This module's own namespace of the ephemeral store. */
  SingleUse: token<SingleUseStore>("single-use"),
  /** Failure counters with lockout, in this module's own namespace of the ephemeral store. */
  FailureLockout: token<FailureLockout>("failure-lockout"),
  Revocations: token<Revocations>("revocations"),
  AuthenticationSeal: token<AuthenticationSeal>("authentication-seal"),
  ClientAuthentication: token<ClientAuthentication>("client-authentication"),
  /** Every enabled token-exchange policy, combined by core (RFC 8693 §5). */
  TokenExchangePolicies: token<TokenExchangePolicies>("token-exchange-policies"),
  /** JWTs from the operator's trusted issuers (RFC 7523 §3). */
  TrustedIssuers: token<TrustedIssuers>("trusted-issuers"),
  /** Sign-in without a browser through core's sign-in machine and lockout (first-party apps, password grant). */
  DirectSignIn: token<DirectSignIn>("direct-sign-in"),
  /** Authorization codes for a vouched authentication, redeemed at /token (first-party apps). */
  AuthorizationCodes: token<AuthorizationCodes>("authorization-codes"),
  /** The scope and audience policy, for a plugin's own endpoints. */
  AccessPolicy: token<AccessPolicy>("access-policy"),
  /** Core's sign-in and consent pages for a plugin's browser flow. */
  BrowserSignIn: token<BrowserSignIn>("browser-sign-in"),
  /** Plugin pages in core's layout. */
  Pages: token<Pages>("pages"),
  /** Every enabled attestation verifier, by evidence format (RFC 9334 §3; attestation-based client auth, attested DCR). */
  Attestations: token<Attestations>("attestations"),
  /** Server-provided challenges for proofs of possession and evidence (draft-ietf-oauth-attestation-based-client-auth-11 §6). */
  AttestationChallenges: token<AttestationChallenges>("attestation-challenges"),
  /** Core's DPoP proof verification for a plugin's own endpoint (RFC 9449 §4.3): what a request proves it holds. */
  SenderProofs: token<SenderProofs>("sender-proofs"),
} as const;
