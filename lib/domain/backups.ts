export interface BackupInfo {
  name: string;
  kind: 'daily' | 'manual' | 'migration' | 'before-restore' | 'uploaded';
  at: string;
  bytes: number;
}

export interface BackupPreview extends BackupInfo {
  /** The integrity check's result in words: 完好, or what failed. */
  integrity: string;
  integrityOk: boolean;
  /** Active administrators of the whole ledger; a backup without one cannot be restored. */
  admins: number;
  agencies: number;
  assets: number;
  users: number;
  lastChange: { at: string; actor: string } | null;
}
