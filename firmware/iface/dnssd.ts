// DNS-Based Service Discovery (RFC 6763) records for the mDNS responder (iface/mdns.ts): the
// default apps that listen are advertised, the status page as _http._tcp (port 80, "path=/") and the
// echo service as _echo._tcp (port 7), each instance named after the host. Per service: the
// enumeration PTR (_services._dns-sd._udp.local, 9), the service type's PTR to the instance (4.1),
// the instance's SRV (host and port, 5) and TXT (6). On a board this is the Storage module
// "synack-dnssd", loaded by the responder when the apps listen (iface/dnssd-storage.ts). The
// responder answers questions for these names and adds SRV, TXT and A records to a PTR answer (12).
/** One record the responder answers with: owner name n, type t (PTR 12, TXT 16, SRV 33), and
 *  its data: the target name (PTR, SRV), the text (TXT); p the port (SRV). */
export interface MdnsRecord { n: string; t: number; d: string; p: number }

const ENUM = '_services._dns-sd._udp.local';

/** The records advertising the status page (`http`) and echo (`echo`) for the host `fqdn`
 *  ("synack.local"), instances named `host`. */
export function sdRecords(fqdn: string, host: string, http: boolean, echo: boolean): MdnsRecord[] {
  const out: MdnsRecord[] = [];
  const add = function (type: string, port: number, txt: string) {
    const st = type + '.local', inst = host + '.' + st;
    out.push({ n: ENUM, t: 12, d: st, p: 0 }, { n: st, t: 12, d: inst, p: 0 },
      { n: inst, t: 33, d: fqdn, p: port }, { n: inst, t: 16, d: txt, p: 0 });
  };
  if (http) add('_http._tcp', 80, 'path=/');
  if (echo) add('_echo._tcp', 7, '');
  return out;
}
