// The driver adapter handed to the wasm engine: adapter-pg, with traps 1-3 of schema-engine.mjs
// corrected.

import { randomBytes } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import { ColumnTypeEnum } from "@prisma/driver-adapter-utils";
import { quoteIdent, withDatabase, withMaintenanceClient } from "./postgres.mjs";

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

/**
 * adapter-pg throws on Postgres' one-byte "char" (OID 18), which the engine reads from pg_catalog
 * (constraint types, relkinds, ...) and then decodes as a Rust `char`. The column is let through
 * as text by pg, and reported to the engine as a Character column.
 */
function acceptPgChar(queryable) {
  const performIO = queryable.performIO.bind(queryable);
  const queryRaw = queryable.queryRaw.bind(queryable);
  // queryRaw(query) calls this.performIO(query) with the same object: that links the two calls.
  const charColumns = new WeakMap();
  queryable.performIO = async (query) => {
    const result = await performIO(query);
    const indexes = [];
    result.fields.forEach((field, index) => {
      if (field.dataTypeID !== PG_CHAR_OID) return;
      field.dataTypeID = PG_TEXT_OID;
      indexes.push(index);
    });
    if (indexes.length > 0) charColumns.set(query, indexes);
    return result;
  };
  queryable.queryRaw = async (query) => {
    const result = await queryRaw(query);
    for (const index of charColumns.get(query) ?? []) result.columnTypes[index] = ColumnTypeEnum.Character;
    return result;
  };
  return queryable;
}

function harden(adapter) {
  const pool = adapter.underlyingDriver();
  adapter.executeScript = async (script) => {
    try {
      await pool.query(script);
    } catch (error) {
      adapter.onError(error);
    }
  };
  acceptPgChar(adapter);
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (isolationLevel) => acceptPgChar(await startTransaction(isolationLevel));
  return adapter;
}

export class ShimAdapterFactory {
  provider = "postgres";
  adapterName = "@prisma/adapter-pg";
  /** Shadow databases not dropped yet, so that an interrupted run can still clean up. */
  liveShadowDatabases = new Set();

  constructor(url, shadowServerUrl) {
    this.url = url;
    this.shadowServerUrl = shadowServerUrl ?? url;
  }

  async connect() {
    return harden(await new PrismaPg({ connectionString: this.url }).connect());
  }

  async connectToShadowDb() {
    const name = `prisma_shadow_${randomBytes(6).toString("hex")}`;
    await withMaintenanceClient(this.shadowServerUrl, (client) => client.query(`CREATE DATABASE ${quoteIdent(name)}`));
    this.liveShadowDatabases.add(name);
    const adapter = harden(
      await new PrismaPg({ connectionString: withDatabase(this.shadowServerUrl, name) }).connect(),
    );
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose();
      await this.dropShadowDatabase(name);
    };
    return adapter;
  }

  async dropShadowDatabase(name) {
    await withMaintenanceClient(this.shadowServerUrl, (client) =>
      client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`),
    );
    this.liveShadowDatabases.delete(name);
  }

  async dropAllShadowDatabases() {
    await Promise.allSettled([...this.liveShadowDatabases].map((name) => this.dropShadowDatabase(name)));
  }
}
