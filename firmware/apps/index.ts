// The default apps, each switchable in the board configuration. They sit on the TCP connections
// (apps/serve.ts), so a board running them does not load the net-style API.
import type { Tcp } from '../tcp/tcp.ts';
import { startEcho } from './echo.ts';
import { startDiscard } from './discard.ts';
import { startSource } from './source.ts';
import { startHttpStatus } from './http-status.ts';
import { StackStatus } from './status-source.ts';
import type { Stack } from '../stack.ts';

export interface AppsConfig {
  /** ICMP echo (ping) answered by the interface (default on). */
  icmpEcho?: boolean;
  /** TCP echo on port 7 (default on). */
  echo?: boolean;
  /** TCP discard on port 9 (default on). */
  discard?: boolean;
  /** Bytes the source on port 19 sends per connection; 0 turns it off (default 64 KiB on a
   *  board, the simulator passes 10 MiB). */
  source?: number;
  /** HTTP status page on port 80 (default on). */
  http?: boolean;
}

export const DEFAULT_SOURCE_BYTES = 65536;

/** Starts the configured apps on `tcp`; returns the ports they listen on (tcp.unlisten stops
 *  one). A port already taken is left to its owner. */
export function startApps(tcp: Tcp, config: AppsConfig, stack: Stack): number[] {
  const ports: number[] = [];
  if (config.echo !== false && startEcho(tcp, 7)) ports.push(7);
  if (config.discard !== false && startDiscard(tcp, 9)) ports.push(9);
  const source = config.source === undefined ? DEFAULT_SOURCE_BYTES : config.source;
  if (source > 0 && startSource(tcp, 19, source)) ports.push(19);
  if (config.http !== false && startHttpStatus(tcp, 80, new StackStatus(stack))) ports.push(80);
  return ports;
}
