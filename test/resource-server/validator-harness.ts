import * as grpc from "@grpc/grpc-js";
import type { TokenValidator, TokenValidatorEvents } from "../../src/resource-server/token-validator.js";

/** How long a test waits for a validator event before failing. */
export const EVENT_DEADLINE_MS = 10_000;

/** A grpc-js client interceptor counting the ValidateToken calls that leave the process. */
export function validateTokenCounter(): { interceptor: grpc.Interceptor; calls: () => number } {
  let calls = 0;
  const interceptor: grpc.Interceptor = (options, nextCall) => {
    if (options.method_definition.path.endsWith("/ValidateToken")) calls++;
    return new grpc.InterceptingCall(nextCall(options));
  };
  return { interceptor, calls: () => calls };
}

/** Resolves with the arguments of the next `name` event that satisfies `accept`; rejects after the deadline. */
export function nextEvent<K extends keyof TokenValidatorEvents>(
  validator: TokenValidator,
  name: K,
  accept: (...args: TokenValidatorEvents[K]) => boolean = () => true,
): Promise<TokenValidatorEvents[K]> {
  return new Promise((resolve, reject) => {
    const listener = (...args: TokenValidatorEvents[K]) => {
      if (!accept(...args)) return;
      clearTimeout(timer);
      validator.events.off(name, listener as never);
      resolve(args);
    };
    const timer = setTimeout(() => {
      validator.events.off(name, listener as never);
      reject(new Error(`no "${String(name)}" event within ${EVENT_DEADLINE_MS} ms`));
    }, EVENT_DEADLINE_MS);
    validator.events.on(name, listener as never);
  });
}

/** Resolves once the validator's revocation stream is subscribed (at once when it already is). */
export async function untilWatching(validator: TokenValidator): Promise<void> {
  if (!validator.watching) await nextEvent(validator, "subscribed");
}
