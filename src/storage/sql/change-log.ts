import type { Knex } from "knex";
import type { Change, ChangeLog, ChangeTopic } from "../../core/ports/change-log.js";

interface ChangeRow {
  seq: number;
  topic: ChangeTopic;
  change_key: string;
}

/** The one row of `change_head`; every change-recording transaction locks it, so seq order is commit order. */
const HEAD = { id: 1 } as const;

/**
 * The change log over SQL (DESIGN "State"): `record` runs inside the writer's transaction; bumping the single head
 * row serialises recording transactions, so a reader that has seen seq N has seen every change up to N.
 */
export class SqlChangeLog implements ChangeLog {
  readonly #listeners: (() => Promise<void>)[] = [];

  constructor(
    private readonly db: Knex,
    readonly probe?: () => number | undefined,
  ) {}

  /** Records `keys` under `topic` in the caller's transaction. */
  async record(trx: Knex.Transaction, topic: ChangeTopic, keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await trx("change_head").where(HEAD).increment("seq", keys.length);
    const { seq } = (await trx("change_head").where(HEAD).first("seq")) as { seq: number };
    const first = Number(seq) - keys.length + 1;
    await trx("change_log").insert(keys.map((key, i) => ({ seq: first + i, topic, change_key: key })));
  }

  /** Runs `write` in a transaction with `record` at hand, then the commit listeners (each reports its own failures). */
  async write<T>(topic: ChangeTopic, write: (trx: Knex.Transaction, record: (keys: readonly string[]) => Promise<void>) => Promise<T>): Promise<T> {
    let recorded = false;
    const result = await this.db.transaction((trx) =>
      write(trx, async (keys) => {
        await this.record(trx, topic, keys);
        recorded ||= keys.length > 0;
      }),
    );
    if (recorded) await Promise.all(this.#listeners.map((listener) => listener()));
    return result;
  }

  onCommit(listener: () => Promise<void>): void {
    this.#listeners.push(listener);
  }

  async head(): Promise<number> {
    const row = (await this.db("change_head").where(HEAD).first("seq")) as { seq: number } | undefined;
    return Number(row?.seq ?? 0);
  }

  async since(seq: number, limit: number): Promise<Change[]> {
    const rows = await this.db<ChangeRow>("change_log").where("seq", ">", seq).orderBy("seq").limit(limit);
    return rows.map((row) => ({ seq: Number(row.seq), topic: row.topic, key: row.change_key }));
  }

  async purge(keep: number): Promise<number> {
    return this.db("change_log").where("seq", "<=", (await this.head()) - keep).delete();
  }
}
