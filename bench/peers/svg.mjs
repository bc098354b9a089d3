/**
 * Renders a Vega-Lite spec to an SVG string in Node, without a browser (vega's headless
 * renderer). Lives in bench/peers so that 'vega' and 'vega-lite' resolve to this package's
 * node_modules: they are the bench's (dev) dependencies, not the library's.
 */
import * as vega from 'vega';
import * as vl from 'vega-lite';

export const versions = { vega: vega.version, vegaLite: vl.version };

export async function toSvg(spec) {
  const { spec: compiled } = vl.compile(spec, { logger: vega.logger(vega.Error) });
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
