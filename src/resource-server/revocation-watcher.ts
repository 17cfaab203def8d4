import type * as grpc from "@grpc/grpc-js";
import { TokenValidationService, type WatchRevocationsResponse } from "../../gen/portcullis/validation/v1/validation_pb.js";
import { backoffDelay, type BackoffPolicy } from "./backoff.js";
import { serverStreamCall } from "./grpc-call.js";

export interface RevocationWatcherOptions {
  client: grpc.Client;
  /** Call metadata (the caller's credentials) for each subscription. */
  metadata: () => Promise<grpc.Metadata>;
  backoff: BackoffPolicy;
  random: () => number;
  /** The subscription is live: revocations from now on will be delivered (proto `subscribed`). */
  onSubscribed(): void;
  onRevocation(event: WatchRevocationsResponse): void;
  /** The stream failed or ended; a reconnection is scheduled. */
  onDisconnected(error: unknown): void;
}

/**
 * Follows TokenValidationService.WatchRevocations (DESIGN "Proto services") for as long as it is open: reconnects
 * with exponential backoff and jitter after every failure, the attempt count reset once a subscription is live.
 */
export class RevocationWatcher {
  #stream: grpc.ClientReadableStream<WatchRevocationsResponse> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #attempt = 0;
  #closed = false;

  constructor(private readonly options: RevocationWatcherOptions) {}

  /** Opens the first subscription. */
  start(): void {
    void this.#connect();
  }

  /** Cancels the stream and any pending reconnection. */
  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#stream?.cancel();
  }

  async #connect(): Promise<void> {
    let metadata: grpc.Metadata;
    try {
      metadata = await this.options.metadata();
    } catch (error) {
      return this.#down(error);
    }
    if (this.#closed) return;
    const stream = serverStreamCall(this.options.client, TokenValidationService.method.watchRevocations, {}, metadata);
    this.#stream = stream;
    let ended = false;
    const end = (error: unknown) => {
      if (ended) return;
      ended = true;
      this.#down(error);
    };
    stream.on("data", (message: WatchRevocationsResponse) => {
      if (!message.subscribed) return this.options.onRevocation(message);
      this.#attempt = 0;
      this.options.onSubscribed();
    });
    stream.on("error", end);
    stream.on("end", () => end(new Error("the revocation stream ended")));
  }

  #down(error: unknown): void {
    if (this.#closed) return;
    this.options.onDisconnected(error);
    this.#timer = setTimeout(() => void this.#connect(), backoffDelay(this.#attempt++, this.options.backoff, this.options.random));
    this.#timer.unref();
  }
}
