import type { MessageInitShape } from "@bufbuild/protobuf";
import type { Session } from "../../../core/sessions/session.js";
import type { SessionSchema } from "../../../../gen/portcullis/session/v1/session_pb.js";
import { toInt64 } from "./json.mapper.js";

/** A session as a SessionService message: `subject` is the local user id, times in epoch seconds (OIDC Core §2 auth_time). */
export function toSessionMessage(session: Session, clientIds: readonly string[]): MessageInitShape<typeof SessionSchema> {
  return {
    sessionId: session.id,
    subject: session.userId,
    authenticatedAt: toInt64(session.authTime),
    expiresAt: toInt64(session.expiresAt / 1000),
    amr: [...session.amr],
    clientIds: [...clientIds],
  };
}
