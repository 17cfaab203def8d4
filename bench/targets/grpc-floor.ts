import { join } from "node:path";
import { create, toBinary } from "@bufbuild/protobuf";
import { ValidateTokenResponseSchema } from "../../gen/portcullis/validation/v1/validation_pb.js";
import { grpcFrame, VALIDATE_TOKEN_PATH } from "../lib/grpc-frame.js";
import { plainNodeScript } from "../lib/plain-node.js";
import { freePort, waitForPort } from "../lib/ports.js";
import { tail } from "../lib/processes.js";
import { HOST, TOKEN_REQUEST } from "../lib/settings.js";
import type { TargetContext } from "./target.js";

/** A running gRPC floor (grpc-floor-server.ts): only an internal gRPC listener, no token endpoint. */
export interface GrpcFloor {
  id: string;
  pid: number;
  grpcAddress: string;
  stop(): Promise<void>;
}

export const GRPC_FLOOR_ID = "grpc-floor";

/** A framed answer the size of a real active one: the token's members and its claims. */
function activeAnswer(): Buffer {
  const [now, sub, jti] = [BigInt(Math.floor(Date.now() / 1000)), "floor-client", "floor-jti-0123456789abcdef"];
  const [scope, aud, exp] = [TOKEN_REQUEST.scope, TOKEN_REQUEST.resource, now + 3600n];
  const claims = { iss: `http://${HOST}`, sub, aud, exp: Number(exp), iat: Number(now), jti, client_id: sub, scope };
  const response = create(ValidateTokenResponseSchema, { active: true, subject: sub, clientId: sub, scopes: [scope], audiences: [aud], expiresAt: exp, issuedAt: now, jti, tokenType: "Bearer", claims });
  return grpcFrame(toBinary(ValidateTokenResponseSchema, response));
}

/** Starts the bare node:http2 unary-gRPC floor (transpiled, plain node) pinned to the context's core and waits until it listens. */
export async function startGrpcFloor(context: TargetContext): Promise<GrpcFloor> {
  const port = await freePort();
  const logFile = join(context.tmpDir, `${GRPC_FLOOR_ID}.log`);
  const script = plainNodeScript(join(context.repoRoot, "bench", "targets", "grpc-floor-server.ts"), join(context.tmpDir, "floors"));
  const env = { NODE_ENV: "production", GRPC_FLOOR_PORT: String(port), GRPC_FLOOR_PATH: VALIDATE_TOKEN_PATH, GRPC_FLOOR_ANSWER: activeAnswer().toString("base64") };
  const child = context.children.spawn(process.execPath, [...context.nodeFlags, script], { cwd: context.repoRoot, env, core: context.core, logFile });
  try {
    await waitForPort(port);
  } catch (error) {
    await context.children.stop(child);
    throw new Error(`${GRPC_FLOOR_ID} did not start: ${(error as Error).message}\n--- ${logFile} ---\n${tail(logFile)}`);
  }
  return { id: GRPC_FLOOR_ID, pid: child.pid!, grpcAddress: `${HOST}:${port}`, stop: () => context.children.stop(child) };
}
