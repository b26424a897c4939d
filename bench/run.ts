// `npm run bench`: runs every bench/*.bench.ts and writes the results table to BENCHMARKS.md, with the machine
// and the date, so a number in the README can always be traced to a run.
import { readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import type { Benchmark, BenchRow } from './harness.js';

const dir = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

function format(value: number): string {
  if (value >= 1000) return Math.round(value).toLocaleString('en-US');
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

const sections: string[] = [];
let failed = 0;
for (const file of files) {
  const bench = (await import(pathToFileURL(join(dir, file)).href)).default as Benchmark;
  process.stderr.write(`bench: ${bench.title} …\n`);
  let rows: BenchRow[];
  try {
    rows = await bench.run();
  } catch (error) {
    rows = [{ name: `${file} failed`, median: NaN, unit: '', note: (error as Error).message, met: false }];
  }
  failed += rows.filter((r) => r.met === false).length;
  sections.push(
    [
      `## ${bench.title}`,
      '',
      '| measurement | median | target | met | note |',
      '|-------------|--------|--------|-----|------|',
      ...rows.map(
        (r) =>
          `| ${r.name} | ${Number.isNaN(r.median) ? '—' : `${format(r.median)} ${r.unit}`} | ${r.target ?? ''} | ${r.met === undefined ? '' : r.met ? '✅' : '❌'} | ${r.note ?? ''} |`,
      ),
    ].join('\n'),
  );
  for (const r of rows)
    process.stderr.write(`  ${r.name}: ${format(r.median)} ${r.unit}${r.met === false ? '  (target missed)' : ''}\n`);
}

const cpu = cpus();
const machine = `${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, ${process.platform}`;
const output = [
  '# Benchmarks',
  '',
  'Written by `npm run bench`. Medians of repeated runs; targets are checked against a reference measured in the',
  'same run where the issue defines one as a ratio.',
  '',
  `- machine: ${machine}`,
  `- date: ${new Date().toISOString().slice(0, 10)}`,
  '',
  ...sections.flatMap((s) => [s, '']),
].join('\n');
if (only.length === 0) writeFileSync(join(dir, '..', 'BENCHMARKS.md'), output);
else process.stdout.write(output);
process.exitCode = failed > 0 ? 1 : 0;
