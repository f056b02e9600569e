/**
 * A Map that keeps at most `capacity` entries, dropping the least recently used. It is a Map, so a
 * cache typed as one (the calibration cache) takes it unchanged; reading an entry makes it recent.
 */
export class LruMap<K, V> extends Map<K, V> {
  constructor(readonly capacity: number) {
    super();
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('capacity must be a positive integer');
  }

  override get(key: K): V | undefined {
    if (!super.has(key)) return undefined;
    const value = super.get(key) as V;
    super.delete(key);
    super.set(key, value);
    return value;
  }

  override set(key: K, value: V): this {
    super.delete(key);
    super.set(key, value);
    // Map iterates in insertion order, so the first key is the least recently used.
    while (this.size > this.capacity) super.delete(super.keys().next().value as K);
    return this;
  }
}
