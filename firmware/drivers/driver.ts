// The one interface between synack and an Ethernet link. Everything above (iface/, tcp/, socket/)
// talks only to this; a driver knows nothing above it. Implemented by the ENC28J60 and W5500
// drivers over SPI, by the simulator's virtual NIC, and by any user object handed to
// `start({driver})` on the board.
//
// Contract, chosen so that the per-packet path allocates and copies nothing:
// - Frames are Ethernet II without preamble or FCS: 14 bytes of header, then the payload; at most
//   MAX_FRAME bytes. The driver pads short frames to the 60-byte minimum itself if its hardware
//   needs that.
// - `send(frame, len)` transmits `frame[0..len)` now or copies it into the chip/queue before it
//   returns, so the caller may reuse the buffer at once. It returns false if the frame could not
//   be taken (transmitter busy, link down, chip error); the stack treats that as a lost frame.
// - `recv(buf)` is polled: it copies the next received frame into `buf` (MAX_FRAME bytes or
//   more) and returns its length, or returns 0 when no frame is waiting. It never blocks. Frames
//   that the chip flagged bad (CRC, length) are dropped by the driver, never returned.
// - `recvFrame()` is the zero-copy form of `recv` (a driver has one or the other; the stack uses
//   recvFrame when both are there), polled the same way: it returns the next received frame as
//   a view the driver hands over (exactly the frame's length; the stack has done with it when
//   the next call comes), or null. For
//   drivers whose bus returns a fresh array per transfer (Espruino's SPI.send does) the frame can
//   be that array, so receiving a frame copies nothing. The view should start at an even byte
//   offset of its ArrayBuffer: the native checksum needs 16-bit alignment.
// - `rxFresh`, if true, says more of recvFrame's frames: each is a new array that the driver never
//   writes again (the ENC28J60 and W5500 drivers' frames are the arrays SPI.send returns). The
//   stack may then keep a frame after the call: TCP holds one received segment's data where it
//   lies, until the application reads it, instead of copying it into the receive ring.
// - `txBuf`, if present, is a buffer of MAX_FRAME bytes, at an even byte offset, where the stack
//   builds its frames; `send(txBuf, len)` then transmits them without copying. `send` still
//   takes any other buffer, and may copy it into txBuf to send it: the stack keeps nothing in
//   txBuf across the sending of another buffer. Nothing else in the driver writes into it.
// - `link()` reports the PHY link state; cheap enough to call on every poll.
// - `mac` is the 6-byte station address the driver filters on.
// - `macFilter`, if true, says that the chip itself drops unicast frames for other stations
//   (the ENC28J60's unicast filter, the W5500's MACRAW MAC filter): the interface then does not
//   compare each received frame's destination with `mac` again on its per-packet path.
// - `service(now)`, if present, is called on every poll with the time in ms, for housekeeping
//   that needs no frame: overflow recovery, link polling, watchdogs.
// - `setWake(wake)`, if present, is called once by the stack's owner (firmware/board.ts on a
//   board, SimHost in the simulator) with a function the driver calls when a frame may be waiting
//   (a pipe's data event, a bus's own signal): the owner then polls at once instead of at its
//   next timer. `wake` is cheap, safe to call any number of times and from anywhere, inside a
//   poll too: the owner coalesces the calls into at most one pending immediate poll and never
//   polls from inside `wake` (no recursion). A wake with no frame behind it costs one empty poll.
//   The chip drivers have none: their INT pin goes to the board, which watches it itself
//   (`start({int: pin})`, setWatch on the falling edge) and hands the same function to setWake.
// - `mcast()`, if present, makes the chip pass multicast frames (mDNS's 01:00:5e:00:00:fb).
// Errors: constructing a driver for missing hardware throws one Error whose message names the
// fix (the wiring to check); after that no method throws.

/** Largest frame the stack sends or accepts: 1500-byte MTU plus the 14-byte Ethernet header. */
export const MAX_FRAME = 1514;

export interface EthernetDriver {
  /** The 6-byte MAC address this link uses and filters on. */
  readonly mac: Uint8Array;
  /** Transmit frame[0..len). False if the frame was not taken. */
  send(frame: Uint8Array, len: number): boolean;
  /** Copy the next received frame into buf; its length, or 0 if none is waiting. (A driver has
   *  this or recvFrame.) */
  recv?(buf: Uint8Array): number;
  /** Zero-copy receive: the next frame as a view of exactly its length, or null. */
  recvFrame?(): Uint8Array | null;
  /** True when every frame recvFrame returns is a new array the driver never writes again. */
  readonly rxFresh?: boolean;
  /** True when the chip drops unicast frames for other stations itself. */
  readonly macFilter?: boolean;
  /** Optional zero-copy transmit: where the stack builds the frames it sends (MAX_FRAME bytes). */
  readonly txBuf?: Uint8Array;
  /** True while the PHY reports link up. */
  link(): boolean;
  /** Optional housekeeping on every poll, with the time in milliseconds. */
  service?(now: number): void;
  /** Optional: the owner's wake function, called by the driver when a frame may be waiting; the
   *  owner polls at once (coalesced, never recursively). */
  setWake?(wake: () => void): void;
  /** Optional: receive multicast frames too (called once, by the mDNS module): a driver whose
   *  chip filters them out by default lets them in. */
  mcast?(): void;
}

/** Shaped like Espruino's `SPI.send(data, csPin)`: clocks `data` out with chip-select held low
 *  for the whole transfer and returns the bytes clocked in, the same number, in a new array each
 *  time (as Espruino's does: the chip drivers hand it to the stack, which may keep it). */
export interface SpiBus {
  send(data: Uint8Array): Uint8Array;
}
