import type { RevocationBus, RevocationEvent } from "../../core/ports/ephemeral-store.js";
import type { Logger } from "../../core/ports/logger.js";
import { ListenerSet, listenerErrorReporter } from "../listener-set.js";
import { closeRedis, type RedisClient, translateRedisError } from "./redis-connection.js";

const KINDS: ReadonlySet<string> = new Set<RevocationEvent["kind"]>(["token", "grant", "client"]);

/** A well-formed event from a JSON message, or undefined. */
function parseEvent(message: string): RevocationEvent | undefined {
  try {
    const { kind, id, revokedAt } = JSON.parse(message) as Partial<Record<keyof RevocationEvent, unknown>>;
    if (typeof kind === "string" && KINDS.has(kind) && typeof id === "string" && typeof revokedAt === "number") {
      return { kind: kind as RevocationEvent["kind"], id, revokedAt };
    }
  } catch {
    // reported by the caller like any other malformed message
  }
  return undefined;
}

/**
 * Revocation fan-out over Redis pub/sub (DESIGN "State"): publishes on the shared client, listens on its own
 * subscriber connection (resubscribed after reconnects). On a Redis Cluster a PUBLISH reaches every node, so the
 * subscriber may listen on any one of them. Events sent while a node is disconnected are not replayed.
 */
export class RedisRevocationBus implements RevocationBus {
  readonly #listeners: ListenerSet<RevocationEvent>;

  private constructor(
    private readonly publisher: RedisClient,
    private readonly subscriber: RedisClient,
    private readonly channel: string,
    private readonly logger?: Logger,
  ) {
    this.#listeners = new ListenerSet(listenerErrorReporter(logger));
  }

  /** Subscribes `subscriber` (connected, dedicated) to `channel`; `publisher` is shared and not closed by the bus. */
  static async open(publisher: RedisClient, subscriber: RedisClient, channel: string, logger?: Logger): Promise<RedisRevocationBus> {
    const bus = new RedisRevocationBus(publisher, subscriber, channel, logger);
    subscriber.on("message", (from: string, message: string) => {
      if (from === channel) bus.deliver(message);
    });
    try {
      await subscriber.subscribe(channel);
    } catch (error) {
      throw translateRedisError(error);
    }
    return bus;
  }

  async publish(event: RevocationEvent): Promise<void> {
    try {
      await this.publisher.publish(this.channel, JSON.stringify(event));
    } catch (error) {
      throw translateRedisError(error);
    }
  }

  deliverLocally(event: RevocationEvent): void {
    this.#listeners.emit(event);
  }

  subscribe(listener: (event: RevocationEvent) => void): () => void {
    return this.#listeners.add(listener);
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    await closeRedis(this.subscriber);
  }

  private deliver(message: string): void {
    const event = parseEvent(message);
    if (event) this.#listeners.emit(event);
    else this.logger?.warn({ channel: this.channel }, "ignored a malformed revocation message");
  }
}
