import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { fileURLToPath } from 'node:url';

/** The app's migrations beside the code (a packaged app passes its own folder). */
export const DEFAULT_MIGRATIONS = fileURLToPath(new URL('./migrations', import.meta.url));

interface SchemaObject {
  type: string;
  name: string;
  tbl_name: string;
  sql: string | null;
}

const TYPE_NAMES: Record<string, string> = { table: '表', index: '索引', trigger: '触发器', view: '视图' };
const MIGRATIONS_TABLE = '__drizzle_migrations';
/** What SQLite itself adds to a database (ANALYZE statistics, AUTOINCREMENT counters, UNIQUE indexes). */
const SQLITE_OWN = (o: SchemaObject) =>
  (o.type === 'table' && ['sqlite_sequence', 'sqlite_stat1', 'sqlite_stat4'].includes(o.name)) ||
  (o.type === 'index' && o.name.startsWith('sqlite_autoindex_') && o.sql === null);

const key = (o: SchemaObject) => `${o.type}\u0000${o.name}`;
const text = (sql: string | null) => (sql ?? '').replace(/\s+/g, ' ').trim();

function objects(sqlite: Database.Database): SchemaObject[] {
  return sqlite.prepare('select type, name, tbl_name, sql from sqlite_master').all() as SchemaObject[];
}

const references = new Map<string, Map<string, SchemaObject>>();

/** The schema the app's first `count` migrations build, from a database migrated in memory (cached). */
function reference(folder: string, count: number): Map<string, SchemaObject> {
  const cacheKey = `${folder}\u0000${count}`;
  let ref = references.get(cacheKey);
  if (!ref) {
    const sqlite = new Database(':memory:');
    try {
      const db = drizzle(sqlite) as unknown as { dialect: { migrate: (m: unknown, s: unknown, c: unknown) => void }; session: unknown };
      db.dialect.migrate(readMigrationFiles({ migrationsFolder: folder }).slice(0, count), db.session, { migrationsFolder: folder });
      ref = new Map(objects(sqlite).filter((o) => !SQLITE_OWN(o)).map((o) => [key(o), o]));
    } finally {
      sqlite.close();
    }
    references.set(cacheKey, ref);
  }
  return ref;
}

/**
 * Why a database's schema is not the app's own at `applied` migrations: the objects that are
 * extra (a trigger that deletes audit entries, a view, a table), changed, or missing; null when it is.
 * A file without the migrations table must hold no schema at all (a new, empty ledger).
 */
export function foreignSchema(sqlite: Database.Database, folder: string, applied: number): string | null {
  const found = objects(sqlite).filter((o) => !SQLITE_OWN(o));
  const fresh = applied === 0 && !found.some((o) => o.type === 'table' && o.name === MIGRATIONS_TABLE);
  const ref = fresh ? new Map<string, SchemaObject>() : reference(folder, applied);
  const label = (o: SchemaObject) => `${TYPE_NAMES[o.type] ?? o.type}「${o.name}」`;
  const extra: string[] = [];
  const changed: string[] = [];
  for (const o of found) {
    const r = ref.get(key(o));
    if (!r) extra.push(label(o));
    else if (o.name !== MIGRATIONS_TABLE && (r.tbl_name !== o.tbl_name || text(r.sql) !== text(o.sql))) changed.push(label(o));
  }
  const have = new Set(found.map(key));
  const missing = [...ref.values()].filter((o) => !have.has(key(o))).map(label);
  if (!extra.length && !changed.length && !missing.length) return null;
  const list = (xs: string[]) => (xs.length > 10 ? `${xs.slice(0, 10).join('、')} 等 ${xs.length} 个` : xs.join('、'));
  return `数据库结构与本程序(第 ${applied} 次升级后)的结构不一致,可能被改动过,为防止其中的触发器等改写数据已拒绝:` +
    [extra.length ? `多出 ${list(extra)}` : '', changed.length ? `被改动 ${list(changed)}` : '', missing.length ? `缺少 ${list(missing)}` : ''].filter(Boolean).join(';');
}
