# Clients that test what a peer can make the board hold (issue 21), against HOST (a 198.18.x.x
# test address only). Each mode prints one line of space-separated figures.
#   vanish N        N echo clients (port 7) from local ports 41000+i: 16 bytes each, their echo
#                   read and acknowledged, then gone without FIN or RST (TCP_REPAIR: the kernel
#                   forgets the socket silently). Connects them 8 at a time; a client the board
#                   does not answer retries as the kernel does. Prints: served seconds
#   one             one echo client: prints: ok|wrong|fail seconds (connect to echo back)
#   interleaved N R N echo clients at once, R rounds each of writing 100 bytes of its own and
#                   reading them back, the clients' writes interleaved. Prints: right wrong failed
#   flood N S IFACE DMAC  N SYNs from changing addresses and ports in S seconds, raw frames on
#                   IFACE to DMAC (AF_PACKET); prints: sent seconds
#   during N S IFACE DMAC  the flood with one echo client started 0.5 s into it;
#                   prints: sent flood-seconds ok|wrong|fail client-seconds
import socket, struct, sys, threading, time

host = sys.argv[1]
assert host.startswith('198.18.'), 'test addresses only'
TCP_REPAIR = 19


def read_back(s, n):
    """Reads up to n bytes from s, less if the peer closes first."""
    got = b''
    while len(got) < n:
        d = s.recv(4096)
        if not d:
            break
        got += d
    return got


def echo_once(n=16, sport=0, keep=False, timeout=60):
    """Connects (from sport if given), sends n bytes, reads them back. Returns (result, seconds, sock)."""
    t = time.time()
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if sport:
        s.bind(('', sport))
    s.settimeout(timeout)
    try:
        s.connect((host, 7))
        msg = (b'%04d' % (sport % 10000)) * (n // 4)
        s.sendall(msg)
        got = read_back(s, len(msg))
        r = 'ok' if got == msg else 'wrong'
    except OSError:
        r = 'fail'
    dt = time.time() - t
    if not keep:
        s.close()
        s = None
    return r, dt, s


def vanish(s):
    """Forget the connection without a FIN or RST reaching the peer."""
    s.setsockopt(socket.IPPROTO_TCP, TCP_REPAIR, 1)
    s.close()


mode = sys.argv[2]
if mode == 'vanish':
    n = int(sys.argv[3])
    served = 0
    t = time.time()
    def client(i):
        global served
        r, _, s = echo_once(16, 41000 + i, keep=True, timeout=200)
        if s is not None:
            time.sleep(0.3)  # our ACK of the echo goes out
            vanish(s)
        if r == 'ok':
            served += 1
    for base in range(0, n, 8):
        th = [threading.Thread(target=client, args=(i,)) for i in range(base, min(n, base + 8))]
        for x in th: x.start()
        for x in th: x.join()
    print(served, round(time.time() - t, 1))
elif mode == 'one':
    r, dt, _ = echo_once(16)
    print(r, round(dt, 2))
elif mode == 'interleaved':
    n, rounds = int(sys.argv[3]), int(sys.argv[4])
    socks, res = [], []
    for i in range(n):
        s = socket.create_connection((host, 7), timeout=60)
        socks.append(s)
    lock = threading.Lock()
    def run(i, s):
        try:
            for k in range(rounds):
                msg = bytes([65 + i]) * 50 + (b'%02d%02d' % (i, k % 100)) * 12 + bytes([97 + i]) * 2
                s.sendall(msg)
                got = read_back(s, len(msg))
                if got != msg:
                    with lock: res.append('wrong')
                    return
            s.close()
            with lock: res.append('ok')
        except OSError:
            with lock: res.append('fail')
    th = [threading.Thread(target=run, args=(i, s)) for i, s in enumerate(socks)]
    for x in th: x.start()
    for x in th: x.join()
    print(res.count('ok'), res.count('wrong'), res.count('fail'))
elif mode in ('flood', 'during'):
    n, secs, iface, dmac = int(sys.argv[3]), float(sys.argv[4]), sys.argv[5], sys.argv[6]
    import random
    random.seed(21)
    dst = socket.inet_aton(host)
    dm = bytes(int(x, 16) for x in dmac.split(':'))
    sm = bytes([2, 0, 0, 0, 0x21, 0x21])
    def csum(b):
        if len(b) % 2: b += b'\0'
        s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
        while s >> 16: s = (s & 0xffff) + (s >> 16)
        return (~s) & 0xffff
    frames = []
    for i in range(n):
        src = socket.inet_aton('198.18.0.%d' % random.randint(20, 250))
        sport, seq = random.randint(1024, 65535), random.getrandbits(32)
        dport = random.choice([7, 9, 19, 80])
        tcp = struct.pack('!HHIIBBHHH', sport, dport, seq, 0, 0x50, 0x02, 8192, 0, 0)
        tcp = tcp[:16] + struct.pack('!H', csum(src + dst + struct.pack('!BBH', 0, 6, 20) + tcp)) + tcp[18:]
        ip = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 40, i & 0xffff, 0, 64, 6, 0, src, dst)
        ip = ip[:10] + struct.pack('!H', csum(ip)) + ip[12:]
        frames.append(dm + sm + b'\x08\x00' + ip + tcp)
    raw = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    raw.bind((iface, 0))
    result = {}
    def legit():
        time.sleep(0.5)
        result['r'] = echo_once(16, timeout=30)
    th = threading.Thread(target=legit) if mode == 'during' else None
    if th: th.start()
    t = time.time()
    for i, f in enumerate(frames):
        raw.send(f)
        ahead = t + secs * (i + 1) / n - time.time()
        if ahead > 0.001: time.sleep(ahead)
    dt = time.time() - t
    if th: th.join()
    if mode == 'during':
        print(len(frames), round(dt, 2), result['r'][0], round(result['r'][1], 2))
    else:
        print(len(frames), round(dt, 2))
