// A small event emitter (the firmware has no Node 'events'): on, once, off, emit. The listener
// table is made by the first `on`: an emitter nobody listens to costs no RAM for it.
export class Emitter {
  private ls?: { [event: string]: ((a?: any) => void)[] };

  on(event: string, fn: (a?: any) => void): this {
    const ls = this.ls || (this.ls = {});
    (ls[event] || (ls[event] = [])).push(fn);
    return this;
  }

  once(event: string, fn: (a?: any) => void): this {
    const self = this;
    const w = function (a?: any) { self.off(event, w); fn(a); };
    return this.on(event, w);
  }

  off(event: string, fn: (a?: any) => void): this {
    const l = this.ls && this.ls[event];
    if (l) { const i = l.indexOf(fn); if (i >= 0) l.splice(i, 1); }
    return this;
  }

  listenerCount(event: string): number { const l = this.ls && this.ls[event]; return l ? l.length : 0; }

  emit(event: string, a?: any): boolean {
    const l = this.ls && this.ls[event];
    if (!l || !l.length) return false;
    const copy = l.slice();
    for (let i = 0; i < copy.length; i++) copy[i](a);
    return true;
  }
}
