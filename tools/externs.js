/**
 * @fileoverview The names the board bundles keep (Closure Compiler externs, tools/closure.ts).
 * Closure's ADVANCED mode renames every property and global it does not find here, so this file
 * lists exactly what code outside the bundle writes, reads or calls by name:
 * - Espruino's own API the firmware calls (E, SPI, Storage, NetworkJS, require, print...);
 * - what a user writes: the configuration keys of start(config) and createStack(driver, config);
 * - the driver contract (EthernetDriver, SpiBus), which a driver of one's own implements;
 * - the NetworkJS adapter's methods, which Espruino calls by name;
 * - what the modules export to each other ("synack", "synack-net", "synack-apps");
 * - the public API a program (and the tests, the simulator, the bench) uses, and the status
 *   page's JSON.
 * Every member of the configuration, options and driver types (and of Status, StatusConnection,
 * Board, NetworkJsAdapter) must be here: the build checks the TypeScript declarations against
 * this file and fails naming the missing one (tools/closure.ts, missingExterns). Anything else
 * left out is renamed: a test that uses it through a board bundle fails.
 * @externs
 */

// ---- Espruino (and Node, for the tests): globals and their members the firmware uses ----
/** @const */ var E = {};
E.sum; E.hwRand; E.toString; E.toUint8Array; E.getSizeOf; E.CRC32; E.getAddressOf;
/** @return {number} */ function getTime() {}
/** @return {string} */ function getSerial() {}
/** @param {...*} s */ function print(s) {}
// setWatch(fn, pin, {edge, repeat}) and clearWatch(id): the chip's INT pin (start({int})).
/** @return {*} */ function setWatch(fn, pin, opts) {}
function clearWatch(id) {}
var WatchOptions; WatchOptions.edge; WatchOptions.repeat;
/** @const */ var process = {};
process.memory; process.env;
// process.memory()'s figures (status page, bench).
var MemoryFigures; MemoryFigures.free; MemoryFigures.usage; MemoryFigures.total; MemoryFigures.blocksize;
/** Espruino's global object: global.require(name) loads a Storage or built-in module. */
/** @const */ var global = {};
global.require;
/** A Storage module's `module`: module.exports is what require returns. */
/** @const */ var module = {};
module.exports;
// SPI (SPI1.send(data, cs), SPI1.setup({...})).
var EspruinoSpi; EspruinoSpi.send; EspruinoSpi.setup; EspruinoSpi.mosi; EspruinoSpi.miso; EspruinoSpi.sck; EspruinoSpi.baud;
// require("NetworkJS").create(adapter)
var NetworkJS; NetworkJS.create;

// ---- The module "synack" (board-module.ts) and the modules beside it ----
var SynackModule;
SynackModule.version; SynackModule.start; SynackModule.createStack; SynackModule.networkjs;
SynackModule.ipFromString; SynackModule.ipToString; SynackModule.stringToBytes; SynackModule.bytesToString;
/** "synack-net" (socket/net-module.ts) and "synack-apps" (apps/module.ts): what the stack reads,
 *  and the build they come from (BUILD_ID). */
var NetModule; NetModule.createNet; NetModule.build;
var AppsModule; AppsModule.startApps; AppsModule.build;
/** "synack-dhcp" (iface/dhcp-module.ts) and "synack-dns" (iface/dns-module.ts). */
var DhcpModule; DhcpModule.DhcpClient; DhcpModule.build;
var DnsModule; DnsModule.DnsClient; DnsModule.build;
/** "synack-networkjs" (socket/networkjs-module.ts). */
var NetworkJsModule; NetworkJsModule.adopt; NetworkJsModule.build;
/** The stack's namespace object for the modules beside it (tools/closure.ts: names shared across
 *  Closure's chunks are its properties). */
var SynackShared; SynackShared._;

// ---- What a user writes: configuration (board.ts BoardConfig, stack.ts StackConfig, ...) ----
var BoardConfig;
BoardConfig.chip; BoardConfig.spi; BoardConfig.cs; BoardConfig.driver; BoardConfig.ip; BoardConfig.gateway; BoardConfig.dns;
BoardConfig.mac; BoardConfig.hostname; BoardConfig.apps; BoardConfig.tcp; BoardConfig.networkjs; BoardConfig.idlePollMs;
BoardConfig.int; BoardConfig.memReserve; BoardConfig.mdns; BoardConfig.linkLocal;
var StackConfig;
StackConfig.ip; StackConfig.gateway; StackConfig.dns; StackConfig.hostname; StackConfig.mtu; StackConfig.apps; StackConfig.tcp;
StackConfig.random32; StackConfig.memory; StackConfig.print; StackConfig.freeBlocks; StackConfig.memReserve; StackConfig.mdns;
StackConfig.linkLocal;
var TcpConfig;
TcpConfig.maxConns; TcpConfig.backlog; TcpConfig.sndBuf; TcpConfig.rcvBuf; TcpConfig.oooRanges; TcpConfig.mslMs; TcpConfig.rtoMinMs;
TcpConfig.rtoMaxMs; TcpConfig.rtoInitMs; TcpConfig.maxRetries; TcpConfig.synRetries; TcpConfig.delAckMs; TcpConfig.connectTimeoutMs;
TcpConfig.keepIdleMs; TcpConfig.keepIntvlMs; TcpConfig.keepCnt; TcpConfig.challengeAcksPerSec; TcpConfig.reclaimIdleMs; TcpConfig.synCache; TcpConfig.isn; TcpConfig.onState; TcpConfig.now;
var AppsConfig;
AppsConfig.icmpEcho; AppsConfig.echo; AppsConfig.discard; AppsConfig.source; AppsConfig.http;
var InterfaceConfig;
InterfaceConfig.ip; InterfaceConfig.prefix; InterfaceConfig.gateway; InterfaceConfig.mtu; InterfaceConfig.random32; InterfaceConfig.icmpEcho;
InterfaceConfig.arpEntries; InterfaceConfig.arpQueue;
var DhcpOptions; DhcpOptions.hostname; DhcpOptions.onAddressChange;
var Enc28j60Options; Enc28j60Options.fullDuplex; Enc28j60Options.delayMs;
var W5500Options; W5500Options.delayMs;
var SocketOptions; SocketOptions.highWaterMark; SocketOptions.sndBuf; SocketOptions.rcvBuf;
var ConnectOptions; ConnectOptions.host; ConnectOptions.port; ConnectOptions.sndBuf; ConnectOptions.rcvBuf; ConnectOptions.localPort;

