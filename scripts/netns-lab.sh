#!/bin/sh
# Several hosts on this machine for the agent and gateway tests: network namespaces joined by
# a bridge, each with its own address on 10.77.0.0/24, which exists only inside them (the root
# namespace gets no address, route or link). Needs root, iproute2 and nftables.
#
#   scripts/netns-lab.sh up NAME     # NAME-svc 10.77.0.3, NAME-gw 10.77.0.2, NAME-a1 10.77.0.4,
#                                    # NAME-a2 10.77.0.5 (its firewall lets it reach only NAME-gw:8080)
#   scripts/netns-lab.sh down NAME   # deletes them (kill what runs in them first)
set -eu

usage() {
    echo "usage: $0 up|down NAME (NAME: letters and digits, at most 8)" >&2
    exit 64
}
[ $# -eq 2 ] || usage
name=$2
case $name in *[!a-z0-9]* | "") usage ;; esac
[ ${#name} -le 8 ] || usage

host() { # namespace address switch-side-port
    ip netns add "$name-$1"
    ip link add eth0 netns "$name-$1" type veth peer name "$3" netns "$name-sw"
    ip -n "$name-sw" link set "$3" master br0
    ip -n "$name-sw" link set "$3" up
    ip -n "$name-$1" addr add "$2/24" dev eth0
    ip -n "$name-$1" link set eth0 up
    ip -n "$name-$1" link set lo up
}

case $1 in
up)
    ip netns add "$name-sw"
    ip -n "$name-sw" link add br0 type bridge
    ip -n "$name-sw" link set br0 up
    host gw 10.77.0.2 p-gw
    host svc 10.77.0.3 p-svc
    host a1 10.77.0.4 p-a1
    host a2 10.77.0.5 p-a2
    # a2 cannot reach the internet (here: the service) but through the gateway.
    ip netns exec "$name-a2" nft -f - <<'NFT'
table inet lab {
  chain output {
    type filter hook output priority 0; policy drop;
    oif "lo" accept
    ct state established,related accept
    ip daddr 10.77.0.2 tcp dport 8080 accept
    tcp dport { 443, 8443 } counter reject with tcp reset
  }
}
NFT
    ;;
down)
    for host in a2 a1 svc gw sw; do
        ip netns del "$name-$host" 2>/dev/null || true
    done
    ;;
*) usage ;;
esac
