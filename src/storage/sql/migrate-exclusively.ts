import type { Knex } from "knex";

const LOCK = "portcullis_migrations";
const LOCK_WAIT_SECONDS = 60;

/**
 * Runs pending migrations so that nodes booting together do not race on knex's own bookkeeping tables (its lock
 * row exists only after those tables do). MySQL: a named server lock around the run. SQLite: one writer at a
 * time already, so a run that lost the race to create the tables is simply repeated once.
 */
export async function migrateExclusively(db: Knex, config: Knex.MigratorConfig): Promise<void> {
  if (db.client.config.client !== "mysql2") {
    await db.migrate.latest(config).catch(() => db.migrate.latest(config));
    return;
  }
  await db.transaction(async (trx) => {
    const [rows] = (await trx.raw("SELECT GET_LOCK(?, ?) AS acquired", [LOCK, LOCK_WAIT_SECONDS])) as [{ acquired: number | null }[]];
    if (rows[0]?.acquired !== 1) throw new Error(`could not acquire the migration lock within ${LOCK_WAIT_SECONDS} s`);
    try {
      await db.migrate.latest(config);
    } finally {
      await trx.raw("SELECT RELEASE_LOCK(?)", [LOCK]);
    }
  });
}
