// ethtool 6.1 for the emulated devices: `ethtool DEV` (link settings), `-i` (driver), `-S`
// (statistics), `-k` (features), with the real tool's texts and exit statuses. veth answers as
// drivers/net/veth.c does (driver veth 1.0, peer_ifindex and the per-queue XDP counters), the
// bridge as net/bridge/br_device.c (driver bridge 2.3, no statistics), lo has neither.
import type { Command, CommandContext } from './command.ts';
import type { Device, Netns } from '../kernel/types.ts';
import { devByName } from '../kernel/dev.ts';

const BAD_ARGS = 'ethtool: bad command line argument(s)\nFor more information run ethtool -h\n';

function findDev(ctx: CommandContext, name: string): { ns: Netns; d: Device } | undefined {
  const ns = ctx.m.world.netns[ctx.proc.netns];
  const d = ns && devByName(ns, name);
  return d && { ns: ns!, d };
}

/** `ethtool -i` (ETHTOOL_GDRVINFO) */
function driverInfo(ctx: CommandContext, dev: string): number {
  const f = findDev(ctx, dev);
  if (!f) {
    ctx.stderr.write('Cannot get driver information: No such device\n');
    return 71;
  }
  const { d } = f;
  if (d.kind === 'loopback') {
    ctx.stderr.write('Cannot get driver information: Operation not supported\n');
    return 71;
  }
  const veth = d.kind === 'veth';
  ctx.stdout.write(
    `driver: ${veth ? 'veth' : 'bridge'}\n` +
      `version: ${veth ? '1.0' : '2.3'}\n` +
      `firmware-version: ${veth ? '' : 'N/A'}\n` +
      'expansion-rom-version: \n' +
      `bus-info: ${veth ? '' : 'N/A'}\n` +
      `supports-statistics: ${veth ? 'yes' : 'no'}\n` +
      'supports-test: no\n' +
      'supports-eeprom-access: no\n' +
      'supports-register-dump: no\n' +
      'supports-priv-flags: no\n',
  );
  return 0;
}

/** `ethtool -S` (ETHTOOL_GSTRINGS + ETHTOOL_GSTATS): veth_get_ethtool_stats */
function statistics(ctx: CommandContext, dev: string): number {
  const f = findDev(ctx, dev);
  if (!f) {
    ctx.stderr.write('Cannot get stats strings information: No such device\n');
    return 96;
  }
  const { d } = f;
  if (d.kind !== 'veth') {
    ctx.stderr.write('no stats available\n');
    return 94;
  }
  const peer = d.peer ? d.peer.ifindex : 0;
  let out = 'NIC statistics:\n';
  out += `     peer_ifindex: ${peer}\n`;
  const rxq = Math.max(1, d.numRxQueues);
  const txq = Math.max(1, d.numTxQueues);
  for (let q = 0; q < rxq; q++) {
    for (const s of ['xdp_packets', 'xdp_bytes', 'drops', 'xdp_redirect', 'xdp_drops', 'xdp_tx', 'xdp_tx_errors']) out += `     rx_queue_${q}_${s}: 0\n`;
  }
  for (let q = 0; q < txq; q++) {
    for (const s of ['xdp_xmit', 'xdp_xmit_errors']) out += `     tx_queue_${q}_${s}: 0\n`;
  }
  ctx.stdout.write(out);
  return 0;
}

/** `ethtool DEV`: link modes, speed (veth reports 10000Mb/s full duplex), link state. */
function settings(ctx: CommandContext, dev: string): number {
  const f = findDev(ctx, dev);
  if (!f) {
    // five netlink requests fail on stderr; stdout (a pipe: flushed at exit) comes last
    const e = 'netlink error: no device matches name (offset 24)\nnetlink error: No such device\n';
    ctx.stderr.write(e.repeat(5));
    ctx.stdout.write('No data available\n');
    return 75;
  }
  const { d } = f;
  const link = d.up && d.carrier ? 'yes' : 'no';
  if (d.kind === 'loopback') {
    ctx.stdout.write(`Settings for ${d.name}:\n\tLink detected: ${link}\n`);
    return 0;
  }
  const veth = d.kind === 'veth';
  ctx.stdout.write(
    `Settings for ${d.name}:\n` +
      '\tSupported ports: [  ]\n' +
      '\tSupported link modes:   Not reported\n' +
      '\tSupported pause frame use: No\n' +
      '\tSupports auto-negotiation: No\n' +
      '\tSupported FEC modes: Not reported\n' +
      '\tAdvertised link modes:  Not reported\n' +
      '\tAdvertised pause frame use: No\n' +
      '\tAdvertised auto-negotiation: No\n' +
      '\tAdvertised FEC modes: Not reported\n' +
      (veth ? '\tSpeed: 10000Mb/s\n\tDuplex: Full\n' : '\tSpeed: Unknown!\n\tDuplex: Unknown! (255)\n') +
      '\tAuto-negotiation: off\n' +
      (veth ? '\tPort: Twisted Pair\n' : '\tPort: Other\n') +
      '\tPHYAD: 0\n' +
      '\tTransceiver: internal\n' +
      (veth ? '\tMDI-X: Unknown\n' : '') +
      `\tLink detected: ${link}\n`,
  );
  return 0;
}

