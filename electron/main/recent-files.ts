import { promises as fs } from 'node:fs';
import path from 'node:path';

const LIMIT = 10;

/** The models opened lately, newest first, kept in a small JSON file in the user's app data folder. */
export class RecentFiles {
  private paths: string[] = [];

  constructor(private readonly file: string) {}

  async load(): Promise<string[]> {
    try {
      const data = JSON.parse(await fs.readFile(this.file, 'utf8')) as unknown;
      this.paths = Array.isArray(data) ? data.filter((p): p is string => typeof p === 'string' && path.isAbsolute(p)).slice(0, LIMIT) : [];
    } catch {
      this.paths = []; // first run, or an unreadable file: start over rather than fail
    }
    return this.list();
  }

  list(): string[] {
    return [...this.paths];
  }

  async add(filePath: string): Promise<string[]> {
    this.paths = [filePath, ...this.paths.filter((p) => p !== filePath)].slice(0, LIMIT);
    await fs.mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp`;
    await fs.writeFile(tmp, JSON.stringify(this.paths, null, 1));
    await fs.rename(tmp, this.file);
    return this.list();
  }
}
