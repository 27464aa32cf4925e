// A TCP client to a host by name, with synack's net-style API (synack.stack.net).
//   npm run flash -- --port /dev/ttyACM0 --program examples/tcp-client.js
// Every 10 s the board resolves HOST with DNS (the server its DHCP lease named), connects to
// HOST:PORT, sends one line and prints the first line it gets back. host.synack.test is the
// simulator's LAN (npm run sim -- --dhcp): put your own server's name and port here.
var HOST = "host.synack.test";
var PORT = 7000;
var sent = 0;

function report() {
  sent++;
  var s = synack.stack.net.connect({ host: HOST, port: PORT }, function () {
    s.write("reading " + sent + " at " + Math.round(getTime()) + " s\n");
  });
  var got = "";
  s.on("data", function (d) {
    got += E.toString(d); // the net-style API hands over bytes (a Uint8Array)
    var nl = got.indexOf("\n");
    if (nl >= 0) { print("tcp-client: " + HOST + " says " + got.slice(0, nl)); s.end(); }
  });
  s.on("error", function (e) { print("tcp-client: " + HOST + ": " + (e.code || e.message || e)); });
}

setInterval(report, 10000);
setTimeout(report, 3000);
