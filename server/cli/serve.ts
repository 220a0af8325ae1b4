// `hearth serve`: the headless node and web console.
import type { Command } from 'commander';
import { listeningLine } from '../contract/listening';
import type { ProviderName } from '../engine/providers';
import { reachableUrls } from '../lan';
import { configFrom, parseEngineWidth, parsePort, parseProvider, PROVIDER_OPTION_HELP, runCommand } from './common';

interface ServeFlags {
  host?: string;
  port?: number;
  data?: string;
  lan?: boolean;
  tlsCert?: string;
  tlsKey?: string;
  compatPort?: number;
  cluster?: string;
  clusterUser?: string;
  clusterNkey?: string;
  clusterCa?: string;
  clusterTlsCert?: string;
  clusterTlsKey?: string;
  nodeName?: string;
  provider?: ProviderName;
  workers?: number;
  threadsPerWorker?: number;
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('run the node: HTTP API and web console (default http://127.0.0.1:8686)')
    .option('--host <host>', 'interface to listen on (default 127.0.0.1; all interfaces with --lan)')
    .option('--port <port>', 'port; 0 picks a free one', parsePort)
    .option('--data <dir>', 'data directory (default $HEARTH_DATA or ~/.hearth)')
    .option('--lan', 'open the node to the LAN: TLS and API keys required')
    .option('--no-lan', 'loopback only, even when the LAN was turned on from the console')
    .option('--tls-cert <file>', 'PEM certificate (default: self-signed, generated into the data dir)')
    .option('--tls-key <file>', 'PEM private key for --tls-cert')
    .option('--compat-port <port>', "also serve on this port (Umi-OCR's is 1224) for clients with a fixed address", parsePort)
    .option('--cluster <url>', 'join the cluster on this NATS server (nats://host:4222); key from HEARTH_CLUSTER_KEY or <data>/cluster.key')
    .option('--cluster-user <user>', 'NATS user name (password from HEARTH_CLUSTER_PASSWORD)')
    .option('--cluster-nkey <file>', 'file holding the NATS nkey seed, instead of user and password')
    .option('--cluster-ca <file>', 'PEM CA that signed the NATS server certificate (TLS to NATS)')
    .option('--cluster-tls-cert <file>', 'PEM client certificate for a NATS server that asks for one')
    .option('--cluster-tls-key <file>', 'PEM private key for --cluster-tls-cert')
    .option('--node-name <name>', "this node's name in the Cluster view (default the host name)")
    .option('--provider <name>', PROVIDER_OPTION_HELP, parseProvider)
    .option('--workers <n>', 'engine worker threads (default 0: one per core)', parseEngineWidth)
    .option(
      '--threads-per-worker <n>',
      'ONNX threads each engine worker uses (default 0: the cores shared out among the workers)',
      parseEngineWidth,
    )
    .action((flags: ServeFlags) =>
      runCommand(async () => {
        const config = configFrom({
          host: flags.host,
          port: flags.port,
          dataDir: flags.data,
          lan: flags.lan,
          tlsCert: flags.tlsCert,
          tlsKey: flags.tlsKey,
          compatPort: flags.compatPort,
          cluster: {
            url: flags.cluster,
            user: flags.clusterUser,
            nkeySeedFile: flags.clusterNkey,
            tlsCa: flags.clusterCa,
            tlsCert: flags.clusterTlsCert,
            tlsKey: flags.clusterTlsKey,
            name: flags.nodeName,
          },
          engine: { provider: flags.provider, workers: flags.workers, threadsPerWorker: flags.threadsPerWorker },
        });
        // Loaded here so other commands (ocr, keys, --help) don't pay for the HTTP stack at start-up.
        const { exitOnSignals, startServer } = await import('../serve');
        const running = await startServer(config);
        exitOnSignals(running);
        if (running.fingerprint) process.stdout.write(`tls certificate sha256 fingerprint ${running.fingerprint}\n`);
        if (config.lan) {
          const port = Number(new URL(running.url).port);
          for (const url of reachableUrls(config.host, port, true)) process.stdout.write(`reachable at ${url}\n`);
        }
        if (running.compatUrl) process.stdout.write(`compatibility port: ${running.compatUrl}\n`);
        process.stdout.write(listeningLine(running.url));
      }),
    );
}
