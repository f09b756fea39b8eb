#!/usr/bin/env bash
# Idle CPU of the kiosk (see docs/BENCHMARKS.md, section Kiosk): the kiosk
# on Accueil and the minimal eframe window run side by side, untouched, and
# the CPU time each process spends (utime + stime from /proc) is read over
# the same SECONDS (30 by default), after a 5 s settling time.
# Goal: the kiosk ≤ 0.2 % of a core idle.
#
# Usage: benches/idle.sh. Needs Xvfb when there is no DISPLAY (software GL).
set -euo pipefail

cd "$(dirname "$0")/.."
SECONDS_IDLE="${SECONDS_IDLE:-30}"

cargo build --release --bin protocoop --example minimal_window

target_dir="$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
kiosk="$target_dir/release/protocoop"
minimal="$target_dir/release/examples/minimal_window"

work="$(mktemp -d)"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

if [ -z "${DISPLAY:-}" ]; then
    Xvfb :98 -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
    pids+=($!)
    export DISPLAY=:98
    for _ in $(seq 50); do
        [ -e /tmp/.X11-unix/X98 ] && break
        sleep 0.1
    done
fi
unset WAYLAND_DISPLAY

export PROTOCOOP_PASSPHRASE="phrase de passe du banc d'essai"
data="$work/data"
"$kiosk" --data-dir "$data" structure set --name "Pharmacie du Marché" \
    --address "2 place du Marché, 79500 Melle" --postal-code 79500 >/dev/null
printf '274915\n' | "$kiosk" --data-dir "$data" professional add --role delegue \
    --name "Marie Durand" --rpps 10005173140 --profession pharmacien \
    --trained-on 2026-01-15 --pin-stdin >/dev/null
"$kiosk" --data-dir "$data" professional add --role delegant \
    --name "Dr Claire Exemple" --rpps 10000000009 >/dev/null

"$minimal" >/dev/null 2>&1 &
minimal_pid=$!
pids+=("$minimal_pid")
"$kiosk" --data-dir "$data" >/dev/null 2>&1 &
kiosk_pid=$!
pids+=("$kiosk_pid")
sleep 5

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
m0=$(ticks "$minimal_pid"); k0=$(ticks "$kiosk_pid")
sleep "$SECONDS_IDLE"
m1=$(ticks "$minimal_pid"); k1=$(ticks "$kiosk_pid")
hz=$(getconf CLK_TCK)
python3 - "$hz" "$SECONDS_IDLE" "$((m1 - m0))" "$((k1 - k0))" <<'PY'
import sys
hz, secs, m, k = (int(x) for x in sys.argv[1:])
share = lambda t: 100.0 * t / hz / secs
print(f"over {secs} s idle: minimal_window {m} ticks ({share(m):.2f} % of a core), "
      f"protocoop {k} ticks ({share(k):.2f} % of a core)")
print(f"goal ≤ 0.2 % of a core: {'met' if share(k) <= 0.2 else 'NOT met'}")
PY
