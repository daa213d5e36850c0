import { Alert } from 'antd';
import { formatProblem, type Problem } from '../../lib/problems';

/** Problems the backend refused an operation with, each with its place. */
export function Problems({ title, problems }: { title: string; problems: Problem[] }) {
  return (
    <Alert
      type="error"
      showIcon
      title={title}
      description={
        <ul data-testid="problems" style={{ margin: 0, paddingLeft: 18, maxHeight: 240, overflow: 'auto' }}>
          {problems.map((p, i) => <li key={i}>{formatProblem(p)}</li>)}
        </ul>
      }
    />
  );
}
