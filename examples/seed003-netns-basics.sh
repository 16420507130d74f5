#!/bin/bash
# Lesson: ip netns add/list, a new namespace's lo, non-root refused, /proc/PID/ns
#
# What to look for:
#   a new namespace has only lo, DOWN, and cannot ping 127.0.0.1 (rc=2) until `ip link set lo up`;
#   as uid 65534 `ip netns add` is refused (mount --make-shared ... Operation not permitted);
#   the shell's /proc/$$/ns/net differs from that of a process in ns_lrl;
#   setting a device down cuts the namespace off (the last ping fails).
#
# Run it: nsemu run --example seed003-netns-basics    (explore afterwards: nsemu shell --load examples/seed003-netns-basics.sh)
# On a real Linux box, as root: bash examples/seed003-netns-basics.sh. Its output, normalised (MACs, times),
# is the recording shared/scenarios/expected/seed003-netns-basics.out; each section is headed by ### lines.
# ---- the tutorial scenario, as recorded on the real kernel, follows unchanged ----
# Source document: 003_b51114990cf69c3f.txt  (sections "帮助文档中的 Demo", "初识 network namespace",
# the non-root attempt, /proc/PID/ns, and "禁用 namespace 中的网络设备")
# Shows: ip netns add/list, the /var/run/netns mount point, a new namespace has only lo and it
# is down; after `ip link set lo up` it has 127.0.0.1 and ::1 and can ping itself; a non-root
# user cannot create a namespace; each process's namespaces are in /proc/PID/ns; setting a
# device down cuts the namespace off.
#
# Deviations from the document:
# * Only the namespaces' own state is touched; nothing here needs a "host" wrapper.
# * The document's own session (ns_lrl) runs first, the man-page demo (vpn) after it, so that
#   the first `ip netns list` is empty as in the document (assumes no other namespaces exist).
# * `ping 127.0.0.1 -c 3` becomes `ping 127.0.0.1 -c 1 -W 1`.
# * The non-root attempt uses `setpriv` to drop to uid/gid 65534 instead of logging in as a
#   user. The document's message "mkdir /var/run/netns failed" only appears when /run/netns
#   does not exist yet; here it exists (ns_lrl is in it).
# * `ls -l /proc/$$/ns` prints inode numbers and dates that change every run; the script lists
#   the names and compares the shell's net namespace with ns_lrl's instead.
# * Settle pauses (`sleep 3.5`) before observations: see README ("Settling").

NETNS="ns_lrl vpn net1"
for n in $NETNS; do
  [ -e /var/run/netns/$n ] && { echo "refusing to run: netns $n already exists" >&2; exit 2; }
done
cleanup() { for n in $NETNS; do ip netns del $n 2>/dev/null; done; }
trap cleanup EXIT

echo "### ip netns list (doc: empty)"
ip netns list
echo "### ip netns add ns_lrl; ip netns list"
ip netns add ns_lrl
ip netns list
echo "### ls /var/run/netns/ns_lrl"
ls /var/run/netns/ns_lrl
echo "### ip netns exec ns_lrl ip a (added: before lo is up)"
ip netns exec ns_lrl ip a
echo "### ip netns exec ns_lrl ping 127.0.0.1 (added: lo is down)"
ip netns exec ns_lrl ping 127.0.0.1 -c 1 -W 1; echo "ping rc=$?"
echo "### ip netns exec ns_lrl ip link set lo up; ip netns exec ns_lrl ip a"
ip netns exec ns_lrl ip link set lo up
sleep 3.5  # settle (see README)
ip netns exec ns_lrl ip a
echo "### ip netns exec ns_lrl ping 127.0.0.1 (doc: works)"
ip netns exec ns_lrl ping 127.0.0.1 -c 1 -W 1; echo "ping rc=$?"

echo "### non-root: ip netns add net1 (doc: mkdir /var/run/netns failed: Permission denied)"
setpriv --reuid=65534 --regid=65534 --clear-groups ip netns add net1; echo "ip rc=$?"

echo "### ls /proc/\$\$/ns (names only)"
ls /proc/$$/ns
echo "### is ns_lrl's net namespace the shell's? (same inode = same namespace)"
if [ "$(readlink /proc/$$/ns/net)" = "$(ip netns exec ns_lrl readlink /proc/self/ns/net)" ]; then
  echo same; else echo different; fi
echo "### two processes in ns_lrl share one net namespace"
if [ "$(ip netns exec ns_lrl readlink /proc/self/ns/net)" = "$(ip netns exec ns_lrl readlink /proc/self/ns/net)" ]; then
  echo same; else echo different; fi

echo "### man page demo: ip netns add vpn; ip netns exec vpn ip link set lo up"
ip netns add vpn
ip netns exec vpn ip link set lo up
ip netns list

echo "### ip netns exec NETNSNAME ip link set DEVNAME down (doc: cuts the namespace off)"
ip netns exec ns_lrl ip link set lo down
sleep 3.5  # settle (see README)
ip netns exec ns_lrl ip a
ip netns exec ns_lrl ping 127.0.0.1 -c 1 -W 1; echo "ping rc=$?"
