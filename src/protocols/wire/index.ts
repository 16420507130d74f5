// The wire modules: byte-level views and plain representations of each protocol.
export * from './error.ts';
export * from './checksum.ts';
export * from './addr.ts';
export * from './ethernet.ts';
export * from './arp.ts';
export * from './ipv4.ts';
export * from './icmp.ts';
export * from './udp.ts';
export * from './tcp.ts';
