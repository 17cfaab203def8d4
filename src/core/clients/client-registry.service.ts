import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import type { Client, ClientMetadata } from "../../plugin-sdk/client.js";
import type { ClientAuthenticator } from "../../plugin-sdk/client-auth.js";
import type { ClientMetadataField } from "../../plugin-sdk/client-metadata.js";
import { OAuthErrors } from "../../plugin-sdk/errors.js";
import type { Capabilities } from "../capabilities.js";
import { AuditRecorderToken, type AuditRecorder } from "../audit/audit-trail.js";
import { DI } from "../di-tokens.js";
import type { Sealer } from "../keys/key-service.js";
import type { Clock, RandomSource } from "../ports/clock.js";
import type { DurableStorage } from "../ports/repositories.js";
import { secretDigest } from "../security/digest.js";
import { ClientAuthenticatorsToken } from "./client-auth.tokens.js";
import { ClientMetadataFieldsToken } from "./client-metadata-fields.js";
import { asJsonObject, OPERATOR_ONLY_METADATA, parseClientMetadata } from "./client-metadata.schema.js";
import { validateClientMetadata } from "./client-metadata.validator.js";
import type { ClientRegistry, RegisteredClient, RegistrationSource } from "./client-registry.js";
import type { RegistrationPolicy } from "./registration-policy.js";
import { SoftwareStatements } from "./software-statements.js";
import { SectorIdentifierVerifier } from "./sector-identifier.verifier.js";
import { authMethodOf } from "../../plugin-sdk/client-metadata-defaults.js";

/** Methods that authenticate with a client secret (RFC 7591 §2, OIDC Core §9). */
const SECRET_METHODS = new Set(["client_secret_basic", "client_secret_post", "client_secret_jwt"]);
/** The method that needs the secret itself (an HMAC key), so it is kept sealed besides its digest (DESIGN "State"). */
const SEALED_SECRET_METHOD = "client_secret_jwt";
/** 256-bit client secrets and registration access tokens. */
const SECRET_BYTES = 32;

type StoredSecret = Pick<Client, "secretDigest" | "secretSealed" | "secretExpiresAt">;

/** The object without its undefined members, so stored and returned values compare equal to what storage reads back. */
const defined = <T extends object>(value: T): T => Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
const withoutSecret = ({ secretDigest: _digest, secretSealed: _sealed, secretExpiresAt: _expiresAt, ...rest }: Client) => rest;

/** True when the client's auth method needs a secret it does not hold (after an update changed the method). */
export function lacksClientSecret(client: Client): boolean {
  return SECRET_METHODS.has(authMethodOf(client.metadata)) && !client.secretDigest;
}

/** Validates metadata, assigns ids and secrets and stores only their digests (RFC 7591 §3.2.1, RFC 7592 §2). */
@injectable()
export class ClientRegistryService implements ClientRegistry {
  constructor(
    @inject(DI.Durable) private readonly storage: DurableStorage,
    @inject(DI.Clock) private readonly clock: Clock,
    @inject(DI.Random) private readonly random: RandomSource,
    @inject(DI.Sealer) private readonly sealer: Sealer,
    @inject(DI.Capabilities) private readonly capabilities: Capabilities,
    @inject(DI.Config) private readonly config: Config,
    @inject(SectorIdentifierVerifier) private readonly sectorIdentifiers: SectorIdentifierVerifier,
    @inject(ClientAuthenticatorsToken) private readonly authenticators: readonly ClientAuthenticator[],
    @inject(ClientMetadataFieldsToken) private readonly fields: ReadonlyMap<string, ClientMetadataField>,
    @inject(SoftwareStatements) private readonly statements: SoftwareStatements,
    @inject(AuditRecorderToken) private readonly audit: AuditRecorder,
  ) {}

  async register(raw: unknown, source: RegistrationSource, policy: RegistrationPolicy = {}): Promise<RegisteredClient> {
    const metadata = await this.metadataFrom(raw, source, undefined, policy);
    const clientId = this.random.id();
    const { clientSecret, stored } = this.issueSecret(clientId, metadata);
    const registrationAccessToken = source === "dynamic" ? this.random.token(SECRET_BYTES) : undefined;
    const now = this.clock.now();
    const registrationTokenDigest = registrationAccessToken === undefined ? undefined : secretDigest(registrationAccessToken);
    const client: Client = defined({ clientId, metadata, ...stored, registrationTokenDigest, issuedAt: Math.floor(now / 1000), updatedAt: now });
    await this.storage.clients.insert(client);
    this.audit.record({ type: "client.registered", clientId, source });
    return { client, clientSecret, registrationAccessToken };
  }

  get(clientId: string): Promise<Client | undefined> {
    return this.storage.clients.find(clientId);
  }

  /** Keeps the secret while the new method uses it; a dynamic update keeps operator-only metadata (RFC 7592 §2.2). */
  async update(clientId: string, raw: unknown, source: RegistrationSource): Promise<Client> {
    const existing = await this.existing(clientId);
    const metadata = await this.metadataFrom(raw, source, existing.metadata);
    const client: Client = { ...withoutSecret(existing), ...this.keptSecret(existing, metadata), metadata, updatedAt: this.clock.now() };
    await this.save(client);
    this.audit.record({ type: "client.updated", clientId, source });
    return client;
  }

