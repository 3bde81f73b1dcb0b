#!/usr/bin/env bash
# Regenerates the *.hex captures in this folder (run as root; needs iproute2, tcpdump, ethtool,
# netcat-openbsd, iputils-ping, python3). Two throwaway network namespaces joined by a veth pair
# carry kernel VXLAN (VNI 42, UDP 4789); pings and a short TCP exchange cross the overlay while
# tcpdump records the underlay. Run twice: with the veth's default offloads (inner TCP checksums
# left CHECKSUM_PARTIAL, docs/architecture.md, "The checksum trap") and with `ethtool -K tx off`, which
# makes the kernel fill every checksum as a real NIC would. Only addresses from the documentation
# ranges (RFC 5737, RFC 3849) inside the namespaces are used; nothing leaves the host.
# Usage: make-captures.sh OUT_DIR   (writes offload.pcap and txoff.pcap; extract-hex.py picks packets)
set -euo pipefail
out=${1:?usage: make-captures.sh OUT_DIR}
mkdir -p "$out"
suffix=$(head -c4 /dev/urandom | od -An -tx1 | tr -d ' \n')
A=tvx-capA-$suffix B=tvx-capB-$suffix
cleanup() {
  [[ -n ${tcpdump_pid:-} ]] && kill "$tcpdump_pid" 2>/dev/null || true
  [[ -n ${nc_pid:-} ]] && kill "$nc_pid" 2>/dev/null || true
  ip netns del "$A" 2>/dev/null || true
  ip netns del "$B" 2>/dev/null || true
}
trap cleanup EXIT

run() {  # run MODE: offload | txoff
  local mode=$1
  ip netns add "$A"; ip netns add "$B"
  ip link add vethA netns "$A" type veth peer name vethB netns "$B"
  for ns in "$A" "$B"; do ip -n "$ns" link set lo up; done
  ip -n "$A" link set vethA address 02:00:00:00:0a:01
  ip -n "$B" link set vethB address 02:00:00:00:0b:01
  ip -n "$A" addr add 192.0.2.1/24 dev vethA; ip -n "$A" link set vethA up
  ip -n "$B" addr add 192.0.2.2/24 dev vethB; ip -n "$B" link set vethB up
  if [[ $mode == txoff ]]; then
    ip netns exec "$A" ethtool -K vethA tx off >/dev/null
    ip netns exec "$B" ethtool -K vethB tx off >/dev/null
  fi
  ip -n "$A" link add vx0 type vxlan id 42 remote 192.0.2.2 local 192.0.2.1 dstport 4789 dev vethA
  ip -n "$B" link add vx0 type vxlan id 42 remote 192.0.2.1 local 192.0.2.2 dstport 4789 dev vethB
  ip -n "$A" link set vx0 address 02:42:c6:33:64:01
  ip -n "$B" link set vx0 address 02:42:c6:33:64:02
  ip -n "$A" addr add 198.51.100.1/24 dev vx0; ip -n "$A" addr add 2001:db8::1/64 dev vx0 nodad
  ip -n "$B" addr add 198.51.100.2/24 dev vx0; ip -n "$B" addr add 2001:db8::2/64 dev vx0 nodad
  ip -n "$A" link set vx0 up; ip -n "$B" link set vx0 up
  ip netns exec "$A" tcpdump -i vethA -U -w "$out/$mode.pcap" udp port 4789 2>/dev/null &
  tcpdump_pid=$!
  sleep 1
  ip netns exec "$A" ping -c 2 -i 0.2 198.51.100.2 >/dev/null
  ip netns exec "$A" ping -6 -c 2 -i 0.2 2001:db8::2 >/dev/null
  ip netns exec "$B" nc -l 198.51.100.2 8080 > /dev/null < <(printf 'hello from B\n'; sleep 1) &
  nc_pid=$!
  sleep 0.5
  printf 'GET / HTTP/1.0\r\n\r\n' | ip netns exec "$A" nc -N -w 2 198.51.100.2 8080 >/dev/null || true
  sleep 1
  kill "$tcpdump_pid"; wait "$tcpdump_pid" 2>/dev/null || true; tcpdump_pid=
  kill "$nc_pid" 2>/dev/null || true; wait "$nc_pid" 2>/dev/null || true; nc_pid=
  ip netns del "$A"; ip netns del "$B"
}
run offload
run txoff
