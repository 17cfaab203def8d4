import { BlockList, isIP } from "node:net";
import { availableParallelism } from "node:os";
import { z } from "zod";
import { SETTINGS, type SettingName } from "./defaults.js";

const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");
const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);
const list = z.string().transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean));
const alg = z.enum(["ES256", "RS256", "PS256", "EdDSA"]);
const url = z.string().refine((v) => URL.canParse(v), "must be an absolute URL");
const path = z.string().min(1);
/** A JSON object setting; anything else is reported as one issue naming the setting. */
const jsonObject = z.string().transform((v, ctx) => {
  try {
    const parsed: unknown = JSON.parse(v);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    /* reported below */
  }
  ctx.addIssue({ code: "custom", message: "must be a JSON object" });
  return z.NEVER;
});
/** Keys are RFC 8705 §3.1 `x5t#S256` values: base64url (unpadded) SHA-256 of the certificate's DER encoding. */
const thumbprintKeys = z.record(z.string().regex(/^[A-Za-z0-9_-]{43}$/), z.string({ error: "values must be space-separated scope strings" }), {
  error: "keys must be certificate SHA-256 thumbprints (43 base64url characters, RFC 8705 x5t#S256)",
});
/** Caller certificate thumbprint → the internal scopes it is granted (DESIGN "Listeners"). */
const mtlsCallers = jsonObject
  .pipe(thumbprintKeys)
  .transform((callers): ReadonlyMap<string, readonly string[]> => new Map(Object.entries(callers).map(([key, scopes]) => [key, scopes.split(/\s+/).filter(Boolean)])));

/** `MTLS_TRUSTED_PROXIES`: addresses and CIDRs (`10.0.0.0/8`, `::1`) as a BlockList the listener checks remote addresses against. */
const addressList = list.transform((entries, ctx) => {
  const addresses = new BlockList();
  for (const entry of entries) {
    const [address = "", bits] = entry.split("/");
    const family = isIP(address) === 6 ? "ipv6" : "ipv4";
    try {
      if (isIP(address) === 0 || (bits !== undefined && !/^\d{1,3}$/.test(bits))) throw new Error(entry);
      if (bits === undefined) addresses.addAddress(address, family);
      else addresses.addSubnet(address, Number(bits), family);
    } catch {
      ctx.addIssue({ code: "custom", message: `${JSON.stringify(entry)} is not an IP address or CIDR` });
    }
  }
  return addresses;
});
/** An origin only (`https://host[:port]`), no path, query or fragment (RFC 6454 §4). */
const httpsOrigin = url
  .refine((v) => {
    const u = URL.canParse(v) ? new URL(v) : undefined;
    return u?.protocol === "https:" && u.pathname === "/" && !u.search && !u.hash && !u.username;
  }, "must be an https:// origin without path, query or fragment")
  .transform((v) => new URL(v).origin);
/** An HTTP header name (RFC 9110 §5.1 token), compared lower-cased. */
const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "must be an HTTP header name").transform((v) => v.toLowerCase());

/** One node, or Redis Cluster seed nodes: `redis[s]+cluster://[user:pass@]host:port,host:port[/][?…]` (no database number). */
const clusterNode = String.raw`(?:\[[0-9A-Fa-f:.]+\]|[^\s:/?#@,[\]]+)(?::\d{1,5})?`;
const REDIS_URL = new RegExp(String.raw`^(?:rediss?:\/\/.+|rediss?\+cluster:\/\/(?:[^\s/?#@]*@)?${clusterNode}(?:,${clusterNode})*\/?(?:\?\S*)?)$`);

