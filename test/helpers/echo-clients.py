# Echo clients against port 7 of HOST: ROW connections one after another with ROW_BYTES each,
# then ONCE connections at the same time with ONCE_BYTES each. Each client sends its bytes,
# half-closes, and reads until the close: "ok" (its bytes back exactly), "wrong", "reset"
# (refused or reset), "timeout". Prints one line:
#   ok-in-a-row ok-at-once reset-at-once wrong-at-once timeout-at-once seconds-in-a-row seconds-at-once
# Used by test/board-espruino.test.ts and tools/bench/espruino-board.ts.
import socket, sys, threading, time

host, row, row_bytes, once, once_bytes = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])

def one(i, n):
    try:
        s = socket.create_connection((host, 7), timeout=60)
        msg = (b'%04d' % i) * (n // 4)
        s.sendall(msg); s.shutdown(socket.SHUT_WR)
        got = b''
        while True:
            d = s.recv(4096)
            if not d: break
            got += d
        s.close()
        return 'ok' if got == msg else 'wrong'
    except (ConnectionResetError, ConnectionRefusedError, BrokenPipeError):
        return 'reset'
    except socket.timeout:
        return 'timeout'
    except OSError:
        return 'reset'

t = time.time()
seq = [one(i, row_bytes) for i in range(row)]
t1 = time.time() - t
res = []
th = [threading.Thread(target=lambda i=i: res.append(one(i, once_bytes))) for i in range(once)]
t = time.time()
for x in th: x.start()
for x in th: x.join()
t2 = time.time() - t
print(seq.count('ok'), res.count('ok'), res.count('reset'), res.count('wrong'), res.count('timeout'), round(t1, 1), round(t2, 1))
