import "reflect-metadata";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { StorageUnavailableError } from "../../../src/core/errors/storage-unavailable.js";
import type { Logger } from "../../../src/core/ports/logger.js";
import { OAuthErrors } from "../../../src/plugin-sdk/errors.js";
import { errorMappingInterceptor } from "../../../src/transport/rpc/interceptors/error-mapping.interceptor.js";
import { OAuthErrorDetailSchema } from "../../../gen/portcullis/common/v1/error_pb.js";
import { TokenValidationService } from "../../../gen/portcullis/validation/v1/validation_pb.js";

/** A logger that records what it is given. */
function recordingLogger(): Logger & { entries: { obj: object; msg?: string }[] } {
  const entries: { obj: object; msg?: string }[] = [];
  const logger = { entries, debug: () => {}, info: () => {}, warn: () => {}, error: (obj: object, msg?: string) => void entries.push({ obj, msg }), child: () => logger };
  return logger;
}

/** What a client sees when a handler throws `thrown`, unary and mid-stream (DESIGN "Errors"). */
async function seen(thrown: unknown, logger: Logger): Promise<{ unary: ConnectError; stream: ConnectError }> {
  const transport = createRouterTransport(
    (router) =>
      router.service(TokenValidationService, {
        validateToken: () => Promise.reject(thrown),
        async *watchRevocations() {
          yield { subscribed: true };
          throw thrown;
        },
      }),
    { router: { interceptors: [errorMappingInterceptor(logger)] } },
  );
  const client = createClient(TokenValidationService, transport);
  const unary = ConnectError.from(await client.validateToken({}).catch((e: unknown) => e));
  const stream = await (async () => {
    try {
      for await (const _ of client.watchRevocations({}));
    } catch (e) {
      return ConnectError.from(e);
    }
    throw new Error("stream ended without an error");
  })();
  return { unary, stream };
}

describe("error-mapping interceptor", () => {
  it("maps an OAuthError through the error table with an OAuthErrorDetail and client-safe text", async () => {
    const logger = recordingLogger();
    for (const error of Object.values(await seen(OAuthErrors.insufficientScope("needs admin", { cause: new Error("debug only") }), logger))) {
      assert.equal(error.code, Code.PermissionDenied);
      assert.equal(error.rawMessage, "needs admin");
      assert.deepEqual(error.findDetails(OAuthErrorDetailSchema).map((d) => [d.error, d.errorDescription]), [["insufficient_scope", "needs admin"]]);
    }
    assert.equal(logger.entries.length, 0);
  });

  it("turns anything unexpected into INTERNAL with generic text and logs the cause", async () => {
    const logger = recordingLogger();
    const cause = new Error("connect ECONNREFUSED mysql://root:hunter2@db");
    for (const error of Object.values(await seen(cause, logger))) {
      assert.equal(error.code, Code.Internal);
      assert.equal(error.rawMessage, "unexpected error");
      assert.equal(error.findDetails(OAuthErrorDetailSchema)[0]?.error, "server_error");
    }
    assert.equal(logger.entries.length, 2);
    assert.equal((logger.entries[0]!.obj as { err: unknown }).err, cause);
  });

  it("maps storage outages to UNAVAILABLE and passes ConnectErrors through", async () => {
    const logger = recordingLogger();
    for (const error of Object.values(await seen(new StorageUnavailableError("database"), logger))) {
      assert.equal(error.code, Code.Unavailable);
      assert.equal(error.findDetails(OAuthErrorDetailSchema)[0]?.error, "temporarily_unavailable");
    }
    for (const error of Object.values(await seen(new ConnectError("nope", Code.NotFound), logger))) assert.equal(error.code, Code.NotFound);
  });
});