/** Why zod (not hand-written checks): one declarative schema gives coercion, ranges and messages that name the setting. */
const schema = z.object({
  port: int(0, 65535),
  host: z.string().min(1),
  issuer: url.optional(),
  publicTlsCert: path.optional(),
  publicTlsKey: path.optional(),
  publicTlsClientCa: path.optional(),
  publicTlsRequestCert: bool,
  publicMtlsPort: int(1, 65535).optional(),
  mtlsIssuerOrigin: httpsOrigin.optional(),
  mtlsProxyHeader: headerName.optional(),
  mtlsProxyVerifyHeader: headerName.optional(),
  mtlsTrustedProxies: addressList,
  grpcPort: int(0, 65535),
  grpcHost: z.string().min(1),
  metricsPort: int(0, 65535),
  metricsHost: z.string().min(1),
  grpcTlsCert: path.optional(),
  grpcTlsKey: path.optional(),
  grpcTlsClientCa: path.optional(),
  grpcMtlsCallers: mtlsCallers,
  shutdownReadinessDelayMs: int(0, 60_000),
  workers: z.union([z.literal("auto").transform(() => availableParallelism()), int(1, 256)], { error: "must be auto or a whole number from 1 to 256" }),
  databaseUrl: z.string().regex(/^(sqlite:.+|mysql:\/\/.+)$/, "must be sqlite:<path> or mysql://user:pass@host:port/db"),
  sqliteSynchronous: z.enum(["normal", "full"]),
  redisUrl: z.string().regex(REDIS_URL, "must be redis://…, rediss://… or redis+cluster://host:port,host:port (rediss+cluster:// for TLS)").optional(),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]),
  plugins: list,
  disabledPlugins: list,
  pluginOptions: jsonObject.transform((v) => v as Record<string, Record<string, unknown>>),
  accessTokenTtl: int(1, 86_400),
  refreshTokenTtl: int(60),
  refreshGraceSeconds: int(0, 600),
  authorizationCodeTtl: int(1, 600),
  sessionTtl: int(60, 31_536_000),
  housekeepingInterval: int(60, 86400),
  interactionTtl: int(60, 3600),
  parTtl: int(5, 600),
  pkcePlainAllowed: bool,
  userinfoQueryToken: bool,
  unsignedIdTokens: bool,
  pkceRequired: bool,
  requirePar: bool,
  requestUriFetch: bool,
  parLimit: int(1),
  accessTokenAlg: alg,
  signingAlgs: list.pipe(z.array(alg).min(1)),
  keyRotationInterval: int(0),
  keyEncryptionKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/, "must be 32 bytes, base64url-encoded (43 characters)").optional(),
  clockTolerance: int(0, 300),
  assertionMaxLifetime: int(10, 3600),
  dpopProofMaxAge: int(1, 300),
  dpopNonceRequired: bool,
  openRegistration: bool,
  requireRegistrationEvidence: bool,
  authFailureLimit: int(1),
  loginFailureLimit: int(1),
  loginIpFailureLimit: int(1),
  loginLockoutSeconds: int(1, 86_400),
  introspectionLimit: int(1),
  registrationLimit: int(1),
  rateLimitWindow: int(1),
  bodyLimit: int(1024),
  headerLimit: int(1024),
  requestTimeout: int(100),
  fetchTimeout: int(100, 60_000),
  fetchMaxBytes: int(1024),
  fetchAllowPrivate: bool,
  backchannelLogoutTimeout: int(1, 60),
  clientCacheTtl: int(0, 3600),
  changePollInterval: int(50, 60_000),
});

export type Config = Omit<z.output<typeof schema>, "issuer"> & { issuer: string };

/** Raised when configuration is invalid; the message names each offending setting. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Builds the configuration from an environment (process.env by default) plus overrides; throws ConfigError. */
export function loadConfig(env: Record<string, string | undefined> = process.env, overrides: Partial<Record<SettingName, string>> = {}): Config {
  const raw: Record<string, string | undefined> = {};
  for (const [name, spec] of Object.entries(SETTINGS) as [SettingName, (typeof SETTINGS)[SettingName]][]) {
    const fromEnv = env[spec.env];
    raw[name] = overrides[name] ?? (fromEnv === undefined || fromEnv === "" ? spec.default : fromEnv);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw configError(
      parsed.error.issues.map((issue) => {
        const name = issue.path[0] as SettingName;
        return `${SETTINGS[name]?.env ?? String(name)}: ${issue.message} (got ${shown(name, raw[name])})`;
      }),
    );
  }
  const config = parsed.data;
  if (!config.signingAlgs.includes(config.accessTokenAlg)) config.signingAlgs.push(config.accessTokenAlg);
  if (!config.signingAlgs.includes("RS256")) config.signingAlgs.push("RS256");
  const issuer = (config.issuer ?? `${config.publicTlsCert ? "https" : "http"}://localhost:${config.port}`).replace(/\/$/, "");
  const issuerUrl = new URL(issuer);
  if (issuerUrl.search || issuerUrl.hash) throw configError(["ISSUER: must have no query or fragment (RFC 8414 §2)"]);
  const problems = [...internalTlsProblems(config), ...publicTlsProblems(config)];
  if (problems.length > 0) throw configError(problems);
  return { ...config, issuer };
}

