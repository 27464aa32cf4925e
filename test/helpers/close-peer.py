# One end of a TCP connection for the ladder's Linux capture test: connects (or accepts), exchanges
# a greeting, waits until the file GO exists, then closes its sending side (shutdown(SHUT_WR)),
# reads to end of file and closes. With both ends started together the FINs cross on the wire.
# Usage: python3 close-peer.py server|client ADDR PORT GO_FILE
import os, socket, sys, time

role, addr, port, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
deadline = time.time() + 20
if role == 'server':
    ls = socket.socket(); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind((addr, port)); ls.listen(1)
    print('listening', flush=True)
    ls.settimeout(15)
    s, _ = ls.accept()
    s.sendall(b'hello from B\n')
else:
    s = socket.create_connection((addr, port), timeout=15)
    s.sendall(b'hello from A\n')
s.recv(100)
open(go + '.' + role, 'w').close()
while not os.path.exists(go) and time.time() < deadline:
    time.sleep(0.001)
s.shutdown(socket.SHUT_WR)
s.settimeout(10)
while s.recv(100):
    pass
s.close()
print('closed', flush=True)
