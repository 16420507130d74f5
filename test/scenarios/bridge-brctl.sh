#!/bin/bash
# nsemu scenario: brctl (bridge-utils 1.7.1): its texts, orders and errors.
# Recorded on the real kernel by scripts/record.ts (expected/bridge-brctl.out; never edit by hand).
# Shows: `brctl show` of a never-used bridge (bridge id 8000.000000000000), bridges and ports
# listed in name order, the bridge id following the lowest port MAC, `stp on` in the STP column,
# `showstp` (timer lines left out: they run on the kernel's clock), port numbers in `showmacs`,
# `delbr` refused while up, and every error message with its exit status; `ip link set … master`
# errors for comparison.
ip link set lo up
[ "$(ip -o link show | wc -l)" = 1 ] || { echo "refusing to run: not a fresh network namespace (ip -o link must list lo only)" >&2; exit 2; }
cleanup() { for d in brz bra vz va vc; do ip link del $d 2>/dev/null; done; }
trap cleanup EXIT

brctl addbr brz; echo "rc=$?"
brctl addbr bra; echo "rc=$?"
brctl addbr brz; echo "rc=$?"
echo "### brctl show (name order, never-used bridges)"
brctl show
ip link add vz address 02:00:00:00:00:09 type veth peer name vy address 02:00:00:00:00:19
ip link add va address 02:00:00:00:00:03 type veth peer name vb address 02:00:00:00:00:13
ip link add vc address 02:00:00:00:00:05 type veth peer name vd address 02:00:00:00:00:15
brctl addif brz vz; echo "rc=$?"
brctl addif brz vc va; echo "rc=$?"
echo "### ports in name order; bridge id = lowest port MAC"
brctl show
brctl show brz
ip link show brz | grep link/ether
echo "### errors"
brctl addif brz nodev; echo "rc=$?"
brctl addif nobr vb; echo "rc=$?"
brctl addif vb vd; echo "rc=$?"
brctl addif brz va; echo "rc=$?"
brctl addif bra va; echo "rc=$?"
brctl addif brz bra; echo "rc=$?"
brctl addif brz lo; echo "rc=$?"
brctl delif bra va; echo "rc=$?"
brctl delif brz nodev; echo "rc=$?"
brctl delif nobr va; echo "rc=$?"
brctl show nobr; echo "rc=$?"
brctl show vb; echo "rc=$?"
brctl showmacs nobr; echo "rc=$?"
brctl showmacs vb; echo "rc=$?"
brctl stp brz maybe; echo "rc=$?"
brctl delbr nobr; echo "rc=$?"
brctl delbr vb; echo "rc=$?"
brctl addbr; echo "rc=$?"
brctl addif brz; echo "rc=$?"
brctl frobnicate 2>&1 | head -3; echo "rc=${PIPESTATUS[0]}"
ip link set vd master nobr; echo "rc=$?"
ip link set vd master vb; echo "rc=$?"
ip link set bra master brz; echo "rc=$?"
ip link set lo master brz; echo "rc=$?"
echo "### showmacs (port numbers), stp, showstp"
brctl showmacs brz
brctl stp bra on; echo "rc=$?"
brctl show bra
brctl showstp brz | grep -v timer
echo "### delif, delbr"
brctl delif brz va; echo "rc=$?"
brctl show brz
ip link set brz up
brctl delbr brz; echo "rc=$?"
ip link set brz down
brctl delbr brz; echo "rc=$?"
brctl delbr bra; echo "rc=$?"
brctl show
ip -o link show vz | grep -o 'master [a-z]*'; echo "master: ${PIPESTATUS[1]}"
