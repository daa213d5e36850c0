import type { Role, SessionUser, UserRow } from '../../lib/domain/users';
import { UserError } from '../../lib/problems';
import type { Db } from '../types';
import { appendAudit, type Actor } from './audit';

const SELECT = `select u.id, u.username, u.display_name as displayName, u.role, a.code as agencyCode, u.active, u.created_at as createdAt
  from users u left join agencies a on a.id = u.agency_id`;

const row = (r: (Omit<UserRow, 'active'> & { active: number }) | undefined): UserRow | undefined => (r ? { ...r, active: r.active === 1 } : undefined);

export const sessionUser = ({ id, username, displayName, role, agencyCode }: UserRow): SessionUser => ({ id, username, displayName, role, agencyCode });

export function countUsers(db: Db): number {
  return db.$client.prepare('select count(*) from users').pluck().get() as number;
}

export function listUsers(db: Db): UserRow[] {
  return (db.$client.prepare(`${SELECT} order by u.username`).all() as never[]).map((r) => row(r)!);
}

export function userById(db: Db, id: number): UserRow | undefined {
  return row(db.$client.prepare(`${SELECT} where u.id = ?`).get(id) as never);
}

export function userByName(db: Db, username: string): UserRow | undefined {
  return row(db.$client.prepare(`${SELECT} where u.username = ?`).get(username) as never);
}

export function credentials(db: Db, username: string): { user: UserRow; passwordHash: string } | undefined {
  const user = userByName(db, username);
  if (!user) return undefined;
  return { user, passwordHash: db.$client.prepare('select password_hash from users where id = ?').pluck().get(user.id) as string };
}

function agencyIdOf(db: Db, code: string | null): number | null {
  if (code === null) return null;
  const id = db.$client.prepare('select id from agencies where code = ?').pluck().get(code) as number | undefined;
  if (id === undefined) throw new UserError([{ field: 'agencyCode', message: `机构「${code}」不存在` }]);
  return id;
}

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  agencyCode: string | null;
}

/** The audit never holds a password hash: only that it changed. */
const audited = (u: UserRow) => ({ username: u.username, displayName: u.displayName, role: u.role, agencyCode: u.agencyCode, active: u.active });

export function createUser(db: Db, who: Actor, u: NewUser, passwordHash: string): UserRow {
  return db.$client.transaction(() => {
    if (db.$client.prepare('select 1 from users where username = ?').get(u.username)) {
      throw new UserError([{ field: 'username', message: `用户名「${u.username}」已被使用` }]);
    }
    const id = Number(db.$client.prepare(
      `insert into users (username, display_name, role, agency_id, password_hash, active, created_at) values (?, ?, ?, ?, ?, 1, ?)`,
    ).run(u.username, u.displayName, u.role, agencyIdOf(db, u.agencyCode), passwordHash, who.at).lastInsertRowid);
    const after = userById(db, id)!;
    appendAudit(db, who, [{ action: 'create', entity: 'user', entityKey: u.username, after: audited(after), agencies: [] }]);
    return after;
  })();
}

export interface UserChange {
  displayName: string;
  role: Role;
  agencyCode: string | null;
  active: boolean;
}

function activeAdmins(db: Db): number {
  return db.$client.prepare(`select count(*) from users where role = 'admin' and active = 1 and agency_id is null`).pluck().get() as number;
}

/** Edits a user; the ledger always keeps one active administrator of the whole ledger. */
export function updateUser(db: Db, who: Actor, id: number, change: UserChange, passwordHash?: string): UserRow {
  return db.$client.transaction(() => {
    const before = userById(db, id);
    if (!before) throw new UserError([{ field: 'id', message: `用户 #${id} 不存在` }]);
    db.$client.prepare(`update users set display_name = ?, role = ?, agency_id = ?, active = ? where id = ?`)
      .run(change.displayName, change.role, agencyIdOf(db, change.agencyCode), change.active ? 1 : 0, id);
    if (passwordHash) db.$client.prepare('update users set password_hash = ? where id = ?').run(passwordHash, id);
    if (activeAdmins(db) === 0) throw new UserError([{ field: 'role', message: '台账至少需要一名启用的、管理全部机构的系统管理员' }]);
    const after = userById(db, id)!;
    appendAudit(db, who, [{ action: 'update', entity: 'user', entityKey: before.username, before: audited(before), after: { ...audited(after), ...(passwordHash ? { password: '已重置' } : {}) }, agencies: [] }]);
    return after;
  })();
}

export function setPassword(db: Db, who: Actor, id: number, passwordHash: string): void {
  db.$client.transaction(() => {
    const u = userById(db, id)!;
    db.$client.prepare('update users set password_hash = ? where id = ?').run(passwordHash, id);
    appendAudit(db, who, [{ action: 'update', entity: 'user', entityKey: u.username, after: { password: '已修改' }, agencies: [] }]);
  })();
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
export function recordSignIn(db: Db, who: Actor, username: string, what: { outcome: keyof typeof SIGN_IN_OUTCOMES; address: string }): void {
  appendAudit(db, who, [{ action: 'create', entity: 'sign_in', entityKey: username, after: { outcome: SIGN_IN_OUTCOMES[what.outcome], address: what.address }, agencies: [] }]);
}

/** 姓名 by user name, for the user names given (the audit log keeps user names). */
export function displayNames(db: Db, usernames: Iterable<string>): Record<string, string> {
  const names = [...new Set(usernames)];
  if (!names.length) return {};
  const rows = db.$client.prepare('select username, display_name as displayName from users where username in (select value from json_each(?))')
    .all(JSON.stringify(names)) as { username: string; displayName: string }[];
  return Object.fromEntries(rows.map((r) => [r.username, r.displayName]));
}

