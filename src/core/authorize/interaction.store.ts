import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import type { SignInState } from "../authn/sign-in.js";
import { DI } from "../di-tokens.js";
import type { RandomSource } from "../ports/clock.js";
import type { EphemeralStore } from "../ports/ephemeral-store.js";
import { ClientCache } from "../clients/client-cache.js";
import { secretDigest } from "../security/digest.js";
import type { AuthorizationRequest, Prompt } from "./authorization-request.js";

/** An authorization request as stored while the user interacts (the client is re-read on every step). */
type StoredRequest = Omit<AuthorizationRequest, "client" | "prompt"> & { clientId: string; prompt: Prompt[] };

/** One browser's authorization in progress: the request plus what the user has done so far (OIDC Core §3.1.2.3–3.1.2.4). */
export interface Interaction {
  id: string;
  /** Anti-CSRF token echoed by every form of this interaction. */
  csrf: string;
  request: AuthorizationRequest;
  /** The sign-in of this interaction, as the SignInMachine (core/authn) left it. */
  signIn: SignInState;
  /** prompt=consent was answered. */
  consented?: boolean;
}

interface StoredInteraction extends Omit<Interaction, "request"> {
  request: StoredRequest;
}

const key = (id: string) => `interaction:${secretDigest(id)}`;
const WELL_FORMED_ID = /^[A-Za-z0-9_-]{43}$/;

/** Pending interactions in the EphemeralStore, by digest of their 256-bit id, for INTERACTION_TTL seconds. */
@injectable()
export class InteractionStore {
  constructor(
    @inject(DI.Ephemeral) private readonly store: EphemeralStore,
    @inject(DI.Random) private readonly random: RandomSource,
    @inject(DI.Config) private readonly config: Config,
    @inject(ClientCache) private readonly clients: ClientCache,
  ) {}

  /** Starts an interaction for a validated request. */
  async create(request: AuthorizationRequest): Promise<Interaction> {
    const interaction: Interaction = { id: this.random.token(32), csrf: this.random.token(32), request, signIn: {} };
    await this.save(interaction);
    return interaction;
  }

  /** The live interaction with this id, or undefined (unknown, expired, malformed, or its client is gone). */
  async find(id: string): Promise<Interaction | undefined> {
    if (!WELL_FORMED_ID.test(id)) return undefined;
    const stored = await this.store.get(key(id));
    if (stored === undefined) return undefined;
    const { request, ...rest } = JSON.parse(stored) as StoredInteraction;
    const client = await this.clients.find(request.clientId);
    if (!client) return undefined;
    const { clientId: _clientId, prompt, ...fields } = request;
    return { ...rest, request: { ...fields, client, prompt: new Set(prompt) } };
  }

  async save(interaction: Interaction): Promise<void> {
    const { client, prompt, ...fields } = interaction.request;
    const stored: StoredInteraction = { ...interaction, request: { ...fields, clientId: client.clientId, prompt: [...prompt] } };
    await this.store.put(key(interaction.id), JSON.stringify(stored), this.config.interactionTtl * 1000);
  }

  /** Consumes the interaction; true for exactly one caller, so a double submit cannot complete it twice. */
  async finish(id: string): Promise<boolean> {
    return (await this.store.take(key(id))) !== undefined;
  }
}
