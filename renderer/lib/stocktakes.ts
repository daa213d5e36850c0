import { useCallback, useEffect, useState } from 'react';
import type { AgencyNode, Input, Output } from '../../api/contract';
import type { ScanOutcome } from '../../lib/domain/stocktakes';
import type { stocktakeOps } from '../../api/stocktakes';
import { client } from '../api';
import { useMay } from './session';

export type StocktakeOp = keyof typeof stocktakeOps;
export type StocktakeInput<N extends StocktakeOp> = Input<N>;
export type StocktakeOutput<N extends StocktakeOp> = Output<N>;

export const callStocktake = <N extends StocktakeOp>(name: N, input: Input<N>): Promise<Output<N>> => client.call(name, input);

/** Whether the signed-in user may call the operation: the very check the server makes before the agency scope. */
export const useMayStocktake = (name: StocktakeOp): boolean => useMay(name);

/** Like useApi, for a stocktake read; `every` (ms) reads it again on a timer, without showing it as loading. */
export function useStocktakeApi<N extends StocktakeOp>(name: N, input: StocktakeInput<N>, every?: number) {
  const key = JSON.stringify(input);
  const [state, setState] = useState<{ data?: StocktakeOutput<N>; error?: Error; loading: boolean }>({ loading: true });
  const [nonce, setNonce] = useState(0);
  useEffect(() => {
    let live = true;
    // A timed re-read keeps what is shown (no spinner every few seconds); only a first read shows as loading.
    setState((s) => ({ ...s, loading: s.data === undefined }));
    callStocktake(name, JSON.parse(key)).then(
      (data) => live && setState({ data, loading: false }),
      (error: Error) => live && setState((s) => ({ data: s.data, error, loading: false })),
    );
    return () => {
      live = false;
    };
  }, [name, key, nonce]);
  useEffect(() => {
    if (!every) return;
    const timer = setInterval(() => document.visibilityState === 'visible' && setNonce((n) => n + 1), every);
    return () => clearInterval(timer);
  }, [every]);
  const reload = useCallback(() => setNonce((n) => n + 1), []);
  return { ...state, reload };
}

/** Each outcome's colour: 重复 a warning, 状态不符 an error, 位置不符 and 盘盈 to be settled after closing. */
export const OUTCOME_COLORS: Record<ScanOutcome, string> = { matched: 'green', misplaced: 'orange', surplus: 'purple', duplicate: 'gold', status_mismatch: 'red' };

/** The agencies of a subtree: the root and everything under it. */
export function subtreeOf(agencies: AgencyNode[], root: string): AgencyNode[] {
  const codes = new Set([root]);
  for (let grew = true; grew;) {
    grew = false;
    for (const a of agencies) if (a.parentCode && codes.has(a.parentCode) && !codes.has(a.code)) (codes.add(a.code), grew = true);
  }
  return agencies.filter((a) => codes.has(a.code));
}
