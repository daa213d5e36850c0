import { sql, type RawBuilder } from 'kysely';
import { UserError, type Problem } from '../lib/problems';
import { inList, type Store, type Tx } from './store';

/**
 * Moves a bureau's ledger into another (a county's file into the provincial database): agencies matched
 * by code, assets by tag, scoped users by user name, the audit log with its times. One transaction on the
 * target: a conflict anywhere (the same tag in another county, an agency under another parent) is
 * reported and nothing of the file is written. Running it again adds nothing twice.
 */
export interface TransferSummary {
  agencies: { added: number; present: number };
  assets: { added: number; present: number };
  /** Maintenance, calibration, disposal and custody records of the assets added. */
  records: number;
  users: { added: number; present: number };
  audit: { added: number; present: number };
  /** What stays behind in the file, said to the operator. */
  notCarried: string[];
}

type Row = Record<string, unknown>;

/** Rows of a table, all columns but the listed ones; joined names come in as extra columns. */
const rows = (tx: Tx, query: RawBuilder<Row>) => tx.all<Row>(query);

/** Where `insertValues` breaks a long list of rows, below SQLite's limit of parameters in one statement. */
const CHUNK = 500;

/** `insert into table (columns) values (...), (...)` in chunks; `tail` (e.g. `on conflict do nothing returning ...`) after each. */
async function insertValues(tx: Tx, table: string, columns: string[], values: Row[], tail: RawBuilder<unknown> = sql``): Promise<Row[]> {
  const out: Row[] = [];
  for (let i = 0; i < values.length; i += CHUNK) {
    const tuples = values.slice(i, i + CHUNK).map((v) => sql`(${sql.join(columns.map((c) => v[c] ?? null))})`);
    out.push(...(await tx.all<Row>(sql`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))}) values ${sql.join(tuples)} ${tail}`)));
  }
  return out;
}

const without = (row: Row, ...keys: string[]) => Object.fromEntries(Object.entries(row).filter(([k]) => !keys.includes(k)));

interface Source {
  catalog: Row[]; ruleSets: Row[]; quotaRules: Row[]; itemTerms: Row[];
  agencies: Row[]; assets: Row[]; maintenance: Row[]; calibrations: Row[]; disposals: Row[]; custody: Row[];
  users: Row[]; audit: Row[]; auditAgencies: Row[]; checklists: Row[]; importNames: Row[];
  blankLabels: Row[]; stocktakes: Row[]; stocktakeExpected: Row[]; stocktakeScans: Row[]; stocktakeDifferences: Row[];
  tasks: number; plans: number; contracts: number;
}

async function readSource(from: Store): Promise<Source> {
  return from.read(async (tx) => ({
    catalog: await rows(tx, sql`select * from catalog_items order by code`),
    ruleSets: await rows(tx, sql`select * from rule_sets order by id`),
    quotaRules: await rows(tx, sql`select * from quota_rules`),
    itemTerms: await rows(tx, sql`select * from item_terms`),
    agencies: await rows(tx, sql`select a.*, p.code as parent_code from agencies a left join agencies p on p.id = a.parent_id order by a.id`),
    assets: await rows(tx, sql`select s.*, a.code as agency_code from assets s join agencies a on a.id = s.agency_id order by s.id`),
    maintenance: await rows(tx, sql`select m.*, s.asset_tag from maintenance_records m join assets s on s.id = m.asset_id order by m.id`),
    calibrations: await rows(tx, sql`select c.*, s.asset_tag from calibrations c join assets s on s.id = c.asset_id order by c.id`),
    disposals: await rows(tx, sql`select d.*, s.asset_tag from disposals d join assets s on s.id = d.asset_id order by d.id`),
    custody: await rows(tx, sql`select c.*, s.asset_tag, a.code as agency_code from custody_records c join assets s on s.id = c.asset_id join agencies a on a.id = c.agency_id order by c.id`),
    users: await rows(tx, sql`select u.*, a.code as agency_code from users u left join agencies a on a.id = u.agency_id order by u.id`),
    audit: await rows(tx, sql`select * from audit_log order by id`),
    auditAgencies: await rows(tx, sql`select * from audit_agencies`),
    checklists: await rows(tx, sql`select c.*, a.code as agency_code from score_checklists c join agencies a on a.id = c.agency_id`),
    importNames: await rows(tx, sql`select * from import_names`),
    // Joined names are prefixed x_, as stocktake_expected keeps an asset_tag of its own.
    blankLabels: await rows(tx, sql`select b.*, a.code as x_agency, s.asset_tag as x_tag from blank_labels b join agencies a on a.id = b.agency_id
      left join assets s on s.id = b.asset_id order by b.code`),
    stocktakes: await rows(tx, sql`select t.*, a.code as x_agency from stocktakes t join agencies a on a.id = t.agency_id order by t.id`),
    stocktakeExpected: await rows(tx, sql`select e.*, s.asset_tag as x_tag, a.code as x_agency from stocktake_expected e join assets s on s.id = e.asset_id
      join agencies a on a.id = e.agency_id`),
    stocktakeScans: await rows(tx, sql`select c.*, s.asset_tag as x_tag, a.code as x_agency from stocktake_scans c left join assets s on s.id = c.asset_id
      join agencies a on a.id = c.agency_id order by c.id`),
    stocktakeDifferences: await rows(tx, sql`select d.*, s.asset_tag as x_tag, ea.code as x_expected, fa.code as x_found, sa.asset_tag as x_settled
      from stocktake_differences d left join assets s on s.id = d.asset_id left join agencies ea on ea.id = d.expected_agency_id
      left join agencies fa on fa.id = d.found_agency_id left join assets sa on sa.id = d.settled_asset_id order by d.id`),
    tasks: Number((await tx.get<{ n: number }>(sql`select count(*) as n from tasks`))!.n),
    plans: Number((await tx.get<{ n: number }>(sql`select count(*) as n from plans`))!.n),
    contracts: Number((await tx.get<{ n: number }>(sql`select count(*) as n from service_contracts`))!.n),
  }));
}

