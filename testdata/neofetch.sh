#!/bin/sh
# A neofetch-style report from /proc, /etc and the package database, as
# system-info scripts gather it. One "key: value" line per field.
. /etc/os-release
echo "distro: $PRETTY_NAME"
echo "kernel: $(uname -r)"
up=$(cut -d. -f1 /proc/uptime)
echo "uptime: $((up / 3600))h $((up % 3600 / 60))m $((up % 60))s"
echo "shell: $(basename "$(readlink /proc/$$/exe)")"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "cpus: $(grep -c '^processor' /proc/cpuinfo)"
total=$(awk '/^MemTotal:/ {print int($2 / 1024)}' /proc/meminfo)
avail=$(awk '/^MemAvailable:/ {print int($2 / 1024)}' /proc/meminfo)
echo "memory: $((total - avail))MiB / ${total}MiB"
echo "packages: $(grep -c '^P:' /lib/apk/db/installed) (apk)"
