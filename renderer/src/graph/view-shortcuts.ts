/**
 * Netron's view shortcuts, so its users' hands keep working: Ctrl/Cmd+D attributes, +I weights,
 * +U names, +K horizontal, +M mouse wheel, +Enter model properties, +Shift+E PNG, +Alt+E SVG;
 * Shift+Up/Down zoom, Shift+Backspace actual size. Ctrl/Cmd+F (find) lives with the search box.
 */
export type ViewAction =
  | 'toggle-attributes'
  | 'toggle-weights'
  | 'toggle-names'
  | 'toggle-direction'
  | 'toggle-wheel'
  | 'model-properties'
  | 'export-png'
  | 'export-svg'
  | 'zoom-in'
  | 'zoom-out'
  | 'actual-size';

export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
}

const WITH_COMMAND: Record<string, ViewAction> = {
  d: 'toggle-attributes',
  i: 'toggle-weights',
  u: 'toggle-names',
  k: 'toggle-direction',
  m: 'toggle-wheel',
  enter: 'model-properties',
};

export function viewActionOf(e: KeyPress): ViewAction | undefined {
  const key = e.key.toLowerCase();
  if (e.ctrlKey || e.metaKey) {
    if (key === 'e' && e.shiftKey && !e.altKey) return 'export-png';
    if (key === 'e' && e.altKey && !e.shiftKey) return 'export-svg';
    return e.shiftKey || e.altKey ? undefined : WITH_COMMAND[key];
  }
  if (e.shiftKey && !e.altKey) {
    if (key === 'arrowup') return 'zoom-in';
    if (key === 'arrowdown') return 'zoom-out';
    if (key === 'backspace') return 'actual-size';
  }
  return undefined;
}

/** Typing in a field keeps its own keys (Backspace, arrows); only command shortcuts reach the view there. */
export function isTypingTarget(target: EventTarget | null): boolean {
  const el = target as { tagName?: string; isContentEditable?: boolean } | null;
  return !!el && (el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT' || el.isContentEditable === true);
}
