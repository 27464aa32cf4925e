// The default apps, each switchable in the board configuration.
import type { AppNet, AppServer } from './net-api.ts';
import { startEcho } from './echo.ts';
import { startDiscard } from './discard.ts';
import { startSource } from './source.ts';
import { startHttpStatus, type Status } from './http-status.ts';

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

/** Starts the configured apps over `net`; returns their servers (to close them). */
export function startApps(net: AppNet, config: AppsConfig, status: () => Status): AppServer[] {
  const servers: AppServer[] = [];
  if (config.echo !== false) servers.push(startEcho(net, 7));
  if (config.discard !== false) servers.push(startDiscard(net, 9));
  const source = config.source === undefined ? DEFAULT_SOURCE_BYTES : config.source;
  if (source > 0) servers.push(startSource(net, 19, source));
  if (config.http !== false) servers.push(startHttpStatus(net, 80, status));
  return servers;
}
