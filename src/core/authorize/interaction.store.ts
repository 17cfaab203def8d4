import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import type { SignInState } from "../authn/sign-in.js";
import { DI } from "../di-tokens.js";
import type { RandomSource } from "../ports/clock.js";
import type { EphemeralStore } from "../ports/ephemeral-store.js";
import { ClientCache } from "../clients/client-cache.js";
import { secretDigest } from "../security/digest.js";
import type { AuthorizationRequest, InteractionRequest, Prompt } from "./authorization-request.js";

/** An interaction's request as stored, with all its members (the client is re-read on every step). */
type StoredRequest = Omit<InteractionRequest, "client" | "prompt"> & { clientId: string; prompt: Prompt[] };

/**
 * Where a browser sign-in started by a plugin returns when it ends (BrowserSignIn capability, e.g. RFC 8628 §3.3 device
 * verification): a path below the issuer, and the plugin's own opaque state.
 */
export interface PluginReturn {
  path: string;
  state: string;
}

/** What the user has done so far in one browser's interaction (OIDC Core §3.1.2.3–3.1.2.4). */
interface InteractionProgress {
  id: string;
  /** Anti-CSRF token echoed by every form of this interaction. */
  csrf: string;
  /** The sign-in of this interaction, as the SignInMachine (core/authn) left it. */
  signIn: SignInState;
  /** prompt=consent was answered. */
  consented?: boolean;
}

/** An authorization request in progress: it ends in the authorization response to the client (RFC 6749 §4.1.2). */
export interface AuthorizationInteraction extends InteractionProgress {
  request: AuthorizationRequest;
  returnTo?: undefined;
}

/** A plugin's browser sign-in in progress: it ends back at the plugin's page (`returnTo`), never at a client. */
export interface ReturningInteraction extends InteractionProgress {
  request: InteractionRequest;
  returnTo: PluginReturn;
}

/** One browser's interaction: the sign-in and consent steps are the same, only where it ends differs. */
export type Interaction = AuthorizationInteraction | ReturningInteraction;

type StoredInteraction = InteractionProgress & { request: StoredRequest; returnTo?: PluginReturn };

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

  /** Starts an interaction for a validated authorization request. */
  async create(request: AuthorizationRequest): Promise<AuthorizationInteraction>;
  /** Starts an interaction that returns to a plugin's page. */
  async create(request: InteractionRequest, returnTo: PluginReturn): Promise<ReturningInteraction>;
  async create(request: InteractionRequest, returnTo?: PluginReturn): Promise<Interaction> {
    const interaction = { id: this.random.token(32), csrf: this.random.token(32), request, signIn: {}, ...(returnTo && { returnTo }) } as Interaction;
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
    // Stored by save() from an Interaction: an authorization request exactly when returnTo is absent.
    return { ...rest, request: { ...fields, client, prompt: new Set(prompt) } } as Interaction;
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
