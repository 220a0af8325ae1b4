// `hearth doctor`: every execution provider candidate on this machine, available or why not, its time on the
// fixed OCR workload, and which one the node runs on (and why).
import type { Command } from 'commander';
import { configFrom, runCommand } from './common';

interface DoctorFlags {
  data?: string;
  json?: boolean;
  measure?: boolean;
}

async function run(flags: DoctorFlags): Promise<void> {
  const config = configFrom({ dataDir: flags.data });
  const [{ chooseProvider }, { choiceLine, providerLabel }] = await Promise.all([
    import('../engine/providerChoice'),
    import('../engine/providers'),
  ]);
  if (!flags.json) process.stderr.write('measuring the execution providers this machine offers (a software GPU can take a minute)…\n');
  const measured = await chooseProvider({ dataDir: config.dataDir, remeasure: flags.measure, full: true });
  const forced = config.engine.provider !== 'auto' ? config.engine.provider : undefined;
  const choice = forced ? { provider: forced, why: 'forced by the provider setting in config.json' } : measured;
  const providers = measured.providers.map((p) => ({
    name: p.name,
    available: p.available,
    ...(p.reason !== undefined ? { reason: p.reason } : {}),
    ...(p.ms !== undefined ? { ms: p.ms } : {}),
    chosen: p.name === choice.provider,
  }));
  if (flags.json) {
    process.stdout.write(`${JSON.stringify({ providers })}\n`);
    return;
  }
  const rows = providers.map((p) => [
    p.name,
    p.available ? 'available' : 'not available',
    p.ms !== undefined ? `${p.ms.toLocaleString('en')} ms` : '–',
    p.chosen ? 'chosen' : '',
    p.reason ?? '',
  ]);
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i].length), ['provider', 'status', 'workload', 'chosen'][i].length));
  const line = (r: string[]): string =>
    `${r
      .slice(0, 4)
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')}  ${r[4]}`.trimEnd();
  const out = [line(['provider', 'status', 'workload', 'chosen', 'why']), ...rows.map(line), '', choiceLine(choice)];
  if (measured.measuredAt) {
    out.push(`measured ${measured.measuredAt}${measured.cached ? ' (kept from before; --measure measures again)' : ''}`);
  }
  out.push(
    `force one with --provider NAME on serve/ocr, or "engine": { "provider": NAME } in config.json (now: ${providerLabel(choice.provider)})`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
}

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('list the execution providers (GPU, CPU) on this machine, their measured speed and which one runs')
    .option('--data <dir>', 'data directory (default $HEARTH_DATA or ~/.hearth)')
    .option('--json', 'one JSON object: { "providers": [{ "name", "available", "reason"?, "ms"?, "chosen" }] }')
    .option('--measure', 'measure again even when a measurement for this machine is kept')
    .action((flags: DoctorFlags) => runCommand(() => run(flags)));
}
