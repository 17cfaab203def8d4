import { EventEmitter } from "node:events";
import * as grpc from "@grpc/grpc-js";
import { TokenValidationService } from "../../gen/portcullis/validation/v1/validation_pb.js";
import { parseAuthorization, type PresentedCredentials, type TokenScheme } from "./authorization-header.js";
import { DEFAULT_BACKOFF, type BackoffPolicy } from "./backoff.js";
import { cacheKey, isCacheableAnswer, isCacheableRequest } from "./cache-policy.js";
import { callerMetadata, type CallerToken } from "./caller-credentials.js";
import { unaryCall } from "./grpc-call.js";
import { RevocationWatcher } from "./revocation-watcher.js";
import { TokenCache, type Clock, type RevocationKind } from "./token-cache.js";
import { toValidatedToken, type TokenFailure, type TokenValidation, type ValidatedToken } from "./token-validation.js";

export interface TokenValidatorOptions {
  /** `host:port` of the Portcullis internal listener. */
  address: string;
  /** `grpc.credentials.createInsecure()` for loopback h2c; `createSsl(ca, key, cert)` for TLS or mTLS. */
  credentials: grpc.ChannelCredentials;
  /** The caller's access token (scope `portcullis:validate`); omit when the channel's client certificate authenticates. */
  callerToken?: CallerToken;
  /** Time allowed for each ValidateToken call, caller token included (ms). */
  deadlineMs?: number;
  /** Positive answers kept while the revocation stream is live: `maxEntries` (0 disables), each at most `maxAgeMs`. */
  cache?: { maxEntries: number; maxAgeMs?: number };
  /** Reconnection delays of the revocation stream. */
  reconnect?: Partial<BackoffPolicy>;
  /** Epoch milliseconds for cache expiry (gRPC deadlines use the real time). */
  clock?: Clock;
  /** Uniform draws in [0, 1) for the backoff jitter. */
  random?: () => number;
  /** Options of the underlying grpc-js client (channel arguments, interceptors). */
  clientOptions?: grpc.ClientOptions;
}

/** The facts of the protected-resource request that ValidateToken checks besides the token (RFC 9449 §4.3, RFC 8705 §3). */
export interface RequestFacts {
  /** The DPoP header value(s) (RFC 9449 §4.1); more than one is refused. */
  dpopProof?: string | readonly string[];
  /** The HTTP method (DPoP `htm`). */
  method: string;
  /** The absolute URL of the request (DPoP `htu`). */
  url: string;
  /** SHA-256 thumbprint (base64url) of the TLS client certificate (RFC 8705 §3.1 `x5t#S256`). */
  clientCertificateThumbprint?: string;
  requiredScopes?: readonly string[];
  /** The resource's identifier (RFC 8707 §2), required in the token's `aud`. */
  requiredAudience?: string;
}

/** A request to validate: its Authorization header value(s), or a token already taken from the request. */
export type ValidationRequest = RequestFacts & ({ authorization: string | readonly string[] | undefined } | { token: string; scheme?: TokenScheme });

/** What the validator reports about its revocation stream. */
export interface TokenValidatorEvents {
  subscribed: [];
  revocation: [event: { kind: string; id: string }];
  disconnected: [error: unknown];
}

/** Validates access tokens with Portcullis for a resource server (RFC 6750 §2–3, RFC 9449 §7, RFC 8705 §3). */
export interface TokenValidator {
  validate(request: ValidationRequest): Promise<TokenValidation>;
  /** True while the revocation stream is subscribed (and cached answers are served). */
  readonly watching: boolean;
  readonly events: EventEmitter<TokenValidatorEvents>;
  /** Ends the revocation stream and closes the channel. */
  close(): void;
}

const DEFAULT_DEADLINE_MS = 2000;
const DEFAULT_CACHE = { maxEntries: 10_000, maxAgeMs: 60_000 };
/** Keepalive pings, so a connection that died under the long-lived revocation stream is noticed (gRPC keepalive). */
const KEEPALIVE: grpc.ChannelOptions = { "grpc.keepalive_time_ms": 20_000, "grpc.keepalive_timeout_ms": 5_000 };
const REVOCATION_KINDS: ReadonlySet<string> = new Set<RevocationKind>(["token", "grant", "client"]);

/**
 * A TokenValidator on one gRPC channel to Portcullis: each request's token is checked with ValidateToken (RFC 6750
 * §3.1 answers), positive answers of tokens without a DPoP binding are cached while WatchRevocations is subscribed
 * and evicted by its events; every failure to reach Portcullis refuses the request (fail closed).
 */
