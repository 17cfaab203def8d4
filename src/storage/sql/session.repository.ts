import type { Knex } from "knex";
import type { Session, SessionRepository } from "../../core/sessions/session.js";
import { orNull, withoutNulls } from "./rows.js";

interface SessionRow {
  id: string;
  user_id: string;
  cookie_digest: string;
  auth_time: number;
  amr: string;
  acr: string | null;
  created_at: number;
  expires_at: number;
  ended_at: number | null;
}

function fromRow(row: SessionRow): Session {
  return withoutNulls<Session>({
    id: row.id,
    userId: row.user_id,
    authTime: row.auth_time,
    amr: JSON.parse(row.amr),
    acr: row.acr,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    endedAt: row.ended_at,
  });
}

/** SSO sessions by cookie digest, and the clients served in each (OIDC Core §3.1.2.3; Back-Channel Logout §2.1). */
export class SqlSessionRepository implements SessionRepository {
  constructor(private readonly db: Knex) {}

  async insert(session: Session, cookieDigest: string): Promise<void> {
    await this.db("sessions").insert({
      id: session.id,
      user_id: session.userId,
      cookie_digest: cookieDigest,
      auth_time: session.authTime,
      amr: JSON.stringify(session.amr),
      acr: orNull(session.acr),
      created_at: session.createdAt,
      expires_at: session.expiresAt,
      ended_at: orNull(session.endedAt),
    } satisfies SessionRow);
  }

  async findByCookieDigest(cookieDigest: string): Promise<Session | undefined> {
    return this.findBy({ cookie_digest: cookieDigest });
  }

  async findById(id: string): Promise<Session | undefined> {
    return this.findBy({ id });
  }

  async listByUser(userId: string, now: number): Promise<Session[]> {
    const rows = await this.db<SessionRow>("sessions")
      .where({ user_id: userId })
      .whereNull("ended_at")
      .where("expires_at", ">", now)
      .orderBy([{ column: "created_at", order: "desc" }, { column: "id", order: "desc" }]);
    return rows.map(fromRow);
  }

  async updateAuthentication(id: string, facts: { authTime: number; amr: string[]; acr?: string }): Promise<void> {
    await this.db("sessions")
      .where({ id })
      .update({ auth_time: facts.authTime, amr: JSON.stringify(facts.amr), acr: orNull(facts.acr) });
  }

  async end(id: string, endedAt: number): Promise<boolean> {
    const ended = await this.db("sessions").where({ id }).whereNull("ended_at").update({ ended_at: endedAt });
    return ended > 0;
  }

  async addClient(sessionId: string, clientId: string): Promise<void> {
    await this.db("session_clients").insert({ session_id: sessionId, client_id: clientId }).onConflict(["session_id", "client_id"]).ignore();
  }

  async clientIds(sessionId: string): Promise<string[]> {
    const rows: { client_id: string }[] = await this.db("session_clients").where({ session_id: sessionId }).orderBy("client_id").select("client_id");
    return rows.map((row) => row.client_id);
  }

  async purge(before: number): Promise<number> {
    return this.db.transaction(async (trx) => {
      const dead = () => trx("sessions").where("expires_at", "<", before).orWhere("ended_at", "<", before);
      await trx("session_clients").whereIn("session_id", dead().select("id")).delete();
      const purged: number = await dead().delete();
      return purged;
    });
  }

  private async findBy(where: Partial<SessionRow>): Promise<Session | undefined> {
    const row = await this.db<SessionRow>("sessions").where(where).first();
    return row && fromRow(row);
  }
}
