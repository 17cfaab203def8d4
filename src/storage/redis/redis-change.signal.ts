import type { ChangeSignal } from "../../core/ports/change-log.js";
import type { Logger } from "../../core/ports/logger.js";
import { ListenerSet, listenerErrorReporter } from "../listener-set.js";
import { closeRedis, type RedisClient, translateRedisError } from "./redis-connection.js";

/**
 * Wakes every node's change feed over Redis pub/sub when a process committed a change (DESIGN "State"). The message
 * carries nothing: each node reads what changed from the durable change log, so a lost message only delays a change
 * until the feed's next poll.
 */
export class RedisChangeSignal implements ChangeSignal {
  readonly #listeners: ListenerSet<void>;

  private constructor(
    private readonly publisher: RedisClient,
    private readonly subscriber: RedisClient,
    private readonly channel: string,
    logger?: Logger,
  ) {
    this.#listeners = new ListenerSet(listenerErrorReporter(logger));
  }

  /** Subscribes `subscriber` (connected, dedicated, closed with the signal) to `channel`; `publisher` is shared. */
  static async open(publisher: RedisClient, subscriber: RedisClient, channel: string, logger?: Logger): Promise<RedisChangeSignal> {
    const signal = new RedisChangeSignal(publisher, subscriber, channel, logger);
    subscriber.on("message", (from: string) => {
      if (from === channel) signal.#listeners.emit();
    });
    try {
      await subscriber.subscribe(channel);
    } catch (error) {
      throw translateRedisError(error);
    }
    return signal;
  }

  async notify(): Promise<void> {
    try {
      await this.publisher.publish(this.channel, "1");
    } catch (error) {
      throw translateRedisError(error);
    }
  }

  subscribe(listener: () => void): () => void {
    return this.#listeners.add(listener);
  }

  async close(): Promise<void> {
    this.#listeners.clear();
    await closeRedis(this.subscriber);
  }
}
