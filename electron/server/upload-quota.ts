import { promises as fs } from 'node:fs';

/**
 * The bytes the browser-mode uploads take on disk, against a limit. The engine deletes an upload when
 * the model opened from it closes, so before each new upload the ledger drops the uploads that are gone.
 */
export class UploadQuota {
  private readonly sizes = new Map<string, number>();

  constructor(
    private readonly blobDir: string,
    readonly maxTotalBytes: number,
  ) {}

  async refresh(): Promise<void> {
    const present = new Set(await fs.readdir(this.blobDir).catch(() => [] as string[]));
    for (const id of [...this.sizes.keys()]) if (!present.has(id)) this.sizes.delete(id);
  }

  held(): number {
    let total = 0;
    for (const n of this.sizes.values()) total += n;
    return total;
  }

  /** Records an upload's size so far; false when that takes the total over the limit. */
  record(blobId: string, bytes: number): boolean {
    this.sizes.set(blobId, bytes);
    return this.held() <= this.maxTotalBytes;
  }

  forget(blobId: string): void {
    this.sizes.delete(blobId);
  }
}
