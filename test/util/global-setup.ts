/** Prints which backends the suite runs on, and why any is skipped, once per run. */
import { backends } from '../../src/index.js';

export default async function setup(): Promise<void> {
  const rows = await backends();
  const lines = rows.map((b) => `  ${b.name.padEnd(7)} ${b.available ? 'available' : `unavailable: ${b.reason}`}`);
  console.log(`lepton-compute backends under test:\n${lines.join('\n')}`);
}
