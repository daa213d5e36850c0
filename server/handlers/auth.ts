import type { Input, UserRow } from '../../api/contract';
import type { SessionUser } from '../../api/roles';
import { UserError } from '../../lib/problems';
import { countUsers, createUser, credentials, sessionUser, setPassword, updateUser, userById } from '../../db/queries/users';
import { hashPassword, verifyPassword } from '../auth/password';
import type { Context } from '../context';

/** The first administrator, who manages the whole ledger; possible only while the ledger has no users. */
export async function setup(ctx: Context, input: { username: string; displayName: string; password: string }): Promise<SessionUser> {
  if (countUsers(ctx.db) > 0) throw new UserError([{ message: '台账已有管理员;请登录' }]);
  const hash = await hashPassword(input.password);
  const user = createUser(ctx.db, { ...ctx.who(), actor: input.username }, { ...input, role: 'admin', agencyCode: null }, hash);
  ctx.signIn(user.id);
  return sessionUser(user);
}

export async function login(ctx: Context, { username, password }: { username: string; password: string }): Promise<SessionUser> {
  const refused = new UserError([{ field: 'password', message: '用户名或密码不正确' }]);
  if (ctx.sessions.locked(username)) throw new UserError([{ field: 'username', message: '登录失败次数过多,请 15 分钟后再试' }]);
  const found = credentials(ctx.db, username);
  // A wrong name costs as much time as a wrong password, so names cannot be probed.
  const ok = await verifyPassword(password, found?.passwordHash ?? 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=');
  if (!found || !ok) {
    ctx.sessions.failed(username);
    throw refused;
  }
  if (!found.user.active) throw new UserError([{ field: 'username', message: '该账号已停用,请联系系统管理员' }]);
  ctx.sessions.succeeded(username);
  ctx.signIn(found.user.id);
  return sessionUser(found.user);
}

export async function changePassword(ctx: Context, { current, next }: { current: string; next: string }): Promise<null> {
  const found = credentials(ctx.db, ctx.user!.username);
  if (!found || !(await verifyPassword(current, found.passwordHash))) throw new UserError([{ field: 'current', message: '当前密码不正确' }]);
  setPassword(ctx.db, ctx.who(), found.user.id, await hashPassword(next));
  return null;
}

export async function createUserAccount(ctx: Context, input: Input<'users/create'>): Promise<UserRow> {
  return createUser(ctx.db, ctx.who(), input, await hashPassword(input.password));
}

/** Changes a user; a changed role, scope, activity or password signs that user out everywhere. */
export async function updateUserAccount(ctx: Context, { id, password, ...change }: Input<'users/update'>): Promise<UserRow> {
  const before = userById(ctx.db, id);
  const after = updateUser(ctx.db, ctx.who(), id, change, password ? await hashPassword(password) : undefined);
  if (before && (password || before.role !== after.role || before.agencyCode !== after.agencyCode || before.active !== after.active)) ctx.sessions.endUser(id);
  return after;
}
