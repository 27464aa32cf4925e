// An HTTP server on DHCP, with Espruino's own http module running over synack.
//   npm run flash -- --port /dev/ttyACM0 --program examples/http-server.js
// The board takes its address by DHCP (the default "ip"), prints it on the console, and answers
// on port 80: curl http://ADDRESS/ (and /uptime). The stack is the global `synack` (made by the
// boot file before this program runs).
var http = require("http");
var served = 0;

http.createServer(function (req, res) {
  served++;
  if (req.url === "/uptime") {
    res.writeHead(200, { "Content-Type": "text/plain" });
    res.end(Math.round(getTime()) + " s up, " + served + " requests\n");
    return;
  }
  res.writeHead(200, { "Content-Type": "text/html" });
  res.end("<h1>Hello from synack</h1><p>request " + served + " for " + req.url + "</p>\n");
}).listen(80);
