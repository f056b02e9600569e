import type { Reply } from '../../../shared/api/errors.js';

/** A reply the browser-mode server embedded in the page, for the call the boot makes first. */
export interface BootReply {
  method: string;
  args: unknown;
  reply: Reply<unknown>;
}

/** The same arguments, whatever the order of their keys. */
function sameArgs(a: unknown, b: unknown): boolean {
  const text = (v: unknown) => (typeof v === 'object' && v !== null ? JSON.stringify(v, Object.keys(v).sort()) : JSON.stringify(v ?? {}));
  return text(a) === text(b ?? {});
}

/**
 * The replies embedded in the page (electron/server/server.ts puts them there), each handed out once:
 * the first call with that method and those arguments takes it, later ones go to the engine. Reading
 * them costs no round trip, so the graph can be laid out before React first renders.
 */
export class BootReplies {
  private readonly replies: BootReply[];

  constructor(replies: BootReply[]) {
    this.replies = replies;
  }

  /** Reads and removes the page's embedded replies; none when the page has none or they do not parse. */
  static fromPage(): BootReplies {
    const element = document.getElementById('boot-data');
    if (!element) return new BootReplies([]);
    const text = element.textContent ?? '';
    element.remove();
    try {
      const parsed: unknown = JSON.parse(text);
      return new BootReplies(Array.isArray(parsed) ? (parsed as BootReply[]) : []);
    } catch {
      return new BootReplies([]);
    }
  }

  take(method: string, args: unknown): Reply<unknown> | undefined {
    const at = this.replies.findIndex((r) => r.method === method && sameArgs(r.args, args));
    if (at < 0) return undefined;
    return this.replies.splice(at, 1)[0]!.reply;
  }
}