  async delete(clientId: string, source: RegistrationSource): Promise<boolean> {
    const deleted = await this.storage.clients.delete(clientId);
    if (deleted) this.audit.record({ type: "client.deleted", clientId, source });
    return deleted;
  }

  list(options: { limit: number; after?: string }): Promise<Client[]> {
    return this.storage.clients.list(options);
  }

  async rotateSecret(clientId: string, source: RegistrationSource): Promise<RegisteredClient> {
    const existing = await this.existing(clientId);
    const { clientSecret, stored } = this.issueSecret(clientId, existing.metadata);
    if (clientSecret === undefined) throw OAuthErrors.invalidRequest("the client's token_endpoint_auth_method uses no client secret");
    const client: Client = { ...withoutSecret(existing), ...stored, updatedAt: this.clock.now() };
    await this.save(client);
    this.audit.record({ type: "client.secret-rotated", clientId, source });
    return { client, clientSecret };
  }

  async rotateRegistrationToken(clientId: string): Promise<RegisteredClient> {
    const registrationAccessToken = this.random.token(SECRET_BYTES);
    const client: Client = { ...(await this.existing(clientId)), registrationTokenDigest: secretDigest(registrationAccessToken), updatedAt: this.clock.now() };
    await this.save(client);
    return { client, registrationAccessToken };
  }

  /** Registered metadata plus server-assigned values; never digests or sealed values (RFC 7591 §3.2.1, RFC 7592 §3). */
  toResponse({ client, clientSecret, registrationAccessToken }: RegisteredClient): Record<string, unknown> {
    return defined({
      ...client.metadata,
      client_id: client.clientId,
      client_id_issued_at: client.issuedAt,
      client_secret: clientSecret,
      client_secret_expires_at: client.secretDigest === undefined ? undefined : (client.secretExpiresAt ?? 0),
      registration_access_token: registrationAccessToken,
      registration_client_uri:
        client.registrationTokenDigest === undefined ? undefined : `${this.config.issuer}/register/${encodeURIComponent(client.clientId)}`,
    });
  }

  /**
   * The request's metadata once its software statement (if any) is verified and applied (RFC 7591 §2.3); a dynamic
   * update of a client registered with a statement must present one again (RFC 7592 §2.2).
   */
  private async metadataFrom(raw: unknown, source: RegistrationSource, previous?: ClientMetadata, policy: RegistrationPolicy = {}): Promise<ClientMetadata> {
    const registeredStatement = source === "dynamic" ? previous?.software_statement : undefined;
    const requested = await this.statements.apply(asJsonObject(raw), { policy, previous: registeredStatement });
    const metadata = parseClientMetadata(requested, source, this.fields);
    if (source === "dynamic" && previous) {
      const operatorOnly = [...OPERATOR_ONLY_METADATA, ...[...this.fields.values()].filter((f) => f.setBy === "operator").map((f) => f.name)];
      for (const name of operatorOnly) if (previous[name] !== undefined) metadata[name] = previous[name];
    }
    const context = { capabilities: this.capabilities, allowPrivateHosts: this.config.fetchAllowPrivate, authenticators: this.authenticators, fields: this.fields };
    validateClientMetadata(metadata, context);
    await this.sectorIdentifiers.verify(metadata);
    return metadata;
  }

  /** A new 256-bit secret when the method uses one: its digest, and for client_secret_jwt the sealed secret bound to the client id. */
  private issueSecret(clientId: string, metadata: ClientMetadata): { clientSecret?: string; stored: StoredSecret } {
    const method = authMethodOf(metadata);
    if (!SECRET_METHODS.has(method)) return { stored: {} };
    const clientSecret = this.random.token(SECRET_BYTES);
    const sealed = method === SEALED_SECRET_METHOD ? { secretSealed: this.sealer.seal(clientSecret, clientId) } : {};
    return { clientSecret, stored: { secretDigest: secretDigest(clientSecret), ...sealed } };
  }

  /** The stored secret the new metadata can still use; none when the method needs no secret or needs the sealed one it lacks. */
  private keptSecret(existing: Client, metadata: ClientMetadata): StoredSecret {
    const method = authMethodOf(metadata);
    const sealed = method === SEALED_SECRET_METHOD;
    if (!SECRET_METHODS.has(method) || !existing.secretDigest || (sealed && !existing.secretSealed)) return {};
    return defined({ secretDigest: existing.secretDigest, secretSealed: sealed ? existing.secretSealed : undefined, secretExpiresAt: existing.secretExpiresAt });
  }

  private async existing(clientId: string): Promise<Client> {
    const client = await this.storage.clients.find(clientId);
    if (!client) throw OAuthErrors.invalidClient("unknown client");
    return client;
  }

  /** Writes the change (the change log tells every node to evict the client from its cache). */
  private async save(client: Client): Promise<void> {
    if (!(await this.storage.clients.update(client))) throw OAuthErrors.invalidClient("unknown client");
  }
}
