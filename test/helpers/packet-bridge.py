# Bridges one Linux interface to a test process: every frame received on it is written to stdout
# as a 2-byte big-endian length and the frame; frames read from stdin in the same form are sent on
# it (padded to the 60-byte Ethernet minimum). Exits at end of stdin or after a time limit.
# Usage (root, inside the test's own network namespace): python3 packet-bridge.py IFNAME [SECONDS]
import os, select, socket, struct, sys, time

ifname = sys.argv[1]
limit = time.time() + float(sys.argv[2] if len(sys.argv) > 2 else 120)
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))  # ETH_P_ALL
s.bind((ifname, 0))
out = sys.stdout.buffer
fd_in = sys.stdin.fileno()
buf = b''
while time.time() < limit:
    r, _, _ = select.select([s, fd_in], [], [], 0.5)
    if s in r:
        data, addr = s.recvfrom(65535)
        if addr[2] != socket.PACKET_OUTGOING:
            out.write(struct.pack('>H', len(data)) + data)
            out.flush()
    if fd_in in r:
        chunk = os.read(fd_in, 65536)
        if not chunk:
            break
        buf += chunk
        while len(buf) >= 2:
            n = struct.unpack('>H', buf[:2])[0]
            if len(buf) < 2 + n:
                break
            f = buf[2:2 + n]
            buf = buf[2 + n:]
            if len(f) < 60:
                f += bytes(60 - len(f))
            s.send(f)
