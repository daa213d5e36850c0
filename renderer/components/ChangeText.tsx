import { changeLines, type AuditWords } from '../../lib/changes';

/** An entry's change, one field per line. */
export function ChangeText({ entity, before, after, words }: { entity: string; before: unknown; after: unknown; words: AuditWords }) {
  const lines = changeLines(entity, before, after, words);
  return <div title={lines.join('\n')} style={{ whiteSpace: 'pre-line' }}>{lines.join('\n')}</div>;
}
