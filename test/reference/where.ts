/** Reference where(cond, a, b): numpy broadcasting of all three, nonzero cond picks a. */
import { broadcastOffset, broadcastShape, sizeOf, unravel, type Ref } from './nd.js';

export function refWhere(cond: Ref, a: Ref, b: Ref): Ref {
  const shape = broadcastShape(cond.shape, broadcastShape(a.shape, b.shape));
  const data = new Float64Array(sizeOf(shape));
  for (let f = 0; f < data.length; f++) {
    const idx = unravel(f, shape);
    data[f] = cond.data[broadcastOffset(idx, cond.shape)]! !== 0 ? a.data[broadcastOffset(idx, a.shape)]! : b.data[broadcastOffset(idx, b.shape)]!;
  }
  return { data, shape };
}
