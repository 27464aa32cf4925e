// A configured Interface on a FakeDriver (198.18.0.1/24, gateway .254, IP ids from 0x0000) that
// has already learnt the peer 198.18.0.2 by ARP; sent frames cleared.
import { Interface } from '../../firmware/iface/interface.ts';
import { FakeDriver } from './fake-driver.ts';
import { US_MAC, PEER_MAC, BCAST_MAC, ZERO_MAC, US, PEER, GW, eth, arp } from './frames.ts';

export function setup(extra: object = {}, driver: object = {}) {
  const d = Object.assign(new FakeDriver(US_MAC.slice()), driver);
  const ifc = new Interface(d, { ip: US, prefix: 24, gateway: GW, random32: () => 0x12340000, ...extra });
  ifc.poll(0);
  ifc.input(eth(BCAST_MAC, PEER_MAC, 0x0806, arp(1, PEER_MAC, PEER, ZERO_MAC, US)), 42);
  d.take();
  return { d, ifc };
}