// ---- The driver contract (drivers/driver.ts), implemented by a driver of one's own ----
var EthernetDriver;
EthernetDriver.mac; EthernetDriver.send; EthernetDriver.recv; EthernetDriver.recvFrame; EthernetDriver.rxFresh; EthernetDriver.macFilter; EthernetDriver.txBuf;
EthernetDriver.link; EthernetDriver.service; EthernetDriver.setWake; EthernetDriver.mcast;
var SpiBus; SpiBus.send;
// The chip drivers' counters (npm run bench, the tests).
var DriverStats; DriverStats.rx; DriverStats.tx; DriverStats.spi; DriverStats.stats;

// ---- Espruino's NetworkJS calls these on the adapter (socket/networkjs.ts) ----
var NetworkJsAdapter;
NetworkJsAdapter.create; NetworkJsAdapter.close; NetworkJsAdapter.accept; NetworkJsAdapter.recv; NetworkJsAdapter.send;

// ---- The public API: start() returns a Board; its stack and the net-style API ----
var Board; Board.stack; Board.stop;
// Zero configuration (docs/zeroconf.md): "synack-mdns" and "synack-linklocal" export start(stack,
// config), "synack-dnssd" its records; a stack's responder and link-local state, as a program reads them.
var ZeroconfModule; ZeroconfModule.start; ZeroconfModule.build;
var DnssdModule; DnssdModule.sdRecords; DnssdModule.build;
var Mdns; Mdns.host; Mdns.state; Mdns.rx; Mdns.tx; Mdns.bad; Mdns.conflicts; Mdns.ip;
var LinkLocal; LinkLocal.state; LinkLocal.ip; LinkLocal.conflicts;
var Stack;
Stack.mdns; Stack.linkLocal; Stack.iface; Stack.tcp; Stack.dns; Stack.dhcp; Stack.driver; Stack.config; Stack.net; Stack.poll; Stack.startedAt;
// Stack.work: the full pass, a method of its own (never inlined into poll: Espruino reads the code
// of a branch it does not take, so the idle poll stays short).
Stack.work;
// The TCP connections themselves (the apps, the NetworkJS adapter and a program's own protocol
// sit on them; the bench measures a segment through them): a connection's user implements ConnUser.
var Listener; Listener.port;
var Tcp; Tcp.conns; Tcp.listeners; Tcp.counters; Tcp.listen; Tcp.unlisten; Tcp.connect; Tcp.send; Tcp.recv; Tcp.close; Tcp.abort; Tcp.reclaimable; Tcp.refused; Tcp.halfOpen;
var ConnUser; ConnUser.onConnect; ConnUser.onReadable; ConnUser.onEnd; ConnUser.onWritable; ConnUser.onClose; ConnUser.onIdle;


var Interface; Interface.ip; Interface.prefix; Interface.gateway; Interface.mac; Interface.mtu; Interface.counters; Interface.input;
Interface.udpBind; Interface.udpUnbind; Interface.udpSend; Interface.lowMem;
var DnsClient; DnsClient.resolve; DnsClient.server;
var DhcpClient; DhcpClient.state; DhcpClient.lease; DhcpClient.server; DhcpClient.dns; DhcpClient.router;
var Net; Net.createServer; Net.connect; Net.createConnection;
var Emitter; Emitter.on; Emitter.once; Emitter.off; Emitter.listenerCount; Emitter.emit;
var Socket;
Socket.remoteAddress; Socket.remotePort; Socket.localPort; Socket.bytesRead; Socket.bytesWritten; Socket.connecting; Socket.destroyed;
Socket.highWaterMark; Socket.write; Socket.end; Socket.destroy; Socket.pause; Socket.resume; Socket.setNoDelay; Socket.setKeepAlive;
Socket.setTimeout; Socket.address;
var Server; Server.listen; Server.close; Server.address;
// address()'s result
var AddressInfo; AddressInfo.address; AddressInfo.port;

// ---- What the tests observe of the stack's internals (networkjs-espruino: reads of a held frame) ----
Tcp.held; Tcp.heldBy;

// ---- The status page's JSON (apps/http-status.ts Status, apps/status-source.ts) ----
var Status;
Status.address; Status.mac; Status.uptime; Status.link; Status.connections; Status.counters; Status.memory;
var StatusConnection; StatusConnection.local; StatusConnection.remote; StatusConnection.state;

// ---- Kept out of line on the per-packet path (Closure neither inlines nor renames them) ----
// Espruino interprets the source: code it does not run it still lexes, token by token (a block
// skipped, the rest of a function after its return). Inlined where it is called once, each of
// these put its whole body on the path of every received segment: the IPv4 input behind TCP's
// fast path, the template ACK behind every other segment. Out of line, the segment cost by
// callgrind is 143 instead of 169 loop iterations (140 before Closure). Interface.demux: every
// frame but the one TCP's header prediction takes (inlined, the ARP input is read on each segment).
Interface.inputIpv4; Interface.demux; Tcp.fastAck;
