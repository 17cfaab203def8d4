import { randomBytes } from "node:crypto";
import { after, before, test } from "node:test";
import mysql from "mysql2/promise";
import { openSqlStorage } from "../../../src/storage/sql/open-sql-storage.js";
import { durableStorageContract } from "./durable-storage.contract.js";
import { assertFailsFast, closedPort, serviceUrl, silentLogger } from "./services.js";

const url = serviceUrl("MYSQL_URL", "MariaDB/MySQL durable storage contract");

if (url) {
  const database = `portcullis_test_${randomBytes(6).toString("hex")}`;
  const admin = await mysql.createConnection(url);
  before(() => admin.query(`CREATE DATABASE IF NOT EXISTS \`${database}\``));
  after(async () => {
    await admin.query(`DROP DATABASE IF EXISTS \`${database}\``);
    await admin.end();
  });
  const isolated = new URL(url);
  isolated.pathname = `/${database}`;
  durableStorageContract("MariaDB/MySQL", () => openSqlStorage(isolated.href));
}

test("a MySQL URL at a closed port fails fast with StorageUnavailableError", async () => {
  const storage = await openSqlStorage(`mysql://root@127.0.0.1:${await closedPort()}/test`, { logger: silentLogger });
  await assertFailsFast(() => storage.ping());
  await assertFailsFast(() => storage.clients.find("any"));
  await storage.close();
});
