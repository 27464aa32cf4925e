// A small event emitter (the firmware has no Node 'events'): on, once, off, emit. As in Node's
// EventEmitter, an event with one listener keeps the function itself and only a second listener
// makes an array; the table itself is made by the first `on`. Every object costs RAM blocks on
// the board, per socket.
type Listener = (a?: any) => void;

export class Emitter {
  private ls?: { [event: string]: Listener | Listener[] };

  on(event: string, fn: Listener): this {
    const ls = this.ls || (this.ls = {});
    const l = ls[event];
    if (!l) ls[event] = fn;
    else if (typeof l === 'function') ls[event] = [l, fn];
    else l.push(fn);
    return this;
  }

  once(event: string, fn: Listener): this {
    const self = this;
    const w = function (a?: any) { self.off(event, w); fn(a); };
    return this.on(event, w);
  }

  off(event: string, fn: Listener): this {
    const ls = this.ls;
    const l = ls && ls[event];
    if (!ls || !l) return this;
    if (l === fn) delete ls[event];
    else if (typeof l !== 'function') { const i = l.indexOf(fn); if (i >= 0) l.splice(i, 1); }
    return this;
  }

  listenerCount(event: string): number {
    const l = this.ls && this.ls[event];
    return !l ? 0 : typeof l === 'function' ? 1 : l.length;
  }

  emit(event: string, a?: any): boolean {
    const l = this.ls && this.ls[event];
    if (!l) return false;
    if (typeof l === 'function') { l(a); return true; }
    if (!l.length) return false;
    const copy = l.slice();
    for (let i = 0; i < copy.length; i++) copy[i](a);
    return true;
  }
}
