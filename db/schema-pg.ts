import { is, SQL } from 'drizzle-orm';
import {
  bigint, check, customType, doublePrecision, foreignKey, index, pgTable, primaryKey, text, uniqueIndex,
  type AnyPgColumn, type PgColumnBuilderBase, type PgTableWithColumns,
} from 'drizzle-orm/pg-core';
import { getTableConfig, SQLiteColumn, SQLiteTable, type SQLiteColumn as Column } from 'drizzle-orm/sqlite-core';
import * as ledger from './schema';

/**
 * The provincial server's schema, derived table by table from the ledger's (db/schema/): one definition of
 * every table, so the two engines cannot drift apart. drizzle-kit reads this file for the PostgreSQL
 * migration chain (db/migrations-pg/).
 *
 * The mapping keeps values the same in both engines, so a query written once reads the same rows:
 * SQLite's 64-bit INTEGER is `bigint` (read back as a JS number, see db/pg.ts), REAL is `double precision`,
 * TEXT stays `text` (ISO dates and JSON included), a BLOB is `bytea` (a Buffer on both), and flags stay integers
 * 0/1 rather than `boolean`, which SQLite does not have. An auto-incremented key is an identity column.
 */
const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

function pgColumn(c: Column): PgColumnBuilderBase {
  const type = c.getSQLType();
  const base = type === 'integer' ? bigint(c.name, { mode: 'number' }) : type === 'real' ? doublePrecision(c.name) : type === 'text' ? text(c.name)
    : type === 'blob' ? bytea(c.name) : null;
  if (!base) throw new Error(`${c.name}: no PostgreSQL type for SQLite ${type}`);
  let col = base as ReturnType<typeof bigint> | ReturnType<typeof text> | ReturnType<typeof doublePrecision>;
  if (c.primary) col = col.primaryKey();
  if ((c as Column & { autoIncrement?: boolean }).autoIncrement) col = (col as ReturnType<typeof bigint>).generatedByDefaultAsIdentity();
  if (c.notNull && !c.primary) col = col.notNull();
  if (c.hasDefault && c.default !== undefined) {
    const d = c.default;
    if (is(d, SQL)) throw new Error(`${c.name}: an SQL default does not carry to PostgreSQL`);
    col = col.default((typeof d === 'boolean' ? Number(d) : typeof d === 'object' ? JSON.stringify(d) : d) as never);
  }
  if (c.isUnique) col = col.unique(c.uniqueName);
  return col;
}

const tables = new Map<string, PgTableWithColumns<never>>();

/** The SQL of a check or partial index with the ledger's columns replaced by the provincial table's. */
function carry(sqlText: SQL, cols: Record<string, AnyPgColumn>): SQL {
  return new SQL(sqlText.queryChunks.map((chunk) => (is(chunk, SQLiteColumn) ? cols[chunk.name] : chunk)));
}

function pgTableOf(table: SQLiteTable) {
  const config = getTableConfig(table);
  const columns = Object.fromEntries(Object.entries(table).filter(([, v]) => is(v, SQLiteColumn)).map(([key, c]) => [key, pgColumn(c as Column)]));
  const made = pgTable(config.name, columns, (t) => {
    const byName = Object.fromEntries(Object.values(t).map((c) => [(c as AnyPgColumn).name, c as AnyPgColumn]));
    const on = (cols: unknown[]) => cols.map((c) => byName[(c as Column).name]) as [AnyPgColumn, ...AnyPgColumn[]];
    return [
      ...config.indexes.map(({ config: i }) => {
        const built = (i.unique ? uniqueIndex(i.name) : index(i.name)).on(...on(i.columns));
        return i.where ? built.where(carry(i.where, byName)) : built;
      }),
      ...config.foreignKeys.map((fk) => {
        const ref = fk.reference();
        const target = tables.get(getTableConfig(ref.foreignTable).name)!;
        const foreign = ref.foreignColumns.map((c) => target[c.name as never] ?? Object.values(target).find((v) => (v as AnyPgColumn).name === c.name));
        let built = foreignKey({ name: fk.getName(), columns: on(ref.columns), foreignColumns: foreign as never });
        if (fk.onDelete) built = built.onDelete(fk.onDelete);
        if (fk.onUpdate) built = built.onUpdate(fk.onUpdate);
        return built;
      }),
      ...config.primaryKeys.map((pk) => primaryKey({ name: pk.getName(), columns: on(pk.columns) })),
      ...config.checks.map((c) => check(c.name, carry(c.value, byName))),
    ];
  });
  tables.set(config.name, made as never);
  return made;
}

/** Every table of the ledger, in the order db/schema/index.ts exports them (referenced tables first). */
export const schema = Object.fromEntries(
  Object.entries(ledger).filter(([, v]) => is(v, SQLiteTable)).map(([key, t]) => [key, pgTableOf(t as SQLiteTable)]),
);

// drizzle-kit finds tables among a module's own exports; a table missing here fails the schema-parity test.
export const {
  agencies, assets, auditAgencies, auditLog, blankLabels, calibrations, catalogItems, custodyRecords, disposals, importFiles, importNames,
  itemTerms, maintenanceRecords, planAssignments, planTasks, planUnmet, plans, quotaRules, ruleSets, scoreChecklists, serviceContractAgencies,
  serviceContractItems, serviceContracts, sessions, settings,
  stocktakeDifferences, stocktakeExpected, stocktakeScans, stocktakes, taskDemands, tasks, users,
} = schema;
