#!/bin/sh
# Records testdata/alpine/expected/VERSION/NAME.txt from a real chroot of
# the Alpine minirootfs tarballs (../shared/rootfs or $BLINK_TEST_ROOTFS).
# Needs root on Linux with unshare(1) and chroot(1): each scenario runs in a
# fresh copy of the rootfs, as PID 2 of a new PID and mount namespace with its
# own /proc and a minimal /dev (see chrootWrapper in cmd/blink/alpine_test.go,
# which is also the code that compares blink against these files).
#
#   testdata/alpine/record.sh                 # everything, both versions
#   testdata/alpine/record.sh '^tar_'         # only matching scenarios
#   BLINK_ALPINE_VERSIONS=3.17.10 testdata/alpine/record.sh
#
# Run it twice and `git diff testdata/alpine/expected`: a scenario whose
# output changes between two native runs is not deterministic and must be
# fixed (or normalised with a justified #@ norm) before it is committed.
set -eu
cd "$(dirname "$0")/../.."
if [ $# -gt 0 ]; then
	export BLINK_ALPINE_RUN="$1"
fi
BLINK_ALPINE_RECORD=1 exec go test ./cmd/blink -run '^TestAlpineScenarios$' -count=1 -timeout 30m
