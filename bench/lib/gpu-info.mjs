/**
 * Child process that describes the WebGPU adapter Node's `webgpu` package (Dawn) gives, the way
 * lepton-compute's webgpu backend asks for it: prints one JSON line (or { error }).
 */
const name = 'webgpu';
try {
  const { create } = await import(name);
  const gpu = create([]);
  const adapter = await gpu.requestAdapter();
  if (!adapter) {
    console.log(JSON.stringify({ error: 'no adapter' }));
  } else {
    const i = adapter.info ?? {};
    const fallback = Boolean(adapter.isFallbackAdapter ?? i.isFallbackAdapter);
    const software = fallback || /swiftshader|llvmpipe|lavapipe/i.test(`${i.architecture} ${i.description} ${i.device}`);
    console.log(JSON.stringify({ vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description, isFallbackAdapter: fallback, software }));
  }
} catch (error) {
  console.log(JSON.stringify({ error: String(error?.message ?? error) }));
}
process.exit(0);
