// A chip's interrupt output as the board's microcontroller sees it: the ENC28J60's INT and the
// W5500's INTn are both active low. The chip model sets its level from its flags and enable bits
// after every SPI transaction and every received frame; whoever watches it (SimHost, as
// firmware/board.ts does with setWatch(fn, pin, {edge: 'falling', repeat: true})) is called on
// each falling edge, and only then: a pin that stays low makes no new edge.

export class IntPin {
  /** The level: true while the chip asserts it (drives it low). */
  low = false;
  /** Falling edges so far (for tests). */
  falls = 0;
  private watchers: (() => void)[] = [];

  /** Calls `fn` on every falling edge, like setWatch with edge 'falling' and repeat; returns the
   *  function that stops it (clearWatch). */
  watch(fn: () => void): () => void {
    this.watchers.push(fn);
    return () => { this.watchers = this.watchers.filter((w) => w !== fn); };
  }

  /** The chip drives the pin: low (asserted) or released high. */
  set(low: boolean): void {
    if (low === this.low) return;
    this.low = low;
    if (!low) return;
    this.falls++;
    for (const w of this.watchers.slice()) w();
  }
}
