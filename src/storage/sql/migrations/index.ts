import type { Knex } from "knex";
import * as initialSchema from "./001-initial-schema.js";
import * as sessionsConsents from "./002-sessions-consents.js";
import * as changeLog from "./003-change-log.js";
import * as trustedIssuers from "./004-trusted-issuers.js";
import * as grantParents from "./005-grant-parents.js";
import * as registrationPolicy from "./006-registration-policy.js";
import * as grantBinding from "./007-grant-binding.js";

interface NamedMigration extends Knex.Migration {
  name: string;
}

/** Migrations in order; append new modules here (an explicit list works under tsx and bundlers, unlike a directory glob). */
const MIGRATIONS: readonly NamedMigration[] = [
  { name: "001-initial-schema", ...initialSchema },
  { name: "002-sessions-consents", ...sessionsConsents },
  { name: "003-change-log", ...changeLog },
  { name: "004-trusted-issuers", ...trustedIssuers },
  { name: "005-grant-parents", ...grantParents },
  { name: "006-registration-policy", ...registrationPolicy },
  { name: "007-grant-binding", ...grantBinding },
];

/** knex migration source over the explicit list above. */
export const migrationSource: Knex.MigrationSource<NamedMigration> = {
  getMigrations: async () => [...MIGRATIONS],
  getMigrationName: (migration) => migration.name,
  getMigration: async (migration) => migration,
};