// `ethtool -k` as kernel 6.18 answers for each kind (NETIF_F_* and their fixed bits).
const FEATURES_VETH = `rx-checksumming: on
tx-checksumming: on
	tx-checksum-ipv4: off [fixed]
	tx-checksum-ip-generic: on
	tx-checksum-ipv6: off [fixed]
	tx-checksum-fcoe-crc: off [fixed]
	tx-checksum-sctp: on
scatter-gather: on
	tx-scatter-gather: on
	tx-scatter-gather-fraglist: on
tcp-segmentation-offload: on
	tx-tcp-segmentation: on
	tx-tcp-ecn-segmentation: on
	tx-tcp-mangleid-segmentation: on
	tx-tcp6-segmentation: on
	tx-tcp-accecn-segmentation: on
generic-segmentation-offload: on
generic-receive-offload: off
large-receive-offload: off [fixed]
rx-vlan-offload: on
tx-vlan-offload: on
ntuple-filters: off [fixed]
receive-hashing: off [fixed]
highdma: on
rx-vlan-filter: off [fixed]
vlan-challenged: off [fixed]
tx-gso-robust: off [fixed]
tx-fcoe-segmentation: off [fixed]
tx-gre-segmentation: on
tx-gre-csum-segmentation: on
tx-ipxip4-segmentation: on
tx-ipxip6-segmentation: on
tx-udp_tnl-segmentation: on
tx-udp_tnl-csum-segmentation: on
tx-gso-partial: off [fixed]
tx-tunnel-remcsum-segmentation: off [fixed]
tx-sctp-segmentation: on
tx-esp-segmentation: off [fixed]
tx-udp-segmentation: on
tx-gso-list: on
tx-nocache-copy: off
loopback: off [fixed]
rx-fcs: off [fixed]
rx-all: off [fixed]
tx-vlan-stag-hw-insert: on
rx-vlan-stag-hw-parse: on
rx-vlan-stag-filter: off [fixed]
l2-fwd-offload: off [fixed]
hw-tc-offload: off [fixed]
esp-hw-offload: off [fixed]
esp-tx-csum-hw-offload: off [fixed]
rx-udp_tunnel-port-offload: off [fixed]
tls-hw-tx-offload: off [fixed]
tls-hw-rx-offload: off [fixed]
rx-gro-hw: off [fixed]
tls-hw-record: off [fixed]
rx-gro-list: off
macsec-hw-offload: off [fixed]
rx-udp-gro-forwarding: off
hsr-tag-ins-offload: off [fixed]
hsr-tag-rm-offload: off [fixed]
hsr-fwd-offload: off [fixed]
hsr-dup-offload: off [fixed]
`;

