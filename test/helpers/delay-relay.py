# A delaying Ethernet relay between two interfaces of one network namespace: every frame received
# on one is sent on the other DELAY_MS later (order kept). It makes segments cross on the wire,
# e.g. for a simultaneous close between two Linux hosts, without netem. Exits after SECONDS.
# Usage (root, inside a test namespace): python3 delay-relay.py IF1 IF2 DELAY_MS SECONDS
import heapq, select, socket, struct, sys, time

def csum(data):
    if len(data) % 2:
        data += b'\0'
    s = sum(struct.unpack('!%dH' % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff

def fix_checksum(f):
    # veth hands locally generated TCP/UDP to packet sockets with the checksum left to "hardware"
    # (CHECKSUM_PARTIAL); a relay must complete it or the receiver drops the segment.
    if len(f) < 34 or f[12:14] != b'\x08\x00':
        return f
    ihl = (f[14] & 15) * 4
    total = struct.unpack('!H', f[16:18])[0]
    proto = f[23]
    l4 = 14 + ihl
    if proto not in (6, 17) or struct.unpack('!H', f[20:22])[0] & 0x3fff:
        return f
    seg = bytearray(f[l4:14 + total])
    off = 16 if proto == 6 else 6
    if len(seg) < off + 2:
        return f
    seg[off:off + 2] = b'\0\0'
    pseudo = f[26:34] + struct.pack('!BBH', 0, proto, len(seg))
    c = csum(bytes(pseudo) + bytes(seg))
    if proto == 17 and c == 0:
        c = 0xffff
    seg[off:off + 2] = struct.pack('!H', c)
    return f[:l4] + bytes(seg) + f[14 + total:]

if1, if2, delay, limit = sys.argv[1], sys.argv[2], float(sys.argv[3]) / 1000, time.time() + float(sys.argv[4])
socks = {}
for name in (if1, if2):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))  # ETH_P_ALL
    s.bind((name, 0))
    socks[name] = s
other = {socks[if1]: socks[if2], socks[if2]: socks[if1]}
queue = []  # (due, seq, out_socket, frame)
seq = 0
print('ready', flush=True)
while time.time() < limit:
    timeout = 0.2 if not queue else max(0, queue[0][0] - time.time())
    r, _, _ = select.select(list(other), [], [], timeout)
    for s in r:
        data, addr = s.recvfrom(65535)
        if addr[2] == socket.PACKET_OUTGOING:
            continue
        seq += 1
        heapq.heappush(queue, (time.time() + delay, seq, other[s], fix_checksum(data)))
    now = time.time()
    while queue and queue[0][0] <= now:
        _, _, out, frame = heapq.heappop(queue)
        out.send(frame)