/** Parents before children, so each new agency's parent already has its id in the target. */
function parentsFirst(agencies: Row[]): Row[] {
  const byCode = new Map(agencies.map((a) => [a.code as string, a]));
  const depth = (a: Row, seen = 0): number => (a.parent_code && seen < agencies.length ? 1 + depth(byCode.get(a.parent_code as string) ?? {}, seen + 1) : 0);
  return [...agencies].sort((a, b) => depth(a) - depth(b));
}

const strip = (row: Row) => Object.fromEntries(Object.entries(row).filter(([k]) => !k.startsWith('x_')));

/**
 * The blank labels and stocktakes of the agencies the file brings (so a second run, which brings none, adds none):
 * agencies by code, assets by tag, whichever ledger they were registered in first.
 */
async function carryStocktakes(tx: Tx, src: Source, agencyId: Map<string, number>, added: ReadonlySet<string>): Promise<void> {
  const tags = [...new Set([...src.blankLabels, ...src.stocktakeExpected, ...src.stocktakeScans, ...src.stocktakeDifferences]
    .flatMap((r) => [r.x_tag, r.x_settled]).filter((t): t is string => typeof t === 'string'))];
  const assetId = new Map<string, number>();
  for (let i = 0; i < tags.length; i += CHUNK) {
    for (const r of await tx.all<Row>(sql`select id, asset_tag from assets where ${inList(tx, sql.ref('asset_tag'), tags.slice(i, i + CHUNK))}`)) {
      assetId.set(r.asset_tag as string, Number(r.id));
    }
  }
  const asset = (tag: unknown) => (typeof tag === 'string' ? (assetId.get(tag) ?? null) : null);
  const agency = (code: unknown) => (typeof code === 'string' ? (agencyId.get(code) ?? null) : null);
  const labels = src.blankLabels.filter((b) => added.has(b.x_agency as string)).map((b) => ({ ...strip(b), agency_id: agency(b.x_agency), asset_id: asset(b.x_tag) }));
  if (labels.length) await insertValues(tx, 'blank_labels', Object.keys(labels[0]), labels, sql`on conflict do nothing`);
  const stocktakeId = new Map<number, number>();
  for (const t of src.stocktakes.filter((x) => added.has(x.x_agency as string))) {
    const carried = { ...without(strip(t), 'id'), agency_id: agency(t.x_agency) };
    const [row] = await insertValues(tx, 'stocktakes', Object.keys(carried), [carried], sql`returning id`);
    stocktakeId.set(Number(t.id), Number(row.id));
  }
  const of = (list: Row[]) => list.filter((r) => stocktakeId.has(Number(r.stocktake_id)));
  const expected = of(src.stocktakeExpected).filter((e) => asset(e.x_tag) !== null)
    .map((e) => ({ ...strip(e), stocktake_id: stocktakeId.get(Number(e.stocktake_id)), asset_id: asset(e.x_tag), agency_id: agency(e.x_agency) }));
  const scans = of(src.stocktakeScans)
    .map((c) => ({ ...without(strip(c), 'id'), stocktake_id: stocktakeId.get(Number(c.stocktake_id)), asset_id: asset(c.x_tag), agency_id: agency(c.x_agency) }));
  const differences = of(src.stocktakeDifferences).map((d) => ({
    ...without(strip(d), 'id'), stocktake_id: stocktakeId.get(Number(d.stocktake_id)), asset_id: asset(d.x_tag), expected_agency_id: agency(d.x_expected),
    found_agency_id: agency(d.x_found), settled_asset_id: asset(d.x_settled),
  }));
  for (const [table, list] of [['stocktake_expected', expected], ['stocktake_scans', scans], ['stocktake_differences', differences]] as const) {
    if (list.length) await insertValues(tx, table, Object.keys(list[0]), list);
  }
}

