/**
 * How an op's output rows are split across threads: contiguous ranges that cover [0, rows) once,
 * balanced to ±1 row, never empty.
 */

/** `parts` contiguous ranges covering [0, rows), sizes differing by at most one. */
export function partition(rows: number, parts: number): Array<[begin: number, end: number]> {
  const count = Math.max(0, Math.min(parts, rows));
  const ranges: Array<[number, number]> = [];
  const base = Math.floor(rows / Math.max(count, 1));
  const extra = rows - base * count;
  let begin = 0;
  for (let i = 0; i < count; i++) {
    const end = begin + base + (i < extra ? 1 : 0);
    ranges.push([begin, end]);
    begin = end;
  }
  return ranges;
}

/**
 * The cost model: how many parts an op of `flops` floating-point operations over `rows` rows is
 * worth splitting into. Below `minFlopsPerPart` per part the dispatch (microseconds) would cost
 * more than the parallel work saves, so the op stays whole.
 */
export function planParts(rows: number, flops: number, threads: number, minFlopsPerPart: number): number {
  if (threads <= 1 || rows <= 1) return 1;
  const byWork = minFlopsPerPart <= 0 ? threads : Math.floor(flops / minFlopsPerPart);
  return Math.max(1, Math.min(threads, rows, byWork));
}
