// The desktop app's way out of a ledger that will not open. No Electron here: the dialogs come in
// as `RecoveryUi`, so that the flow runs (and is tested) in plain Node.
import { lockLedger, newestBackup, restoreBeforeOpening } from '../../server/ledger';
import { formatInstant } from '../../lib/clock';
import { formatProblem, UserError } from '../../lib/problems';

export interface RecoveryUi {
  /** Shows why the ledger did not open with these choices; answers the index of the one taken. */
  ask(message: string, buttons: string[]): Promise<number>;
  /** Another ledger file to open, or null. */
  chooseFile(): Promise<string | null>;
  showError(title: string, message: string): void;
}

export const explain = (e: unknown) => (e instanceof UserError ? e.problems.map(formatProblem).join('\n') : String(e));

const RETRY = '重试';
const OTHER = '打开其他台账文件…';
const QUIT = '退出';

/**
 * Opens the default ledger with `open`; when it will not open (damaged, from a newer app), offers
 * to restore the newest backup, open another file, or quit. The ledger's lock is held from the
 * first attempt through the restore to the reopening, so no other program can open the file while
 * it is replaced; while another program owns it, only retrying, another file, or quitting is
 * offered. Answers what `open` gave, or null when the user quits.
 */
export async function openAtStart<T>(file: string, open: (file: string) => T, ui: RecoveryUi, timeZone: string): Promise<T | null> {
  for (;;) {
    let release: () => void;
    try {
      release = lockLedger(file);
    } catch (e) {
      const choice = [RETRY, OTHER, QUIT][await ui.ask(explain(e), [RETRY, OTHER, QUIT])];
      if (choice === RETRY) continue;
      if (choice === QUIT) return null;
      const other = await openOther(open, ui);
      if (other !== null) return other;
      continue;
    }
    try {
      return open(file);
    } catch (e) {
      const newest = newestBackup(file);
      const restore = newest ? `从最近的备份恢复(${formatInstant(newest.at, timeZone).slice(0, 16)})` : null;
      const buttons = [...(restore ? [restore] : []), OTHER, QUIT];
      const choice = buttons[await ui.ask(explain(e), buttons)];
      if (choice === restore) {
        try {
          await restoreBeforeOpening(file, newest!.name);
        } catch (again) {
          ui.showError('无法从备份恢复', explain(again));
        }
      } else if (choice === OTHER) {
        const other = await openOther(open, ui);
        if (other !== null) return other;
      } else {
        return null;
      }
    } finally {
      release();
    }
  }
}

async function openOther<T>(open: (file: string) => T, ui: RecoveryUi): Promise<T | null> {
  const chosen = await ui.chooseFile();
  if (!chosen) return null;
  try {
    return open(chosen);
  } catch (e) {
    ui.showError('无法打开该台账文件', explain(e));
    return null;
  }
}