/** Reference data the app writes into every new ledger. */
const SHIPPED = new Set(['catalog_item', 'rule_set', 'item_terms']);

const LEVEL: Record<string, string> = { province: '省级', city: '市级', county: '县级' };

/**
 * Carries `from` into `to`. `file` names the source in messages; `who` is recorded on the audit entry
 * of the transfer itself.
 */
export async function transferLedger(from: Store, to: Store, file: string, who: { actor: string; at: string }): Promise<TransferSummary> {
  const src = await readSource(from);
  return to.write(async (tx) => {
    const problems: Problem[] = [];
    const conflict = (field: string, message: string) => problems.push({ file, field, message });

    // The catalog and rule sets are the shipped ones; a price or service life the target already holds is its own.
    await insertValues(tx, 'catalog_items', Object.keys(src.catalog[0] ?? {}), src.catalog, sql`on conflict do nothing`);
    // A rule set the target holds keeps its own rules: the file adds none to the standard every agency is measured against.
    const newSets = new Set((await insertValues(tx, 'rule_sets', Object.keys(src.ruleSets[0] ?? {}), src.ruleSets, sql`on conflict do nothing returning id`)).map((r) => r.id as string));
    await insertValues(tx, 'quota_rules', Object.keys(src.quotaRules[0] ?? {}), src.quotaRules.filter((r) => newSets.has(r.rule_set_id as string)), sql`on conflict do nothing`);
    await insertValues(tx, 'item_terms', Object.keys(src.itemTerms[0] ?? {}), src.itemTerms, sql`on conflict do nothing`);

    // Agencies by code.
    const codes = src.agencies.map((a) => a.code as string);
    const held = new Map((await tx.all<Row>(sql`select a.id, a.code, a.level, a.name, p.code as parent_code from agencies a
      left join agencies p on p.id = a.parent_id where ${inList(tx, sql.ref('a.code'), codes)}`)).map((a) => [a.code as string, a]));
    const targetEmpty = !(await tx.get(sql`select 1 as one from agencies limit 1`));
    const agencyId = new Map<string, number>([...held].map(([code, a]) => [code, Number(a.id)]));
    const added = new Set<string>();
    const refused = new Set<string>();
    for (const a of parentsFirst(src.agencies)) {
      const code = a.code as string;
      const there = held.get(code);
      if (there) {
        if (there.level !== a.level) conflict('机构代码', `机构 ${code}(${a.name})在目标台账中为${LEVEL[there.level as string]},本文件中为${LEVEL[a.level as string]}`);
        // A bureau's own file may hold its agency as a root; the province places it under its parent.
        if (a.parent_code && there.parent_code !== a.parent_code) {
          conflict('上级机构', `机构 ${code}(${a.name})在目标台账中的上级为 ${there.parent_code ?? '(无)'},本文件中为 ${a.parent_code}`);
        }
        continue;
      }
      if (!a.parent_code && !targetEmpty) {
        refused.add(code);
        conflict('上级机构', `机构 ${code}(${a.name})在目标台账中没有,本文件也未给出其上级;请先在目标台账中建立该机构或其上级`);
        continue;
      }
      const parentId = a.parent_code ? agencyId.get(a.parent_code as string) : null;
      if (a.parent_code && parentId === undefined) {
        // A parent refused above is reported there; one never placed is a loop of parents in the file.
        refused.add(code);
        if (!refused.has(a.parent_code as string)) conflict('上级机构', `机构 ${code}(${a.name})的上级 ${a.parent_code} 未能迁入:本文件中的上下级关系成环`);
        continue;
      }
      const inserted = await tx.get<{ id: number }>(sql`insert into agencies (code, name, level, parent_id, staff, authorized_posts, offices, latitude, longitude)
        values (${code}, ${a.name}, ${a.level}, ${parentId}, ${a.staff}, ${a.authorized_posts}, ${a.offices}, ${a.latitude}, ${a.longitude}) returning id`);
      agencyId.set(code, Number(inserted!.id));
      added.add(code);
    }

    // Assets by tag: one already held elsewhere is a conflict, one held by the same agency was carried before.
    const tags = src.assets.map((s) => s.asset_tag as string);
    const heldAssets = new Map((await tx.all<Row>(sql`select s.asset_tag, a.code as agency_code, a.name as agency_name from assets s
      join agencies a on a.id = s.agency_id where ${inList(tx, sql.ref('s.asset_tag'), tags)}`)).map((s) => [s.asset_tag as string, s]));
    const newAssets: Row[] = [];
    for (const s of src.assets) {
      const there = heldAssets.get(s.asset_tag as string);
      if (!there) newAssets.push(s);
      else if (there.agency_code !== s.agency_code) {
        conflict('资产编号', `资产编号 ${s.asset_tag} 在目标台账中属于 ${there.agency_code}(${there.agency_name}),本文件中属于 ${s.agency_code};同一编号不能登记在两个机构`);
      }
    }

    // Users limited to an agency, by user name; the file's own whole-ledger administrators stay behind, and so does
    // an account for an agency the target held already (the city above a county): the file may grant rights only
    // over the agencies it brings, else a county's file could mint a city's administrator.
    const scoped = src.users.filter((u) => u.agency_code);
    const heldUsers = new Map((await tx.all<Row>(sql`select u.username, a.code as agency_code from users u left join agencies a on a.id = u.agency_id
      where ${inList(tx, sql.ref('u.username'), scoped.map((u) => u.username as string))}`)).map((u) => [u.username as string, u]));
    const newUsers = scoped.filter((u) => {
      const there = heldUsers.get(u.username as string);
      if (there && there.agency_code !== u.agency_code) conflict('用户名', `用户名 ${u.username} 在目标台账中已属于 ${there.agency_code ?? '全省'},本文件中属于 ${u.agency_code}`);
      return !there && added.has(u.agency_code as string);
    });
    const usersPresent = scoped.filter((u) => heldUsers.has(u.username as string)).length;
    const usersLeft = scoped.filter((u) => !heldUsers.has(u.username as string) && !added.has(u.agency_code as string));
    if (problems.length) throw new UserError(problems);

    const assetCols = ['asset_tag', 'item_code', 'agency_id', 'model', 'serial_number', 'purchase_date', 'price_fen', 'funding_source', 'status',
      'custodian', 'location', 'plate_number', 'odometer_km', 'calibration_valid_until', 'notes'];
    const assetId = new Map((await insertValues(tx, 'assets', assetCols, newAssets.map((s) => ({ ...s, agency_id: agencyId.get(s.agency_code as string) })),
      sql`returning id, asset_tag`)).map((r) => [r.asset_tag as string, Number(r.id)]));
    const ofNew = (records: Row[], extra: (r: Row) => Row = () => ({})) => records.filter((r) => assetId.has(r.asset_tag as string))
      .map((r) => ({ ...without(r, 'id', 'asset_tag', 'agency_code'), asset_id: assetId.get(r.asset_tag as string), ...extra(r) }));
    let records = 0;
    for (const [table, list] of [
      ['maintenance_records', ofNew(src.maintenance)],
      ['calibrations', ofNew(src.calibrations)],
      ['disposals', ofNew(src.disposals)],
      ['custody_records', ofNew(src.custody, (r) => ({ agency_id: agencyId.get(r.agency_code as string) }))],
    ] as const) {
      if (list.length) await insertValues(tx, table, Object.keys(list[0]), list);
      records += list.length;
    }

    if (newUsers.length) {
      await insertValues(tx, 'users', ['username', 'display_name', 'role', 'agency_id', 'password_hash', 'active', 'created_at'],
        newUsers.map((u) => ({ ...u, agency_id: agencyId.get(u.agency_code as string) })));
    }
    const checklists = src.checklists.map((c) => ({ ...without(c, 'agency_code'), agency_id: agencyId.get(c.agency_code as string) }));
    if (checklists.length) await insertValues(tx, 'score_checklists', Object.keys(checklists[0]), checklists, sql`on conflict do nothing`);
    if (src.importNames.length) await insertValues(tx, 'import_names', Object.keys(src.importNames[0]), src.importNames, sql`on conflict do nothing`);
    await carryStocktakes(tx, src, agencyId, added);

    // The audit log with its times; an entry already carried (same instant, actor, action and object) is not added again.
    const agenciesOf = new Map<number, string[]>();
    for (const x of src.auditAgencies) agenciesOf.set(Number(x.audit_id), [...(agenciesOf.get(Number(x.audit_id)) ?? []), x.agency_code as string]);
    const key = (e: Row) => `${e.at}\u0000${e.actor}\u0000${e.action}\u0000${e.entity}\u0000${e.entity_key}`;
    // The file's record of the app seeding its own shipped catalog is not the bureau's work: the target has its own.
    const audit = src.audit.filter((e) => !(e.actor === 'system' && SHIPPED.has(e.entity as string)));
    let auditAdded = 0;
    for (let i = 0; i < audit.length; i += CHUNK) {
      const chunk = audit.slice(i, i + CHUNK);
      const present = new Set((await tx.all<Row>(sql`select at, actor, action, entity, entity_key from audit_log
        where ${inList(tx, sql.ref('at'), [...new Set(chunk.map((e) => e.at as string))])}`)).map(key));
      for (const e of chunk) {
        if (present.has(key(e))) continue;
        const inserted = await tx.get<{ id: number }>(sql`insert into audit_log (at, actor, action, entity, entity_key, before, after, batch)
          values (${e.at}, ${e.actor}, ${e.action}, ${e.entity}, ${e.entity_key}, ${e.before}, ${e.after}, ${e.batch}) returning id`);
        // Shown to the readers of the agencies the file brings, never to those of an agency the target held already.
        const named = (agenciesOf.get(Number(e.id)) ?? []).filter((code) => added.has(code));
        if (named.length) await insertValues(tx, 'audit_agencies', ['audit_id', 'agency_code'], named.map((code) => ({ audit_id: inserted!.id, agency_code: code })));
        auditAdded++;
      }
    }

    const notCarried = [
      ...src.users.filter((u) => !u.agency_code).map((u) => `本机的全台账账户 ${u.username}(${u.display_name})未迁移:省级台账有自己的管理员`),
      ...usersLeft.map((u) => `本机的账户 ${u.username}(${u.display_name})限于机构 ${u.agency_code},该机构在目标台账中已有,账户未迁移:请由目标台账的管理员建立`),
      ...(src.tasks || src.plans ? [`本机的 ${src.tasks} 项执法任务和 ${src.plans} 个调度方案未迁移,仍在原文件中`] : []),
      ...(src.contracts ? [`本机的 ${src.contracts} 份服务合同未迁移,仍在原文件中:请在目标台账「配备达标 → 购买服务」中重新登记`] : []),
    ];
    const summary: TransferSummary = {
      agencies: { added: added.size, present: src.agencies.length - added.size },
      assets: { added: newAssets.length, present: src.assets.length - newAssets.length },
      records,
      users: { added: newUsers.length, present: usersPresent },
      audit: { added: auditAdded, present: audit.length - auditAdded },
      notCarried,
    };
    if (added.size || newAssets.length || newUsers.length || auditAdded) {
      const entry = await tx.get<{ id: number }>(sql`insert into audit_log (at, actor, action, entity, entity_key, after)
        values (${who.at}, ${who.actor}, 'create', 'transfer', ${file}, ${JSON.stringify({ agencies: added.size, assets: newAssets.length, records, users: newUsers.length, audit: auditAdded })}) returning id`);
      const roots = src.agencies.filter((a) => !a.parent_code || !codes.includes(a.parent_code as string)).map((a) => a.code as string);
      if (roots.length) await insertValues(tx, 'audit_agencies', ['audit_id', 'agency_code'], roots.map((code) => ({ audit_id: entry!.id, agency_code: code })));
    }
    return summary;
  });
}
