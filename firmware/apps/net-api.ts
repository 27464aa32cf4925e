// The slice of the net-style socket API (firmware/socket/) that the default apps use. The apps
// depend on this shape only, so they run over synack's own `net` and over anything shaped alike.

export interface AppSocket {
  on(event: 'data', fn: (data: Uint8Array) => void): unknown;
  on(event: 'end' | 'close' | 'drain', fn: () => void): unknown;
  on(event: 'error', fn: (err: Error) => void): unknown;
  write(data: Uint8Array | string): boolean;
  end(data?: Uint8Array | string): void;
  destroy(): void;
  pause(): void;
  resume(): void;
  /** Calls fn after ms without traffic. */
  setTimeout(ms: number, fn: () => void): unknown;
}

export interface AppServer {
  listen(port: number, cb?: () => void): unknown;
  close(cb?: () => void): unknown;
}

export interface AppNet {
  createServer(onConnection: (socket: AppSocket) => void): AppServer;
}
