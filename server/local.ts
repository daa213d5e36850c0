import type { Input, OpName, Output } from '../api/contract';
import type { SessionUser } from '../api/roles';
import { UserError } from '../lib/problems';
import { countUsers, sessionUser, userByName } from '../db/queries/users';
import { userContext, type Context, type Ledger, type Remote } from './context';
import { dispatch } from './dispatch';

/** A program on the machine that holds the ledger file (the eql command). */
const LOCAL_REMOTE: Remote = { address: 'local', loopback: true };

/**
 * Who a program on this machine acts as. A ledger without users has no one to sign in as, and is
 * set up from this machine anyway (its first administrator can be created only here): the program
 * acts as its administrator of the whole ledger, recorded in the audit log as `label`. Once the
 * ledger has users, it acts as the active account `account`, with that account's role and agency
 * scope; no password is asked, since whoever may run programs on the file's machine may open the
 * file itself.
 */
export async function localCaller(ledger: Ledger, account: string | undefined, label: string): Promise<Context> {
  let user: SessionUser;
  if ((await countUsers(ledger.store)) === 0) {
    // No row of the users table has id 0: the administrator of a ledger that has none.
    user = { id: 0, username: account ?? label, displayName: '本机管理员', role: 'admin', agencyCode: null };
  } else {
    if (account === undefined) throw new UserError([{ message: '台账已有用户:请用 --user 指定以哪个账号执行(该账号的角色与管辖范围适用)' }]);
    const row = await userByName(ledger.store, account);
    if (!row) throw new UserError([{ message: `台账中没有账号「${account}」(--user)` }]);
    if (!row.active) throw new UserError([{ message: `账号「${account}」已停用(--user)` }]);
    user = sessionUser(row);
  }
  // A local program holds no session: there is nothing to sign in to or out of.
  return userContext(ledger, user, LOCAL_REMOTE, async () => undefined);
}

/**
 * Runs an operation through the dispatcher every transport uses (the caller's right, the input's
 * schema, the write queue); what it refuses is thrown as a UserError.
 */
export async function call<N extends OpName>(ctx: Context, name: N, input: Input<N>): Promise<Output<N>> {
  const answer = await dispatch(ctx, name, input);
  if (!answer.ok) throw new UserError(answer.problems);
  return answer.value as Output<N>;
}
