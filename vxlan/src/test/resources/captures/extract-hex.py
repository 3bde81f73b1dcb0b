#!/usr/bin/env python3
"""Picks one packet of each kind from the pcaps written by make-captures.sh and writes it as a
commented hex file next to this script. Usage: extract-hex.py PCAP_DIR"""
import os, struct, sys

HERE = os.path.dirname(os.path.abspath(__file__))


def packets(path):
    with open(path, 'rb') as f:
        data = f.read()
    magic, = struct.unpack('<I', data[:4])
    assert magic == 0xa1b2c3d4, 'little-endian microsecond pcap expected'
    assert struct.unpack('<I', data[20:24])[0] == 1, 'LINKTYPE_ETHERNET expected'
    off = 24
    while off + 16 <= len(data):
        _, _, incl, orig = struct.unpack('<IIII', data[off:off + 16])
        assert incl == orig, 'truncated capture'
        yield data[off + 16:off + 16 + incl]
        off += 16 + incl


def kind(p):
    inner = p[14 + 20 + 8 + 8:]          # outer Ethernet + IPv4 (IHL 5) + UDP + VXLAN
    et = struct.unpack('!H', inner[12:14])[0]
    l3 = inner[14:]
    if et == 0x0806:
        return 'arp-request' if l3[7] == 1 else 'arp-reply'
    if et == 0x86dd:
        if l3[6] == 58 and l3[40] == 128:
            return 'icmpv6-echo-request'
        if l3[6] == 0:
            return 'ipv6-hop-by-hop-mld'
        return None
    if et != 0x0800:
        return None
    l4 = l3[(l3[0] & 0xf) * 4:]
    if l3[9] == 1:
        return {8: 'icmp-echo-request', 0: 'icmp-echo-reply'}.get(l4[0])
    if l3[9] == 6:
        flags, payload = l4[13], struct.unpack('!H', l3[2:4])[0] - (l3[0] & 0xf) * 4 - (l4[12] >> 4) * 4
        if flags == 0x02:
            return 'tcp-syn'
        if flags == 0x12:
            return 'tcp-syn-ack'
        if flags & 0x08 and payload > 0 and l4[(l4[12] >> 4) * 4:].startswith(b'GET'):
            return 'tcp-data'
    return None


def write(name, pkt, how):
    with open(os.path.join(HERE, name + '.hex'), 'w') as f:
        f.write('# %s: %d bytes, outer Ethernet frame as seen on the underlay veth.\n' % (name, len(pkt)))
        f.write('# Made by make-captures.sh + extract-hex.py: kernel VXLAN (VNI 42, UDP 4789) between two\n')
        f.write('# network namespaces over a veth pair, tcpdump on the veth; %s\n' % how)
        for i in range(0, len(pkt), 16):
            f.write(' '.join('%02x' % b for b in pkt[i:i + 16]) + '\n')


def main(d):
    how = {'txoff': 'veth with `ethtool -K tx off`, so every checksum is filled in.',
           'offload': 'veth with default offloads: the inner TCP checksum is left\n'
                      '# CHECKSUM_PARTIAL (it holds only the pseudo-header sum) and the outer UDP checksum, made by local\n'
                      '# checksum offload, verifies only once the inner one is filled in.'}
    wanted = {'txoff': ['arp-request', 'arp-reply', 'icmp-echo-request', 'icmp-echo-reply',
                        'icmpv6-echo-request', 'ipv6-hop-by-hop-mld', 'tcp-syn', 'tcp-syn-ack', 'tcp-data'],
              'offload': ['tcp-syn', 'tcp-data']}
    for mode, names in wanted.items():
        found = {}
        for p in packets(os.path.join(d, mode + '.pcap')):
            k = kind(p)
            if k in names and k not in found:
                found[k] = p
        for k in names:
            if k not in found:
                sys.exit('no %s packet in %s.pcap' % (k, mode))
            write(k if mode == 'txoff' else k + '-partial-checksum', found[k], how[mode])


if __name__ == '__main__':
    main(sys.argv[1])
