import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'onnx_studio_token';
export const TOKEN_HEADER = 'x-onnx-studio-token';

/**
 * Who may talk to the browser-mode server: only this machine (it binds 127.0.0.1), only with the
 * per-launch token, and only pages of this origin. The Host check defeats DNS rebinding, the Origin
 * check cross-site requests, and the token any other local program or page.
 */
export class AccessPolicy {
  constructor(
    readonly token: string,
    private readonly port: () => number,
  ) {}

  private allowedHosts(): string[] {
    const p = this.port();
    return [`127.0.0.1:${p}`, `localhost:${p}`];
  }

  hostAllowed(req: IncomingMessage): boolean {
    return this.allowedHosts().includes(req.headers.host ?? '');
  }

  /** Browsers send Origin on cross-origin and on POST/WebSocket requests; when present it must be ours. */
  originAllowed(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin === undefined) return true;
    return this.allowedHosts().some((h) => origin === `http://${h}`);
  }

  private matches(candidate: string | undefined): boolean {
    if (!candidate) return false;
    const a = Buffer.from(candidate);
    const b = Buffer.from(this.token);
    return a.length === b.length && timingSafeEqual(a, b);
  }

  tokenFromQuery(req: IncomingMessage): string | undefined {
    return new URL(req.url ?? '/', 'http://localhost').searchParams.get('token') ?? undefined;
  }

  /** The token may come as a header (API clients), a cookie (the page's own requests) or ?token= (first load). */
  hasToken(req: IncomingMessage): boolean {
    const header = req.headers[TOKEN_HEADER];
    if (typeof header === 'string' && this.matches(header)) return true;
    if (this.matches(cookieValue(req.headers.cookie, TOKEN_COOKIE))) return true;
    return this.matches(this.tokenFromQuery(req));
  }

  sessionCookie(): string {
    return `${TOKEN_COOKIE}=${this.token}; HttpOnly; SameSite=Strict; Path=/`;
  }
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}
