import { useCallback, useEffect, useState } from 'react';
import type { Input, OpName, Output } from '../../api/contract';
import { client } from '../api';

/** Calls a read operation whenever `input` changes (compared as JSON) and `enabled`; `reload` calls it again. */
export function useApi<N extends OpName>(name: N, input: Input<N>, enabled = true) {
  const key = JSON.stringify(input);
  const [state, setState] = useState<{ data?: Output<N>; error?: Error; loading: boolean }>({ loading: true });
  const [nonce, setNonce] = useState(0);
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    client.call(name, JSON.parse(key)).then(
      (data) => live && setState({ data, loading: false }),
      (error: Error) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [name, key, nonce, enabled]);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { ...state, reload };
}
