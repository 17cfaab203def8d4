import type { App } from "../app/build-app.js";
import { DI } from "../core/di-tokens.js";
import { ResourceService } from "../core/resources/resource.service.js";
import { ConsentService } from "../core/sessions/consent.service.js";
import { TotpSecretService } from "../core/users/totp-secret.service.js";
import { UserAccessService } from "../core/users/user-access.service.js";
import { UserService } from "../core/users/user.service.js";
import { InitialAccessTokens } from "../core/clients/initial-access-tokens.js";
import type { SigningAlg } from "../core/keys/key-service.js";
import { TrustedIssuerService } from "../core/trust/trusted-issuer.service.js";

type Values = Record<string, string | boolean | undefined>;
type Command = (app: App, values: Values) => Promise<unknown>;

const required = (values: Values, name: string): string => {
  const value = values[name];
  if (typeof value !== "string" || value === "") throw new RangeError(`--${name} is required`);
  return value;
};
const optional = (values: Values, name: string): string | undefined => (typeof values[name] === "string" ? (values[name] as string) : undefined);
const seconds = (values: Values): number | undefined => (optional(values, "ttl") === undefined ? undefined : Number(optional(values, "ttl")));

/** Lists published signing keys without private members. */
async function listKeys(app: App): Promise<unknown> {
  const now = app.container.resolve(DI.Clock).now();
  const keys = await app.container.resolve(DI.Durable).signingKeys.listPublished(now);
  const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
  return keys.map((k) => ({ kid: k.kid, alg: k.alg, status: k.status, createdAt: iso(k.createdAt), retiredAt: iso(k.retiredAt), expiresAt: iso(k.expiresAt) }));
}

/** The RFC 7591 client metadata object of --json. */
function metadataOf(values: Values): unknown {
  const json = required(values, "json");
  try {
    return JSON.parse(json);
  } catch {
    throw new RangeError("--json must be a JSON object of RFC 7591 client metadata");
  }
}

/** A comma-separated option as its non-empty items (`--uses a,b`); empty when absent. */
const list = (values: Values, name: string): string[] => (optional(values, name) ?? "").split(",").map((item) => item.trim()).filter(Boolean);

/** The JWK Set of --jwks. */
function jwksOf(values: Values): unknown {
  const json = optional(values, "jwks");
  if (json === undefined) return undefined;
  try {
    return JSON.parse(json);
  } catch {
    throw new RangeError("--jwks must be a JSON JWK Set");
  }
}

/** The id of the user named by --user; a RangeError when there is none. */
async function userId(app: App, values: Values): Promise<string> {
  const username = required(values, "user");
  const user = await app.container.resolve(DI.Durable).users.findByUsername(username);
  if (!user) throw new RangeError(`unknown user "${username}"`);
  return user.id;
}

/** Every CLI command, keyed by its words (README "Operator CLI"). */
export const commands: Record<string, Command> = {
  "user create": (app, v) =>
    app.container.resolve(UserService).create({ username: required(v, "username"), password: required(v, "password"), email: optional(v, "email"), name: optional(v, "name") }),
  "user disable": (app, v) => app.container.resolve(UserAccessService).disable(required(v, "username")),
  "user enable": (app, v) => app.container.resolve(UserAccessService).enable(required(v, "username")),
  "user totp enable": (app, v) => app.container.resolve(TotpSecretService).enable(required(v, "username")),
  "user totp disable": async (app, v) => {
    await app.container.resolve(TotpSecretService).disable(required(v, "username"));
    return { totp: "disabled" };
  },
  "client create": async (app, v) => {
    const registry = app.container.resolve(DI.ClientRegistry);
    return registry.toResponse(await registry.register(metadataOf(v), "operator"));
  },
  "client update": async (app, v) => {
    const registry = app.container.resolve(DI.ClientRegistry);
    return registry.toResponse({ client: await registry.update(required(v, "client"), metadataOf(v), "operator") });
  },
  "client delete": async (app, v) => {
    const clientId = required(v, "client");
    if (!(await app.container.resolve(DI.ClientRegistry).delete(clientId, "operator"))) throw new RangeError(`unknown client "${clientId}"`);
    return { clientId, deleted: true };
  },
  "registration-token create": async (app, v) =>
    (
      await app.container.resolve(InitialAccessTokens).create(seconds(v), {
        requireSoftwareStatement: v["require-software-statement"] === true,
        softwareStatementIssuers: list(v, "software-statement-issuers"),
        softwareIds: list(v, "software-ids"),
        requireEvidence: v["require-evidence"] === true,
      })
    ).token,
  "resource create": (app, v) =>
    app.container.resolve(ResourceService).upsert({ id: required(v, "id"), scopes: required(v, "scopes"), format: optional(v, "format"), ttl: seconds(v) }),
  "resource delete": async (app, v) => {
    const id = required(v, "id");
    if (!(await app.container.resolve(ResourceService).delete(id))) throw new RangeError(`unknown resource "${id}"`);
    return { id, deleted: true };
  },
  "resource list": (app) => app.container.resolve(ResourceService).list(),
  "issuer add": (app, v) =>
    app.container.resolve(TrustedIssuerService).put({
      issuer: required(v, "iss"),
      uses: list(v, "uses"),
      allowedClients: list(v, "clients"),
      subjectMapping: required(v, "subject"),
      jwks: jwksOf(v),
      jwksUri: optional(v, "jwks-uri"),
      maxLifetime: optional(v, "max-lifetime") === undefined ? undefined : Number(optional(v, "max-lifetime")),
    }),
  "issuer list": (app) => app.container.resolve(TrustedIssuerService).list(),
  "issuer delete": async (app, v) => {
    const iss = required(v, "iss");
    if (!(await app.container.resolve(TrustedIssuerService).delete(iss))) throw new RangeError(`unknown issuer "${iss}"`);
    return { iss, deleted: true };
  },
  "consents list": async (app, v) => {
    const consents = await app.container.resolve(ConsentService).list(await userId(app, v));
    return consents.map((c) => ({ clientId: c.clientId, scopes: c.scopes, grantedAt: new Date(c.grantedAt).toISOString() }));
  },
  "consents revoke": async (app, v) => app.container.resolve(ConsentService).revoke(await userId(app, v), required(v, "client")),
  "keys list": listKeys,
  "keys rotate": async (app, v) => {
    await app.container.resolve(DI.Keys).rotate(optional(v, "alg") as SigningAlg | undefined);
    return listKeys(app);
  },
  migrate: async (app) => {
    await app.container.resolve(DI.Durable).migrate();
    return { migrated: true };
  },
};
