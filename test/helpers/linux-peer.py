# The Linux side of test/iface-linux.test.ts, run inside the test's network namespace. Each
# command prints one line: "ok ..." or "fail ...".
#   ping DST SIZE COUNT  - ICMP echo over a raw socket, replies checked byte for byte
#   udp DST PORT SIZE    - one UDP datagram, the reply must carry the same payload
#   closed DST PORT      - a datagram to a closed port must be refused (ICMP port unreachable)
#   nocsum IFNAME        - turn checksum offload off (ETHTOOL_STXCSUM/SRXCSUM ioctls, as
#                          `ethtool -K IFNAME tx off rx off`): veth would otherwise send UDP with
#                          the checksum unfilled and trust received checksums without checking.
import os, socket, struct, sys, time

def csum(b):
    if len(b) & 1:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s > 0xffff:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff

def payload(n, seed):
    return bytes(((i * 131 + seed) & 255) for i in range(n))

cmd, dst = sys.argv[1], sys.argv[2]
if cmd == 'nocsum':
    import array, fcntl
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for ecmd in (0x17, 0x15):  # ETHTOOL_STXCSUM, ETHTOOL_SRXCSUM
        ev = array.array('B', struct.pack('II', ecmd, 0))
        ifr = struct.pack('16sP', dst.encode(), ev.buffer_info()[0]).ljust(40, b'\0')
        fcntl.ioctl(s.fileno(), 0x8946, ifr)  # SIOCETHTOOL
    print('ok nocsum')
elif cmd == 'ping':
    size, count = int(sys.argv[3]), int(sys.argv[4])
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    s.settimeout(3)
    ident = os.getpid() & 0xffff
    for seq in range(count):
        data = payload(size, seq)
        h = struct.pack('!BBHHH', 8, 0, 0, ident, seq)
        c = csum(h + data)
        s.sendto(struct.pack('!BBHHH', 8, 0, c, ident, seq) + data, (dst, 0))
        deadline = time.time() + 3
        while True:
            if time.time() > deadline:
                print('fail timeout seq %d' % seq); sys.exit(1)
            pkt, addr = s.recvfrom(65535)
            hl = (pkt[0] & 15) * 4
            icmp = pkt[hl:]
            t, code, ck, i2, s2 = struct.unpack('!BBHHH', icmp[:8])
            if t == 0 and i2 == ident and s2 == seq:
                break
        if icmp[8:] != data or csum(icmp) != 0 or addr[0] != dst:
            print('fail data seq %d' % seq); sys.exit(1)
    print('ok ping %d x %d' % (size, count))
elif cmd == 'udp':
    port, size = int(sys.argv[3]), int(sys.argv[4])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    data = payload(size, 7)
    s.sendto(data, (dst, port))
    got, addr = s.recvfrom(65535)
    print('ok udp %d' % size if got == data and addr[0] == dst and addr[1] == port else 'fail udp')
elif cmd == 'closed':
    port = int(sys.argv[3])
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(3)
    s.connect((dst, port))
    s.send(b'x')
    try:
        s.recv(100)
        print('fail got data')
    except ConnectionRefusedError:
        print('ok refused')
    except socket.timeout:
        print('fail timeout')
