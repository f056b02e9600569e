import type { ModelProto } from '../onnx/types.js';

/** One applied edit: enough to undo it, redo it, and replay it (command and parameters). */
export interface HistoryEntry {
  label: string;
  command: string;
  params: unknown;
  before: ModelProto;
  after: ModelProto;
}

/**
 * Undo/redo over immutable models. Commands return a new model sharing every part they did not change,
 * so keeping the model before and after an edit costs only what the edit touched, and undo restores
 * the exact previous model (an identical graph, not a re-derived one).
 */
export class EditHistory {
  private done: HistoryEntry[] = [];
  private undone: HistoryEntry[] = [];

  push(entry: HistoryEntry): void {
    this.done.push(entry);
    this.undone = [];
  }

  undo(): HistoryEntry | undefined {
    const e = this.done.pop();
    if (e) this.undone.push(e);
    return e;
  }

  redo(): HistoryEntry | undefined {
    const e = this.undone.pop();
    if (e) this.done.push(e);
    return e;
  }

  /** Labels for the UI: what Undo and Redo would do. */
  get undoLabel(): string | undefined {
    return this.done.at(-1)?.label;
  }

  get redoLabel(): string | undefined {
    return this.undone.at(-1)?.label;
  }

  /** The applied commands in order: the session's recipe. */
  log(): { command: string; params: unknown; label: string }[] {
    return this.done.map(({ command, params, label }) => ({ command, params, label }));
  }
}
