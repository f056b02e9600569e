/**
 * Resolves once the first graph is on screen: work the first screen does not need (the pipeline
 * editor's code) waits for it, so it never competes with that screen for the CPU.
 */
let markPainted: () => void = () => undefined;
export const firstGraphPainted = new Promise<void>((resolve) => (markPainted = resolve));

export function graphPainted(): void {
  markPainted();
}
