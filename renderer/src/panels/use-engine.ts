import { useEffect, useState } from 'react';

/** Loads something from the engine for the current props; stale answers (after props change) are dropped. */
export function useEngine<T>(load: (() => Promise<T>) | undefined, deps: unknown[]): { value?: T; error?: string; loading: boolean } {
  const [state, setState] = useState<{ value?: T; error?: string; loading: boolean }>({ loading: false });
  useEffect(() => {
    if (!load) {
      setState({ loading: false });
      return;
    }
    let live = true;
    setState({ loading: true });
    load().then(
      (value) => live && setState({ value, loading: false }),
      (e: unknown) => live && setState({ error: e instanceof Error ? e.message : String(e), loading: false }),
    );
    return () => {
      live = false;
    };
  }, deps);
  return state;
}
