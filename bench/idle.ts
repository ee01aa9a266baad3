/**
 * What a server costs while nothing happens: the CPU a wall's instance spends per second
 * with no events and no clients (its evaluation ticks, alert engine, timers). It is paid by
 * every instance of a cluster all the time, and it is the share bench/cluster.ts has to
 * subtract, so it is measured on its own here.
 *
 * Each round samples, one after another in a fresh process each:
 *   - the baseline: the same server with no KPIs (engine, HTTP, timers, nothing to evaluate);
 *   - the product: the demo company's model (northstar.yaml: 24 KPIs, period targets, paced);
 *   - with --before <checkout>: the product as that checkout's server (an A/B in one invocation).
 * Printed: CPU-s per second by thread, and the ratios.
 *
 *   node --import tsx bench/idle.ts [--seconds 30] [--rounds 2] [--settle 10] [--before /path/to/other/checkout]
 */
import { cpuBreakdown, machineNote, numberOption, sleep, spawnServer, threadCpu, waitReady, wantsHelp } from './support.ts';

if (wantsHelp()) {
  console.log('usage: node --import tsx bench/idle.ts [--seconds 30] [--rounds 2] [--settle 10] [--before /path/to/other/checkout]');
  process.exit(0);
}
const seconds = numberOption('seconds', 30);
const rounds = Math.round(numberOption('rounds', 2));
const settle = numberOption('settle', 10);
const beforeAt = process.argv.indexOf('--before');
const beforeRoot = beforeAt > 0 ? process.argv[beforeAt + 1] : undefined;

interface Variant {
  name: string;
  configYaml?: string;
  root?: string;
}
const variants: Variant[] = [
  { name: 'baseline (no KPIs)', configYaml: 'objectives: []\nkpis: []\n' },
  { name: 'product (demo model)' },
  ...(beforeRoot ? [{ name: `before (${beforeRoot})`, root: beforeRoot }] : []),
];

async function sample(v: Variant): Promise<{ total: number; main: number; text: string }> {
  const server = await spawnServer({}, { configYaml: v.configYaml, root: v.root });
  try {
    await waitReady(server);
    await sleep(settle * 1000);
    const before = threadCpu(server.pid);
    const t0 = performance.now();
    await sleep(seconds * 1000);
    const after = threadCpu(server.pid);
    const elapsed = (performance.now() - t0) / 1000;
    const b = cpuBreakdown(before, after, elapsed);
    const main = ((after.get('main/JS') ?? 0) - (before.get('main/JS') ?? 0)) / elapsed;
    // every thread, the small ones too: idle, they are most of it (cpuBreakdown's text leaves them out)
    let total = 0;
    for (const [name, cpu] of after) total += Math.max(0, cpu - (before.get(name) ?? 0));
    return { total: total / elapsed, main, text: b.text };
  } finally {
    await server.stop();
  }
}

console.log(`idle: ${rounds} round(s) of ${variants.length} servers, ${seconds} s each after a ${settle} s settle; ${machineNote()}`);
const results = new Map<string, Array<{ total: number; main: number }>>();
for (let r = 0; r < rounds; r++) {
  // every other round backwards, so a drift in the box's load falls on each variant alike
  const order = r % 2 === 0 ? variants : [...variants].reverse();
  for (const v of order) {
    const s = await sample(v);
    console.log(`  round ${r + 1}, ${v.name}: ${s.text}; main thread ${s.main.toFixed(3)} CPU-s/s`);
    results.set(v.name, [...(results.get(v.name) ?? []), s]);
  }
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const summary = variants.map((v) => {
  const rs = results.get(v.name)!;
  return { name: v.name, total: mean(rs.map((x) => x.total)), main: mean(rs.map((x) => x.main)) };
});
console.log(`\nmeans of ${rounds} round(s), CPU-s per second idle (whole process / main thread):`);
for (const s of summary) console.log(`  ${s.name}: ${s.total.toFixed(3)} / ${s.main.toFixed(3)}`);
const [base, product, before] = summary;
console.log(
  `  product − baseline (what evaluating the model costs idle): ${(product!.total - base!.total).toFixed(3)} CPU-s/s, main thread ${(product!.main - base!.main).toFixed(3)}`,
);
if (before) {
  console.log(
    `  product ÷ before: whole process ×${(product!.total / before.total).toFixed(2)}, main thread ×${(product!.main / before.main).toFixed(2)}; ` +
      `above the baseline ×${((product!.total - base!.total) / (before.total - base!.total)).toFixed(2)}`,
  );
}
