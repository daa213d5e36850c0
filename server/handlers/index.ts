import type { Handlers } from './handler';
import { authHandlers } from './auth';
import { auditHandlers } from './audit';
import { backupHandlers } from './backups';
import { ledgerHandlers } from './ledger';
import { agencyHandlers } from './agencies';
import { quotaHandlers } from './quotas';
import { overviewHandlers } from './overview';
import { assetHandlers } from './assets';
import { recordHandlers } from './records';
import { disposalHandlers } from './disposals';
import { exportHandlers } from './exports';
import { importHandlers } from './imports';
import { budgetHandlers } from './budget';
import { scoreHandlers } from './score';
import { chartHandlers } from './charts';
import { taskHandlers } from './tasks';
import { dispatchHandlers } from './dispatch';
import { planHandlers } from './plans';
import { stocktakeHandlers } from './stocktakes';
import { labelHandlers } from './labels';
import { contractHandlers } from './contracts';
import { bookValueHandlers } from './book-value';

/** Every operation of the contract, implemented once for every transport; the dispatcher has checked the right, these check the agency scope. */
export const handlers: Handlers = {
  ...authHandlers,
  ...auditHandlers,
  ...backupHandlers,
  ...ledgerHandlers,
  ...agencyHandlers,
  ...quotaHandlers,
  ...overviewHandlers,
  ...assetHandlers,
  ...recordHandlers,
  ...disposalHandlers,
  ...exportHandlers,
  ...importHandlers,
  ...budgetHandlers,
  ...scoreHandlers,
  ...chartHandlers,
  ...taskHandlers,
  ...dispatchHandlers,
  ...planHandlers,
  ...stocktakeHandlers,
  ...labelHandlers,
  ...contractHandlers,
  ...bookValueHandlers,
};
