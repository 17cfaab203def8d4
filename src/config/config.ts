import { z } from "zod";
import { SETTINGS, type SettingName } from "./defaults.js";

const bool = z.enum(["true", "false", "1", "0"]).transform((v) => v === "true" || v === "1");
const int = (min: number, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max);
const list = z.string().transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean));
const alg = z.enum(["ES256", "RS256", "PS256", "EdDSA"]);
const url = z.string().refine((v) => URL.canParse(v), "must be an absolute URL");

/** Why zod (not hand-written checks): one declarative schema gives coercion, ranges and messages that name the setting. */
const schema = z.object({
  port: int(0, 65535),
  host: z.string().min(1),
  issuer: url.optional(),
  grpcPort: int(0, 65535),
  grpcHost: z.string().min(1),
  databaseUrl: z.string().regex(/^(sqlite:.+|mysql:\/\/.+)$/, "must be sqlite:<path> or mysql://user:pass@host:port/db"),
  redisUrl: z.string().regex(/^rediss?:\/\/.+/, "must be redis://… or rediss://…").optional(),
  logLevel: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]),
  plugins: list,
  disabledPlugins: list,
  pluginOptions: z.string().transform((v, ctx) => {
    try {
      const parsed: unknown = JSON.parse(v);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, Record<string, unknown>>;
    } catch {
      /* reported below */
    }
    ctx.addIssue({ code: "custom", message: "must be a JSON object" });
    return z.NEVER;
  }),
  accessTokenTtl: int(1, 86_400),
  refreshTokenTtl: int(60),
  refreshGraceSeconds: int(0, 600),
  accessTokenAlg: alg,
  signingAlgs: list.pipe(z.array(alg).min(1)),
  keyRotationInterval: int(0),
  keyEncryptionKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/, "must be 32 bytes, base64url-encoded (43 characters)").optional(),
  clockTolerance: int(0, 300),
  assertionMaxLifetime: int(10, 3600),
  openRegistration: bool,
  authFailureLimit: int(1),
  introspectionLimit: int(1),
  rateLimitWindow: int(1),
  bodyLimit: int(1024),
  headerLimit: int(1024),
  requestTimeout: int(100),
  fetchTimeout: int(100, 60_000),
  fetchMaxBytes: int(1024),
  fetchAllowPrivate: bool,
  clientCacheTtl: int(0, 3600),
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
    const lines = parsed.error.issues.map((issue) => {
      const name = issue.path[0] as SettingName;
      return `${SETTINGS[name]?.env ?? String(name)}: ${issue.message} (got ${JSON.stringify(raw[name])})`;
    });
    throw new ConfigError(`Invalid configuration:\n  ${lines.join("\n  ")}`);
  }
  const config = parsed.data;
  if (!config.signingAlgs.includes(config.accessTokenAlg)) config.signingAlgs.push(config.accessTokenAlg);
  if (!config.signingAlgs.includes("RS256")) config.signingAlgs.push("RS256");
  const issuer = (config.issuer ?? `http://localhost:${config.port}`).replace(/\/$/, "");
  const issuerUrl = new URL(issuer);
  if (issuerUrl.search || issuerUrl.hash) throw new ConfigError("Invalid configuration:\n  ISSUER: must have no query or fragment (RFC 8414 §2)");
  return { ...config, issuer };
}
