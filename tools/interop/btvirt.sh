#!/usr/bin/env bash
# Starts BlueZ's controller emulator, btvirt, as an independent virtual LE controller for interop tests.
#
#   tools/interop/btvirt.sh start   -> prints the pid; sockets appear at /tmp/bt-server-le (LE-only)
#                                      and /tmp/bt-server-bredrle (dual mode)
#   tools/interop/btvirt.sh stop PID
#
# Used by the README's two-process example, tools/cli's interop tests and tools/readme-check. btvirt's socket
# paths are fixed, so a second `start` replaces the first instance's sockets: tests serialise on the directory
# lock /tmp/tsble-btvirt.lock (tools/cli/src/commands/e2e-helpers.test-support.ts) before starting it.
#
# Every client that connects to a server socket gets its own virtual controller and talks H4
# (type octet 0x01 command, 0x02 ACL, 0x04 event) over the unix stream socket. Controllers in one btvirt
# process can advertise, scan and connect to each other; ACL data flows between connected ones, and
# LE Start Encryption succeeds only when the central's LTK equals the one the peripheral's host replies with.
# Public addresses are 00:AA:01:0N:00:42 for the N-th client (0-based).
#
# btvirt comes from Debian's bluez-test-tools; this script installs it when missing (as root, or through sudo).
# On kernels without AF_ALG (btvirt opens AES sockets it never needs for LE pairing), it preloads
# btvirt-noalg.c, built here with the system C compiler, which turns those sockets into /dev/null.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
case "${1:-start}" in
start)
  if ! command -v btvirt >/dev/null 2>&1; then
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    ($sudo apt-get install -y -q bluez-test-tools >/dev/null 2>&1 || { $sudo apt-get update -q >/dev/null 2>&1 && $sudo apt-get install -y -q bluez-test-tools >/dev/null 2>&1; }) \
      || { echo "btvirt.sh: could not install bluez-test-tools (apt-get install bluez-test-tools as root)" >&2; exit 1; }
  fi
  preload=""
  if ! python3 -c 'import socket; socket.socket(38, socket.SOCK_SEQPACKET)' 2>/dev/null; then
    shim="${TMPDIR:-/tmp}/btvirt-noalg.so"
    [ -f "$shim" ] || cc -shared -fPIC -O2 -o "$shim" "$here/btvirt-noalg.c" -ldl
    preload="$shim"
  fi
  rm -f /tmp/bt-server-le /tmp/bt-server-bredrle /tmp/bt-server-bredr /tmp/bt-server-amp /tmp/bt-server-mon
  LD_PRELOAD="$preload" setsid btvirt -s >/dev/null 2>&1 < /dev/null &
  pid=$!
  for _ in $(seq 50); do [ -S /tmp/bt-server-le ] && break; sleep 0.1; done
  [ -S /tmp/bt-server-le ] || { echo "btvirt.sh: btvirt did not open /tmp/bt-server-le" >&2; exit 1; }
  echo "$pid"
  ;;
stop)
  kill "${2:?pid}" 2>/dev/null || true
  ;;
*) echo "usage: btvirt.sh start | stop PID" >&2; exit 2 ;;
esac
