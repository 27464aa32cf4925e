// A UDP sensor, with Espruino's own dgram module running over synack.
//   npm run flash -- --port /dev/ttyACM0 --program examples/udp-sensor.js
// Every 2 s the board sends one datagram, "sensor N T", to COLLECTOR:PORT: a count and the
// chip's temperature. Listen on the collector with: nc -u -l PORT. 198.18.0.1 is the simulator's
// LAN side (npm run sim -- --dhcp): put your collector's address here.
var COLLECTOR = "198.18.0.1";
var PORT = 5140;
var sock = require("dgram").createSocket("udp4");
var n = 0;

setInterval(function () {
  n++;
  var t = typeof E.getTemperature === "function" ? E.getTemperature() : NaN;
  sock.send("sensor " + n + " " + (isNaN(t) ? "-" : t.toFixed(1)) + "\n", PORT, COLLECTOR);
}, 2000);
