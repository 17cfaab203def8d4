import type { Knex } from "knex";
import type { Consent, ConsentRepository } from "../../core/sessions/session.js";

interface ConsentRow {
  user_id: string;
  client_id: string;
  scopes: string;
  granted_at: number;
}

function fromRow(row: ConsentRow): Consent {
  return { userId: row.user_id, clientId: row.client_id, scopes: JSON.parse(row.scopes), grantedAt: row.granted_at };
}

/** Remembered consents, one row per user and client (OIDC Core §3.1.2.4). */
export class SqlConsentRepository implements ConsentRepository {
  constructor(private readonly db: Knex) {}

  async find(userId: string, clientId: string): Promise<Consent | undefined> {
    const row = await this.db<ConsentRow>("consents").where({ user_id: userId, client_id: clientId }).first();
    return row && fromRow(row);
  }

  async put(consent: Consent): Promise<void> {
    await this.db("consents")
      .insert({
        user_id: consent.userId,
        client_id: consent.clientId,
        scopes: JSON.stringify(consent.scopes),
        granted_at: consent.grantedAt,
      } satisfies ConsentRow)
      .onConflict(["user_id", "client_id"])
      .merge(["scopes", "granted_at"]);
  }

  async delete(userId: string, clientId: string): Promise<boolean> {
    return (await this.db("consents").where({ user_id: userId, client_id: clientId }).delete()) > 0;
  }

  async listByUser(userId: string): Promise<Consent[]> {
    const rows = await this.db<ConsentRow>("consents").where({ user_id: userId }).orderBy("client_id");
    return rows.map(fromRow);
  }
}
