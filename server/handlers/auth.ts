import type { Input, UserRow } from '../../api/contract';
import type { SessionUser } from '../../api/roles';
import { UserError } from '../../lib/problems';
import { countUsers, createUser, credentials, listUsers, recordSignIn, sessionUser, setPassword, updateUser, userById } from '../../db/queries/users';
import { endUserSessions } from '../../db/queries/sessions';
import { hashPassword, verifyPassword } from '../auth/password';
import type { Context } from '../context';
import type { authOps } from '../../api/auth';
import type { HandlersFor } from './handler';

/** The first administrator, who manages the whole ledger; possible only while the ledger has no users. */
export async function setup(ctx: Context, input: { username: string; displayName: string; password: string }): Promise<SessionUser> {
  if ((await countUsers(ctx.store)) > 0) throw new UserError([{ message: '台账已有管理员;请登录' }]);
  // Whoever creates the first administrator owns the ledger: never a stranger on the LAN.
  if (!ctx.remote.loopback) throw new UserError([{ message: '系统管理员只能在运行台账的本机上创建(请在本机用 127.0.0.1 打开)' }]);
  const hash = await hashPassword(input.password);
  const user = await ctx.store.write(async (tx) => {
    // Checked again inside the write: two first administrators set up at once make one.
    if ((await countUsers(tx)) > 0) throw new UserError([{ message: '台账已有管理员;请登录' }]);
    return createUser(tx, { ...ctx.who(), actor: input.username }, { ...input, role: 'admin', agencyCode: null }, hash);
  });
  await ctx.signIn(user.id);
  return sessionUser(user);
}

const minutes = (ms: number) => Math.max(1, Math.ceil(ms / 60_000));
const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/**
 * Signs in with a name and password. The attempt is counted before the password is checked, so
 * guesses sent together are limited like guesses sent one by one; every outcome is audited.
 */
export async function login(ctx: Context, { username, password }: { username: string; password: string }): Promise<SessionUser> {
  const address = ctx.remote.address;
  const attempt = await ctx.sessions.signIns.reserve(username, address);
  if ('reason' in attempt) {
    throw new UserError([attempt.reason === 'name'
      ? { field: 'username', message: `登录失败次数过多,请 ${minutes(attempt.retryMs)} 分钟后再试` }
      : { field: 'username', message: `本机登录尝试过于频繁,请 ${seconds(attempt.retryMs)} 秒后再试` }]);
  }
  let found: Awaited<ReturnType<typeof credentials>>;
  let ok: boolean;
  try {
    found = await credentials(ctx.store, username);
    // A wrong name costs as much time as a wrong password, so names cannot be probed.
    ok = await verifyPassword(password, found?.passwordHash ?? 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=');
  } catch (e) {
    attempt.failed(); // not checked (the database unavailable): it stays counted, and the attempts waiting for it go on
    throw e;
  }
  if (!found || !ok) {
    const { locked } = attempt.failed();
    await ctx.store.write(async (tx) => {
      await recordSignIn(tx, ctx.who(), username, { outcome: 'failed', address });
      if (locked) await recordSignIn(tx, ctx.who(), username, { outcome: locked === 'name' ? 'locked' : 'address-throttled', address });
    });
    throw new UserError([{ field: 'password', message: '用户名或密码不正确' }]);
  }
  attempt.succeeded();
  if (!found.user.active) {
    await ctx.store.write((tx) => recordSignIn(tx, ctx.who(), username, { outcome: 'inactive', address }));
    throw new UserError([{ field: 'username', message: '该账号已停用,请联系系统管理员' }]);
  }
  await ctx.store.write((tx) => recordSignIn(tx, { ...ctx.who(), actor: found.user.username }, username, { outcome: 'signed-in', address }));
  await ctx.signIn(found.user.id);
  return sessionUser(found.user);
}

export async function changePassword(ctx: Context, { current, next }: { current: string; next: string }): Promise<null> {
  const found = await credentials(ctx.store, ctx.user!.username);
  if (!found || !(await verifyPassword(current, found.passwordHash))) throw new UserError([{ field: 'current', message: '当前密码不正确' }]);
  const hash = await hashPassword(next);
  await ctx.store.write(async (tx) => {
    await setPassword(tx, ctx.who(), found.user.id, hash);
    // Whoever else holds a session of this user (a stolen cookie, a forgotten browser) is signed out;
    // the caller goes on in a new session.
    await endUserSessions(tx, found.user.id);
  });
  await ctx.signIn(found.user.id);
  return null;
}

export async function createUserAccount(ctx: Context, input: Input<'users/create'>): Promise<UserRow> {
  const hash = await hashPassword(input.password);
  return ctx.store.write((tx) => createUser(tx, ctx.who(), input, hash));
}

/** Changes a user; a changed role, scope, activity or password signs that user out everywhere. */
export async function updateUserAccount(ctx: Context, { id, password, ...change }: Input<'users/update'>): Promise<UserRow> {
  const hash = password ? await hashPassword(password) : undefined;
  return ctx.store.write(async (tx) => {
    const before = await userById(tx, id);
    const after = await updateUser(tx, ctx.who(), id, change, hash);
    if (before && (password || before.role !== after.role || before.agencyCode !== after.agencyCode || before.active !== after.active)) await endUserSessions(tx, id);
    return after;
  });
}

/** Signing in and out, and the accounts (the dispatcher has checked the right). */
export const authHandlers: HandlersFor<typeof authOps> = {
  'auth/status': async (ctx) => ({ hasUsers: (await countUsers(ctx.store)) > 0, user: ctx.user }),
  'auth/setup': (ctx, input) => setup(ctx, input),
  'auth/login': (ctx, input) => login(ctx, input),
  'auth/logout': async (ctx) => (await ctx.signIn(null), null),
  'auth/changePassword': (ctx, input) => changePassword(ctx, input),
  'users/list': (ctx) => listUsers(ctx.store),
  'users/create': (ctx, input) => createUserAccount(ctx, input),
  'users/update': (ctx, input) => updateUserAccount(ctx, input),
};