/** Lines where the bridge's and lo's answers differ from veth's (line number -> text). */
const FEATURES_BRIDGE: Record<number, string> = {
  1: 'rx-checksumming: off [fixed]',
  7: '\ttx-checksum-sctp: off [fixed]',
  18: 'generic-receive-offload: on',
  20: 'rx-vlan-offload: off [fixed]',
  27: 'tx-gso-robust: on',
  28: 'tx-fcoe-segmentation: on',
  35: 'tx-gso-partial: on',
  36: 'tx-tunnel-remcsum-segmentation: on',
  38: 'tx-esp-segmentation: on',
  46: 'rx-vlan-stag-hw-parse: off [fixed]',
};
const FEATURES_LO: Record<number, string> = {
  1: 'rx-checksumming: on [fixed]',
  4: '\ttx-checksum-ip-generic: on [fixed]',
  7: '\ttx-checksum-sctp: on [fixed]',
  9: '\ttx-scatter-gather: on [fixed]',
  10: '\ttx-scatter-gather-fraglist: on [fixed]',
  18: 'generic-receive-offload: on',
  20: 'rx-vlan-offload: off [fixed]',
  21: 'tx-vlan-offload: off [fixed]',
  24: 'highdma: on [fixed]',
  26: 'vlan-challenged: on [fixed]',
  29: 'tx-gre-segmentation: off [fixed]',
  30: 'tx-gre-csum-segmentation: off [fixed]',
  31: 'tx-ipxip4-segmentation: off [fixed]',
  32: 'tx-ipxip6-segmentation: off [fixed]',
  33: 'tx-udp_tnl-segmentation: off [fixed]',
  34: 'tx-udp_tnl-csum-segmentation: off [fixed]',
  41: 'tx-nocache-copy: off [fixed]',
  42: 'loopback: on [fixed]',
  45: 'tx-vlan-stag-hw-insert: off [fixed]',
  46: 'rx-vlan-stag-hw-parse: off [fixed]',
};

function features(ctx: CommandContext, dev: string): number {
  const f = findDev(ctx, dev);
  if (!f) {
    ctx.stderr.write('netlink error: no device matches name (offset 24)\nnetlink error: No such device\n');
    return 1;
  }
  const lines = FEATURES_VETH.trimEnd().split('\n');
  const diff = f.d.kind === 'bridge' ? FEATURES_BRIDGE : f.d.kind === 'loopback' ? FEATURES_LO : {};
  for (const [i, text] of Object.entries(diff)) lines[Number(i) - 1] = text;
  ctx.stdout.write(`Features for ${f.d.name}:\n${lines.join('\n')}\n`);
  return 0;
}

const HELP_HEAD =
  'ethtool version 6.1\n' +
  'Usage:\n' +
  '        ethtool [ FLAGS ]  DEVNAME\tDisplay standard information about device\n' +
  '        ethtool [ FLAGS ] -i|--driver DEVNAME\tShow driver information\n' +
  '        ethtool [ FLAGS ] -k|--show-features|--show-offload DEVNAME\tGet state of protocol offload and other features\n' +
  '        ethtool [ FLAGS ] -S|--statistics DEVNAME\tShow adapter statistics\n' +
  '        ethtool [ FLAGS ] -h|--help \t\tShow this help\n' +
  '        ethtool [ FLAGS ] --version \tShow version number\n';

export const ethtool: Command = async (ctx) => {
  let args = ctx.argv.slice(1);
  // FLAGS: --debug N, --json, -I/--include-statistics, -Q/--set-... are accepted and ignored
  while (args.length > 0) {
    const a = args[0]!;
    if (a === '--json' || a === '-I' || a === '--include-statistics') args = args.slice(1);
    else if (a === '--debug') args = args.slice(2);
    else break;
  }
  if (args.length === 0) {
    ctx.stderr.write(BAD_ARGS);
    return 1;
  }
  const opt = args[0]!;
  if (opt === '-h' || opt === '--help') {
    ctx.stdout.write(HELP_HEAD);
    return 0;
  }
  if (opt === '--version') {
    ctx.stdout.write('ethtool version 6.1\n');
    return 0;
  }
  const one = (fn: (c: CommandContext, dev: string) => number, name: string): number => {
    if (args.length < 2) {
      ctx.stderr.write(BAD_ARGS);
      return 1;
    }
    if (args.length > 2) {
      if (name === '-S') ctx.stderr.write(`ethtool (-S): unknown parameter '${args[2]}'\n`);
      else ctx.stderr.write(BAD_ARGS);
      return 1;
    }
    return fn(ctx, args[1]!);
  };
  switch (opt) {
    case '-i':
    case '--driver':
      return one(driverInfo, '-i');
    case '-S':
    case '--statistics':
      return one(statistics, '-S');
    case '-k':
    case '--show-features':
    case '--show-offload':
      return one(features, '-k');
    default:
      if (opt.startsWith('-')) {
        ctx.stderr.write(BAD_ARGS);
        return 1;
      }
      return settings(ctx, opt);
  }
};