export function createTokenValidator(options: TokenValidatorOptions): TokenValidator {
  const deadlineMs = options.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const backoff = { ...DEFAULT_BACKOFF, ...options.reconnect };
  // The channel reconnects on the same schedule as the stream, so a restarted Portcullis is reached on the next attempt.
  const client = new grpc.Client(options.address, options.credentials, {
    ...KEEPALIVE,
    "grpc.initial_reconnect_backoff_ms": backoff.initialDelayMs,
    "grpc.max_reconnect_backoff_ms": backoff.maxDelayMs,
    ...options.clientOptions,
  });
  const cache = new TokenCache({ ...DEFAULT_CACHE, ...options.cache, clock: options.clock ?? Date });
  const events = new EventEmitter<TokenValidatorEvents>();
  const metadata = () => withDeadline(callerMetadata(options.callerToken), deadlineMs);
  let watching = false;
  const watcher = new RevocationWatcher({
    client,
    metadata,
    backoff,
    random: options.random ?? Math.random,
    onSubscribed() {
      watching = true;
      cache.reset(true);
      events.emit("subscribed");
    },
    onRevocation({ kind, id }) {
      if (REVOCATION_KINDS.has(kind)) cache.evict(kind as RevocationKind, id);
      else cache.reset(true);
      events.emit("revocation", { kind, id });
    },
    onDisconnected(error) {
      watching = false;
      cache.reset(false);
      events.emit("disconnected", error);
    },
  });
  watcher.start();

  /** One ValidateToken call within the deadline; any error is a refusal (fail closed). */
  async function remote(token: string, scheme: TokenScheme, facts: RequestFacts, proof: string | undefined): Promise<ValidatedToken | TokenFailure> {
    const deadline = Date.now() + deadlineMs;
    try {
      const response = await unaryCall(
        client,
        TokenValidationService.method.validateToken,
        {
          token,
          dpopProof: proof,
          httpMethod: facts.method,
          httpUrl: facts.url,
          clientCertificateThumbprint: facts.clientCertificateThumbprint ?? "",
          requiredScopes: [...(facts.requiredScopes ?? [])],
          requiredAudience: facts.requiredAudience ?? "",
        },
        await metadata(),
        { deadline },
      );
      if (response.active) return toValidatedToken(response);
      const refused = failure(scheme, facts, response.failure || "invalid_token", describe(response.failure));
      return response.dpopNonce ? { ...refused, dpopNonce: response.dpopNonce } : refused;
    } catch (error) {
      return { ...failure(scheme, facts, "temporarily_unavailable", "the access token could not be validated; retry later"), cause: error };
    }
  }

  return {
    get watching() {
      return watching;
    },
    events,
    async validate(request) {
      const credentials: PresentedCredentials = "token" in request ? { kind: "token", scheme: request.scheme ?? "Bearer", token: request.token } : parseAuthorization(request.authorization);
      if (credentials.kind === "absent") return { active: false, scheme: "Bearer", requiredScopes: request.requiredScopes ?? [] };
      if (credentials.kind === "malformed") return failure("Bearer", request, "invalid_request", credentials.description);
      const proofs = request.dpopProof === undefined ? [] : typeof request.dpopProof === "string" ? [request.dpopProof] : request.dpopProof;
      if (proofs.length > 1) return failure("DPoP", request, "invalid_dpop_proof", "more than one DPoP proof");
      const proof = proofs[0];
      const cacheable = isCacheableRequest(proof);
      const key = cacheKey({
        token: credentials.token,
        clientCertificateThumbprint: request.clientCertificateThumbprint ?? "",
        requiredScopes: request.requiredScopes ?? [],
        requiredAudience: request.requiredAudience ?? "",
      });
      const cached = cacheable ? cache.get(key) : undefined;
      if (cached) return presentedAs(credentials.scheme, cached, request);
      const generation = cache.generation;
      const answer = await remote(credentials.token, credentials.scheme, request, proof);
      if ("active" in answer) return answer;
      if (cacheable && isCacheableAnswer(answer)) cache.set(key, answer, generation);
      return presentedAs(credentials.scheme, answer, request);
    },
    close() {
      watcher.close();
      client.close();
      cache.reset(false);
    },
  };
}

/** Descriptions of the ValidateToken failure codes (RFC 6750 §3.1, RFC 9449 §7.1); error_description is optional. */
const DESCRIPTIONS: Readonly<Record<string, string>> = {
  invalid_token: "the access token is invalid, expired, revoked or not meant for this resource",
  insufficient_scope: "the access token lacks a scope this resource requires",
  invalid_dpop_proof: "the DPoP proof is invalid",
  use_dpop_nonce: "the DPoP proof must carry the server's nonce",
};

/** The error_description of a ValidateToken failure code; a generic one for codes this library does not know. */
function describe(error: string): string {
  return Object.hasOwn(DESCRIPTIONS, error) ? DESCRIPTIONS[error]! : "the access token is not valid for this request";
}

function failure(scheme: TokenScheme, facts: RequestFacts, error: string, description: string): TokenFailure {
  return { active: false, error, description, scheme, requiredScopes: facts.requiredScopes ?? [] };
}

/**
 * The token as presented: a DPoP-bound token only under the DPoP scheme (RFC 9449 §7.1) and never as a bearer token
 * (RFC 9449 §7.2); the DPoP scheme only for a DPoP-bound token, whose proof is what makes the scheme meaningful.
 */
function presentedAs(scheme: TokenScheme, token: ValidatedToken, facts: RequestFacts): TokenValidation {
  const bound = Boolean(token.confirmation?.jkt) || token.tokenType === "DPoP";
  if (bound && scheme === "Bearer") return failure("DPoP", facts, "invalid_token", "a DPoP-bound access token must use the DPoP scheme");
  if (!bound && scheme === "DPoP") return failure("Bearer", facts, "invalid_token", "the DPoP scheme needs a DPoP-bound access token");
  return { active: true, token };
}

/** Rejects once `ms` have passed without `promise` settling. */
function withDeadline<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)));
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}
