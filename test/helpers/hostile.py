# Hostile and malformed frames for the board, sent with scapy from the test's namespace (never
# anywhere else): truncated and inconsistent headers, bad checksums, bad TCP options, fragments,
# a LAND packet, blind RSTs and SYNs, and a bounded SYN flood. Prints how many frames it sent.
# Usage: python3 hostile.py IFACE BOARD_IP BOARD_MAC
import random, sys
from scapy.all import Ether, IP, TCP, UDP, ICMP, ARP, Raw, sendp, conf

conf.verb = 0
iface, dst, dmac = sys.argv[1], sys.argv[2], sys.argv[3]
assert dst.startswith('198.18.') or dst.startswith('198.19.'), 'test addresses only'
src = '198.18.0.1'
random.seed(7)
e = Ether(dst=dmac)
frames = []
frames.append(e / IP(src=src, dst=dst, ihl=15) / TCP(dport=7))                       # IHL beyond the data
frames.append(e / IP(src=src, dst=dst, ihl=2) / Raw(b'x' * 20))                       # IHL < 5
frames.append(e / IP(src=src, dst=dst, len=2000) / TCP(dport=7))                      # length beyond the frame
frames.append(e / IP(src=src, dst=dst, chksum=0x1234) / TCP(dport=7))                 # bad IP checksum
frames.append(e / IP(src=src, dst=dst) / TCP(dport=7, chksum=0x1234))                 # bad TCP checksum
frames.append(e / IP(src=src, dst=dst) / UDP(dport=9, chksum=0x1234) / b'x')          # bad UDP checksum
frames.append(e / IP(src=src, dst=dst) / ICMP(type=8, chksum=0x1234))                 # bad ICMP checksum
frames.append(e / IP(src=src, dst=dst, proto=6) / Raw(b'\x00\x07'))                   # truncated TCP
frames.append(e / IP(src=src, dst=dst) / TCP(dport=7, dataofs=15))                    # data offset beyond
frames.append(e / IP(src=src, dst=dst) / TCP(dport=7, dataofs=2))                     # data offset < 5
frames.append(e / IP(src=src, dst=dst) / TCP(dport=7, flags='S', options=[(2, b'\x05')]))  # MSS of wrong length
frames.append(e / IP(src=src, dst=dst) / TCP(dport=7, flags='S', options=[('MSS', 0)]))    # MSS 0
frames.append(e / IP(src=src, dst=dst) / TCP(dport=7, flags='S', options=[(99, b'\x00' * 30)]))  # unknown option overrunning
frames.append(e / IP(src=src, dst=dst, flags='MF', frag=0) / TCP(dport=7))            # first fragment
frames.append(e / IP(src=src, dst=dst, frag=100) / Raw(b'y' * 40))                    # later fragment
frames.append(e / IP(src=dst, dst=dst) / TCP(sport=7, dport=7, flags='S'))           # LAND
frames.append(e / IP(src=src, dst=dst) / TCP(dport=7, flags='SF'))                    # SYN+FIN
frames.append(e / IP(src=src, dst=dst) / TCP(dport=7, flags='FPU'))                   # xmas
frames.append(e / IP(src=src, dst=dst) / TCP(dport=7, flags=0))                       # null
frames.append(e / IP(src=src, dst=dst) / TCP(sport=0, dport=0, flags='S'))            # port 0
frames.append(e / IP(src='198.18.0.255', dst=dst) / TCP(dport=7, flags='S'))          # broadcast source
frames.append(Ether(dst=dmac, type=0x0800) / Raw(b'\x45'))                           # 1-byte IP
frames.append(Ether(dst=dmac, type=0x0806) / Raw(b'\x00\x01\x08\x00\x06'))            # truncated ARP
frames.append(Ether(dst=dmac) / ARP(hwlen=8, plen=4, pdst=dst))                      # wrong lengths
frames.append(Ether(dst=dmac, type=0x88b5) / Raw(b'z' * 50))                         # unknown EtherType
for i in range(200):                                                                  # blind RSTs and SYNs
    frames.append(e / IP(src=src, dst=dst) / TCP(sport=random.randint(1024, 65535), dport=7, flags=random.choice(['R', 'S', 'RA', 'A']), seq=random.getrandbits(32), ack=random.getrandbits(32)))
for i in range(300):                                                                  # bounded SYN flood
    frames.append(e / IP(src='198.18.0.%d' % random.randint(20, 250), dst=dst) / TCP(sport=random.randint(1024, 65535), dport=7, flags='S', seq=random.getrandbits(32)))
for i in range(100):                                                                  # random garbage after an IP header
    frames.append(e / IP(src=src, dst=dst, proto=random.choice([1, 6, 17, 99])) / Raw(bytes(random.getrandbits(8) for _ in range(random.randint(0, 60)))))
sendp(frames, iface=iface)
print(len(frames))
