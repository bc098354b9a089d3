/**
 * ONNX models for the onnxruntime-node peer, written as protobuf bytes by a small encoder (no
 * protobuf or onnx package needed). Only what the benches use: a graph of nodes with int and ints
 * attributes, float32/float64 initializers as raw little-endian bytes, and inputs/outputs with
 * static shapes. Field numbers are those of onnx/onnx.proto (IR version 8, opset 13).
 */

const DATA_TYPE = { float32: 1, float64: 11 };
const ATTR_INT = 2;
const ATTR_INTS = 7;

/** Protobuf wire-format writer: fields are appended in call order. */
class Writer {
  constructor() {
    this.chunks = [];
    this.length = 0;
  }

  raw(bytes) {
    this.chunks.push(bytes);
    this.length += bytes.length;
    return this;
  }

  varint(value) {
    // Non-negative values only (the models never need negative ints); BigInt keeps 64 bits exact.
    let v = BigInt(value);
    const out = [];
    do {
      let byte = Number(v & 0x7fn);
      v >>= 7n;
      if (v > 0n) byte |= 0x80;
      out.push(byte);
    } while (v > 0n);
    return this.raw(Uint8Array.from(out));
  }

  tag(field, wire) {
    return this.varint((field << 3) | wire);
  }

  int(field, value) {
    return this.tag(field, 0).varint(value);
  }

  bytes(field, bytes) {
    return this.tag(field, 2).varint(bytes.length).raw(bytes);
  }

  string(field, text) {
    return this.bytes(field, new TextEncoder().encode(text));
  }

  message(field, build) {
    const inner = new Writer();
    build(inner);
    return this.bytes(field, inner.finish());
  }

  /** A packed repeated varint field. */
  packed(field, values) {
    const inner = new Writer();
    for (const v of values) inner.varint(v);
    return this.bytes(field, inner.finish());
  }

  finish() {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }
}

/** TypeProto { tensor_type { elem_type, shape { dim { dim_value } } } } for a ValueInfoProto. */
function valueInfo(w, name, dtype, shape) {
  w.string(1, name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, DATA_TYPE[dtype]);
      tensor.message(2, (s) => {
        for (const d of shape) s.message(1, (dim) => dim.int(1, d));
      });
    }),
  );
}

/** TensorProto with raw_data (little-endian, which typed arrays are on every platform Node runs on). */
function initializer(w, name, dtype, shape, data) {
  w.packed(1, shape);
  w.int(2, DATA_TYPE[dtype]);
  w.string(8, name);
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  w.bytes(9, bytes);
}

function attribute(w, name, value) {
  w.string(1, name);
  if (Array.isArray(value)) {
    w.packed(8, value);
    w.int(20, ATTR_INTS);
  } else {
    w.int(3, value);
    w.int(20, ATTR_INT);
  }
}

/**
 * A ModelProto as bytes.
 * @param {{ nodes: { op: string, inputs: string[], outputs: string[], attrs?: Record<string, number|number[]> }[],
 *   inputs: { name: string, dtype: string, shape: number[] }[],
 *   outputs: { name: string, dtype: string, shape: number[] }[],
 *   initializers?: { name: string, dtype: string, shape: number[], data: Float32Array|Float64Array }[] }} graph
 */
export function onnxModel(graph) {
  const w = new Writer();
  w.int(1, 8); // ir_version
  w.string(2, 'lepton-compute bench');
  w.message(7, (g) => {
    graph.nodes.forEach((node, i) => {
      g.message(1, (n) => {
        for (const input of node.inputs) n.string(1, input);
        for (const output of node.outputs) n.string(2, output);
        n.string(3, `${node.op.toLowerCase()}_${i}`);
        n.string(4, node.op);
        for (const [name, value] of Object.entries(node.attrs ?? {})) n.message(5, (a) => attribute(a, name, value));
      });
    });
    g.string(2, 'bench');
    for (const t of graph.initializers ?? []) g.message(5, (x) => initializer(x, t.name, t.dtype, t.shape, t.data));
    for (const v of graph.inputs) g.message(11, (x) => valueInfo(x, v.name, v.dtype, v.shape));
    for (const v of graph.outputs) g.message(12, (x) => valueInfo(x, v.name, v.dtype, v.shape));
  });
  w.message(8, (o) => {
    o.string(1, '');
    o.int(2, 13);
  });
  return w.finish();
}

/** C = A·B with both operands as inputs. */
export function matmulModel(dtype, aShape, bShape, outShape) {
  return onnxModel({
    nodes: [{ op: 'MatMul', inputs: ['a', 'b'], outputs: ['c'] }],
    inputs: [
      { name: 'a', dtype, shape: aShape },
      { name: 'b', dtype, shape: bShape },
    ],
    outputs: [{ name: 'c', dtype, shape: outShape }],
  });
}

/** y = conv(x, w) (NCHW, OIHW weights as an initializer), symmetric padding. */
export function conv2dModel(dtype, xShape, w, wShape, { pad, stride = 1, groups = 1, outShape }) {
  return onnxModel({
    nodes: [
      {
        op: 'Conv',
        inputs: ['x', 'w'],
        outputs: ['y'],
        attrs: { kernel_shape: wShape.slice(2), pads: [pad, pad, pad, pad], strides: [stride, stride], group: groups },
      },
    ],
    inputs: [{ name: 'x', dtype, shape: xShape }],
    outputs: [{ name: 'y', dtype, shape: outShape }],
    initializers: [{ name: 'w', dtype, shape: wShape, data: w }],
  });
}

/**
 * The bench's small CNN: Conv(3×3, pad 1) + bias → Relu → MaxPool 2×2 → Flatten → Gemm + bias →
 * Relu → Gemm + bias → Sigmoid, weights as initializers (dense weights stored [in, out]).
 */
export function cnnModel(dtype, p) {
  const { batch, inC, h, w, filters, hidden } = p.dims;
  const features = filters * (h / 2) * (w / 2);
  return onnxModel({
    nodes: [
      { op: 'Conv', inputs: ['x', 'cw', 'cb'], outputs: ['c'], attrs: { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [1, 1] } },
      { op: 'Relu', inputs: ['c'], outputs: ['cr'] },
      { op: 'MaxPool', inputs: ['cr'], outputs: ['p'], attrs: { kernel_shape: [2, 2], strides: [2, 2] } },
      { op: 'Flatten', inputs: ['p'], outputs: ['f'], attrs: { axis: 1 } },
      { op: 'Gemm', inputs: ['f', 'w1', 'b1'], outputs: ['d1'] },
      { op: 'Relu', inputs: ['d1'], outputs: ['d1r'] },
      { op: 'Gemm', inputs: ['d1r', 'w2', 'b2'], outputs: ['d2'] },
      { op: 'Sigmoid', inputs: ['d2'], outputs: ['y'] },
    ],
    inputs: [{ name: 'x', dtype, shape: [batch, inC, h, w] }],
    outputs: [{ name: 'y', dtype, shape: [batch, 1] }],
    initializers: [
      { name: 'cw', dtype, shape: [filters, inC, 3, 3], data: p.cw },
      { name: 'cb', dtype, shape: [filters], data: p.cb },
      { name: 'w1', dtype, shape: [features, hidden], data: p.w1 },
      { name: 'b1', dtype, shape: [hidden], data: p.b1 },
      { name: 'w2', dtype, shape: [hidden, 1], data: p.w2 },
      { name: 'b2', dtype, shape: [1], data: p.b2 },
    ],
  });
}