/** A ConfigError listing one line per offending setting. */
export function configError(lines: readonly string[]): ConfigError {
  return new ConfigError(`Invalid configuration:\n  ${lines.join("\n  ")}`);
}

/** Internal-listener TLS settings that are valid alone but not together (DESIGN "Listeners": TLS/mTLS when configured). */
function internalTlsProblems(config: z.output<typeof schema>): string[] {
  const env = (name: SettingName) => SETTINGS[name].env;
  const problems: string[] = [];
  if (Boolean(config.grpcTlsCert) !== Boolean(config.grpcTlsKey)) problems.push(`${env("grpcTlsCert")}, ${env("grpcTlsKey")}: set both or neither`);
  if (config.grpcTlsClientCa && !config.grpcTlsCert) problems.push(`${env("grpcTlsClientCa")}: needs ${env("grpcTlsCert")} and ${env("grpcTlsKey")} (mTLS runs over TLS)`);
  if (config.grpcMtlsCallers.size > 0 && !config.grpcTlsClientCa) problems.push(`${env("grpcMtlsCallers")}: needs ${env("grpcTlsClientCa")} to verify caller certificates`);
  return problems;
}

/** Public-listener TLS and mTLS settings that are valid alone but not together (RFC 8705 §5: mTLS needs TLS somewhere). */
function publicTlsProblems(config: z.output<typeof schema>): string[] {
  const env = (name: SettingName) => SETTINGS[name].env;
  const tls = `needs ${env("publicTlsCert")} and ${env("publicTlsKey")}`;
  const problems: string[] = [];
  if (Boolean(config.publicTlsCert) !== Boolean(config.publicTlsKey)) problems.push(`${env("publicTlsCert")}, ${env("publicTlsKey")}: set both or neither`);
  for (const name of ["publicTlsClientCa", "publicMtlsPort"] as const) if (config[name] !== undefined && !config.publicTlsCert) problems.push(`${env(name)}: ${tls} (mTLS runs over TLS)`);
  if (config.publicTlsRequestCert && !config.publicTlsCert) problems.push(`${env("publicTlsRequestCert")}: ${tls} (mTLS runs over TLS)`);
  const asksForCertificates = config.publicMtlsPort !== undefined || config.publicTlsRequestCert;
  if (config.publicTlsClientCa && config.publicTlsCert && !asksForCertificates) problems.push(`${env("publicTlsClientCa")}: needs ${env("publicMtlsPort")} or ${env("publicTlsRequestCert")} (no listener asks for client certificates)`);
  if (config.publicMtlsPort !== undefined && config.publicMtlsPort === config.port) problems.push(`${env("publicMtlsPort")}: must differ from ${env("port")}`);
  const proxied = config.mtlsProxyHeader !== undefined;
  if (proxied !== config.mtlsTrustedProxies.rules.length > 0) problems.push(`${env("mtlsProxyHeader")}, ${env("mtlsTrustedProxies")}: set both or neither (the header is trusted only from those proxies)`);
  if (config.mtlsProxyVerifyHeader && !proxied) problems.push(`${env("mtlsProxyVerifyHeader")}: needs ${env("mtlsProxyHeader")}`);
  if (config.mtlsIssuerOrigin && !asksForCertificates && !proxied) problems.push(`${env("mtlsIssuerOrigin")}: needs ${env("publicMtlsPort")}, ${env("publicTlsRequestCert")} or ${env("mtlsProxyHeader")} (where client certificates come from)`);
  return problems;
}

const SECRET_SETTINGS: ReadonlySet<string> = new Set(["keyEncryptionKey"]);

/** A rejected value as it may appear in an error: secrets never, URL passwords masked (logs must hold no secrets). */
function shown(name: string, value: string | undefined): string {
  if (value === undefined) return "nothing";
  if (SECRET_SETTINGS.has(name)) return `a value of ${value.length} characters`;
  return JSON.stringify(value.replace(/(\/\/[^:/@\s]*:)[^@/\s]*@/g, "$1***@"));
}

