import { Code, ConnectError } from "@connectrpc/connect";
import type { Session } from "../../core/sessions/session.js";
import { InternalScopes } from "../../core/policy/scopes.js";
import { OAuthErrors } from "../../plugin-sdk/errors.js";
import { SessionService } from "../../../gen/portcullis/session/v1/session_pb.js";
import { toSessionMessage } from "./mappers/session.mapper.js";
import type { InternalRpcDeps } from "./rpc-deps.js";
import { defineRpc, type RpcService } from "./rpc-service.js";

/**
 * SessionService: a user's live SSO sessions (DESIGN "Proto services"), `subject` being the local user id. Ending
 * goes through LogoutService, so the sessions' RPs get back-channel logout tokens (OIDC Back-Channel Logout §2.5).
 */
export function sessionRpc({ sessions, logout }: Pick<InternalRpcDeps, "sessions" | "logout">): RpcService {
  const message = async (session: Session) => toSessionMessage(session, await sessions.clientIds(session.id));
  const live = async (sessionId: string): Promise<Session> => {
    const session = sessionId ? await sessions.get(sessionId) : undefined;
    if (!session) throw new ConnectError("session not found", Code.NotFound);
    return session;
  };
  const subject = (value: string): string => {
    if (!value) throw OAuthErrors.invalidRequest("subject is required");
    return value;
  };
  return defineRpc(
    SessionService,
    {
      listSessions: InternalScopes.sessions,
      getSession: InternalScopes.sessions,
      endSession: InternalScopes.sessions,
      endAllSessions: InternalScopes.sessions,
    },
    {
      /** Live sessions of the user, newest first; none for an unknown user. */
      async listSessions(request) {
        return { sessions: await Promise.all((await sessions.listForUser(subject(request.subject))).map(message)) };
      },

      async getSession(request) {
        return { session: await message(await live(request.sessionId)) };
      },

      /** NOT_FOUND when the session is unknown, expired or already ended. */
      async endSession(request) {
        await logout.logout((await live(request.sessionId)).id);
        return {};
      },

      async endAllSessions(request) {
        return { ended: await logout.logoutEverywhere(subject(request.subject)) };
      },
    },
  );
}
