import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import { toOAuthError } from "../../../core/errors/error-table.js";
import type { Logger } from "../../../core/ports/logger.js";
import { toConnectError } from "../mappers/error.mapper.js";
import { asInvalidArgument, isMalformedRequest } from "../malformed-request.js";

/**
 * Turns whatever a handler throws into the error sent (DESIGN "Errors"): ConnectErrors pass (a request message that
 * did not parse becomes INVALID_ARGUMENT), a cancelled call
 * keeps its abort reason, OAuthErrors map through the error table with an OAuthErrorDetail, and anything
 * unexpected becomes a generic server_error (INTERNAL) whose cause is logged, never sent.
 */
export function errorMappingInterceptor(logger: Logger): Interceptor {
  return (next) => async (request) => {
    const rpc = `${request.service.typeName}/${request.method.name}`;
    const map = (thrown: unknown): ConnectError => {
      if (thrown instanceof ConnectError) return isMalformedRequest(thrown) ? asInvalidArgument(thrown) : thrown;
      if (request.signal.aborted) return ConnectError.from(request.signal.reason ?? thrown, Code.Canceled);
      const error = toOAuthError(thrown);
      if (error.error === "server_error" || error.error === "temporarily_unavailable") logger.error({ err: error.cause, rpc }, "rpc failed");
      return toConnectError(error);
    };
    try {
      const response = await next(request);
      if (!response.stream) return response;
      return { ...response, message: mapErrors(response.message, map) };
    } catch (thrown) {
      throw map(thrown);
    }
  };
}

/** Re-throws a stream's error through `map` (errors of server streams surface while iterating, not from `next`). */
async function* mapErrors<T>(source: AsyncIterable<T>, map: (thrown: unknown) => ConnectError): AsyncIterable<T> {
  try {
    yield* source;
  } catch (thrown) {
    throw map(thrown);
  }
}
