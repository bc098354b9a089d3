/**
 * A worker's memory cache of decoded operands, keyed by payload sha256 and bounded by bytes
 * (least recently used goes first). Concurrent jobs asking for the same payload share one fetch.
 */
import type { Tensor } from '../index.js';

/** What the cache did so far. */
export interface CacheStats {
  /** Operands served from memory (including a fetch already in flight). */
  hits: number;
  /** Operands fetched from Redis. */
  misses: number;
  /** Bytes held now, and the bound. */
  bytes: number;
  maxBytes: number;
  entries: number;
  evictions: number;
}

interface Entry {
  readonly value: Promise<Tensor>;
  bytes: number;
}

export class OperandCache {
  private readonly entries = new Map<string, Entry>();
  private held = 0;
  private hits = 0;
  private misses = 0;
  private evictions = 0;

  constructor(readonly maxBytes: number) {}

  /** Whether `key` is held (or being fetched); counts nothing. */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** The operand for `key`, fetched by `load` on a miss. A failed fetch is not kept. */
  get(key: string, bytes: number, load: () => Promise<Tensor>): Promise<Tensor> {
    const found = this.entries.get(key);
    if (found) {
      this.hits++;
      this.entries.delete(key);
      this.entries.set(key, found);
      return found.value;
    }
    this.misses++;
    const value = load();
    if (bytes > this.maxBytes) return value;
    const entry: Entry = { value, bytes };
    this.entries.set(key, entry);
    this.held += bytes;
    value.catch(() => {
      if (this.entries.get(key) === entry) {
        this.entries.delete(key);
        this.held -= bytes;
      }
    });
    this.evict();
    return value;
  }

  private evict(): void {
    for (const [key, entry] of this.entries) {
      if (this.held <= this.maxBytes) break;
      this.entries.delete(key);
      this.held -= entry.bytes;
      this.evictions++;
    }
  }

  stats(): CacheStats {
    return { hits: this.hits, misses: this.misses, bytes: this.held, maxBytes: this.maxBytes, entries: this.entries.size, evictions: this.evictions };
  }
}
