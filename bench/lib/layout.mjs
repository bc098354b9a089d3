/** Layout changes between lepton-compute's NCHW/OIHW and TensorFlow.js's NHWC/HWIO (done outside timing). */

/** `data` of shape `shape` with its axes permuted: result axis i is input axis perm[i]. */
export function permute(data, shape, perm) {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]);
  const inStrides = new Array(rank);
  inStrides[rank - 1] = 1;
  for (let i = rank - 2; i >= 0; i--) inStrides[i] = inStrides[i + 1] * shape[i + 1];
  const strides = perm.map((p) => inStrides[p]);
  const out = new data.constructor(data.length);
  const index = new Array(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let i = 0; i < rank; i++) src += index[i] * strides[i];
    out[o] = data[src];
    for (let i = rank - 1; i >= 0; i--) {
      if (++index[i] < outShape[i]) break;
      index[i] = 0;
    }
  }
  return out;
}

export const nchwToNhwc = (data, [n, c, h, w]) => permute(data, [n, c, h, w], [0, 2, 3, 1]);
export const nhwcToNchw = (data, [n, c, h, w]) => permute(data, [n, h, w, c], [0, 3, 1, 2]);
/** OIHW conv weights to TensorFlow's HWIO. */
export const oihwToHwio = (data, [o, i, h, w]) => permute(data, [o, i, h, w], [2, 3, 1, 0]);
