import type { Role, SessionUser, UserRow } from '../../lib/domain/users';
import { UserError } from '../../lib/problems';
import { sql } from 'kysely';
import { inList, type Tx } from '../store';
import { appendAudit, type Actor } from './audit';

const SELECT = sql`select u.id, u.username, u.display_name as "displayName", u.role, a.code as "agencyCode", u.active, u.created_at as "createdAt"
  from users u left join agencies a on a.id = u.agency_id`;

const row = (r: (Omit<UserRow, 'active'> & { active: number }) | undefined): UserRow | undefined => (r ? { ...r, active: r.active === 1 } : undefined);

export const sessionUser = ({ id, username, displayName, role, agencyCode }: UserRow): SessionUser => ({ id, username, displayName, role, agencyCode });

export async function countUsers(tx: Tx): Promise<number> {
  return (await tx.get<{ n: number }>(sql`select count(*) as n from users`))!.n;
}

export async function listUsers(tx: Tx): Promise<UserRow[]> {
  return (await tx.all<never>(sql`${SELECT} order by u.username`)).map((r) => row(r)!);
}

export async function userById(tx: Tx, id: number): Promise<UserRow | undefined> {
  return row(await tx.get<never>(sql`${SELECT} where u.id = ${id}`));
}

export async function userByName(tx: Tx, username: string): Promise<UserRow | undefined> {
  return row(await tx.get<never>(sql`${SELECT} where u.username = ${username}`));
}

export async function credentials(tx: Tx, username: string): Promise<{ user: UserRow; passwordHash: string } | undefined> {
  const user = await userByName(tx, username);
  if (!user) return undefined;
  return { user, passwordHash: (await tx.get<{ hash: string }>(sql`select password_hash as hash from users where id = ${user.id}`))!.hash };
}

async function agencyIdOf(tx: Tx, code: string | null): Promise<number | null> {
  if (code === null) return null;
  const found = await tx.get<{ id: number }>(sql`select id from agencies where code = ${code}`);
  if (!found) throw new UserError([{ field: 'agencyCode', message: `机构「${code}」不存在` }]);
  return found.id;
}

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  agencyCode: string | null;
}

/** The audit never holds a password hash: only that it changed. */
const audited = (u: UserRow) => ({ username: u.username, displayName: u.displayName, role: u.role, agencyCode: u.agencyCode, active: u.active });

/** Adds a user; call inside a write transaction. */
export async function createUser(tx: Tx, who: Actor, u: NewUser, passwordHash: string): Promise<UserRow> {
  if (await tx.get(sql`select 1 from users where username = ${u.username}`)) {
    throw new UserError([{ field: 'username', message: `用户名「${u.username}」已被使用` }]);
  }
  const { id } = (await tx.get<{ id: number }>(sql`insert into users (username, display_name, role, agency_id, password_hash, active, created_at)
    values (${u.username}, ${u.displayName}, ${u.role}, ${await agencyIdOf(tx, u.agencyCode)}, ${passwordHash}, 1, ${who.at}) returning id`))!;
  const after = (await userById(tx, id))!;
  await appendAudit(tx, who, [{ action: 'create', entity: 'user', entityKey: u.username, after: audited(after), agencies: [] }]);
  return after;
}

export interface UserChange {
  displayName: string;
  role: Role;
  agencyCode: string | null;
  active: boolean;
}

async function activeAdmins(tx: Tx): Promise<number> {
  return (await tx.get<{ n: number }>(sql`select count(*) as n from users where role = 'admin' and active = 1 and agency_id is null`))!.n;
}

/** Edits a user; the ledger always keeps one active administrator of the whole ledger. Call inside a write transaction. */
export async function updateUser(tx: Tx, who: Actor, id: number, change: UserChange, passwordHash?: string): Promise<UserRow> {
  const before = await userById(tx, id);
  if (!before) throw new UserError([{ field: 'id', message: `用户 #${id} 不存在` }]);
  await tx.run(sql`update users set display_name = ${change.displayName}, role = ${change.role}, agency_id = ${await agencyIdOf(tx, change.agencyCode)},
    active = ${change.active ? 1 : 0} where id = ${id}`);
  if (passwordHash) await tx.run(sql`update users set password_hash = ${passwordHash} where id = ${id}`);
  if ((await activeAdmins(tx)) === 0) throw new UserError([{ field: 'role', message: '台账至少需要一名启用的、管理全部机构的系统管理员' }]);
  const after = (await userById(tx, id))!;
  await appendAudit(tx, who, [{ action: 'update', entity: 'user', entityKey: before.username, before: audited(before), after: { ...audited(after), ...(passwordHash ? { password: '已重置' } : {}) }, agencies: [] }]);
  return after;
}

export async function setPassword(tx: Tx, who: Actor, id: number, passwordHash: string): Promise<void> {
  const u = (await userById(tx, id))!;
  await tx.run(sql`update users set password_hash = ${passwordHash} where id = ${id}`);
  await appendAudit(tx, who, [{ action: 'update', entity: 'user', entityKey: u.username, after: { password: '已修改' }, agencies: [] }]);
}

/** What became of one sign-in attempt, as the audit log shows it. */
export const SIGN_IN_OUTCOMES = {
  'signed-in': '登录成功',
  failed: '用户名或密码不正确',
  inactive: '账号已停用',
  locked: '连续登录失败,账号锁定 15 分钟',
  'address-throttled': '同一地址登录失败过多,开始限速',
} as const;

/** Audits a sign-in attempt (ledger-wide: it concerns no agency). `username` is the name that was typed. */
export function recordSignIn(tx: Tx, who: Actor, username: string, what: { outcome: keyof typeof SIGN_IN_OUTCOMES; address: string }): Promise<void> {
  return appendAudit(tx, who, [{ action: 'create', entity: 'sign_in', entityKey: username, after: { outcome: SIGN_IN_OUTCOMES[what.outcome], address: what.address }, agencies: [] }]);
}

/** 姓名 by user name, for the user names given (the audit log keeps user names). */
export async function displayNames(tx: Tx, usernames: Iterable<string>): Promise<Record<string, string>> {
  const names = [...new Set(usernames)];
  if (!names.length) return {};
  const rows = await tx.all<{ username: string; displayName: string }>(sql`select username, display_name as "displayName" from users where ${inList(tx, sql.ref('username'), names)}`);
  return Object.fromEntries(rows.map((r) => [r.username, r.displayName]));
}

