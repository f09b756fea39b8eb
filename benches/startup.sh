#!/usr/bin/env bash
# Startup benchmark of the kiosk (see docs/BENCHMARKS.md, section Kiosk).
#
# Times, from process start to the first frame on screen, in release:
#   - target/release/protocoop --data-dir DIR   (the kiosk on a ledger set up
#     through the CLI: structure, one délégué, one délégant → Accueil)
#   - target/release/examples/minimal_window    (an eframe window with the
#     same features, renderer and size, one label)
# Both run with PROTOCOOP_EXIT_AFTER_FIRST_FRAME=1: they close as soon as the
# first frame is painted, so the wall time of the process is start → first
# frame (+ the teardown of the window, the same for both).
# Goal: kiosk ≤ 1.5 × minimal window.
#
# Usage: benches/startup.sh [extra hyperfine options]
#   RUNS=15 WARMUP=2 by default. Needs hyperfine (apt-get install hyperfine).
#   Without DISPLAY, starts `Xvfb :99 -screen 0 1280x800x24` for the duration
#   (rendering is then Mesa llvmpipe, software GL).
set -euo pipefail

cd "$(dirname "$0")/.."
RUNS="${RUNS:-15}"
WARMUP="${WARMUP:-2}"

for tool in hyperfine python3; do
    command -v "$tool" >/dev/null || {
        echo "startup.sh: $tool is missing (apt-get install $tool)" >&2
        exit 2
    }
done

cargo build --release --bin protocoop --example minimal_window

target_dir="$(cargo metadata --format-version 1 --no-deps |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
kiosk="$target_dir/release/protocoop"
minimal="$target_dir/release/examples/minimal_window"

work="$(mktemp -d)"
xvfb_pid=""
cleanup() {
    if [ -n "$xvfb_pid" ]; then kill "$xvfb_pid" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

if [ -z "${DISPLAY:-}" ]; then
    display=":99"
    Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
    xvfb_pid=$!
    export DISPLAY="$display"
    for _ in $(seq 50); do
        [ -e "/tmp/.X11-unix/X${display#:}" ] && break
        sleep 0.1
    done
    echo "Xvfb $DISPLAY started (pid $xvfb_pid)"
fi
unset WAYLAND_DISPLAY

# A data folder as after the first-start setup, so the kiosk opens on Accueil
# (the passphrase from the environment: no unlock screen, no terminal prompt).
export PROTOCOOP_PASSPHRASE="phrase de passe du banc d'essai"
data="$work/data"
"$kiosk" --data-dir "$data" structure set --name "Pharmacie du Marché" \
    --address "2 place du Marché, 79500 Melle" --postal-code 79500 >/dev/null
printf '274915\n' | "$kiosk" --data-dir "$data" professional add --role delegue \
    --name "Marie Durand" --rpps 10005173140 --profession pharmacien \
    --trained-on 2026-01-15 --pin-stdin >/dev/null
"$kiosk" --data-dir "$data" professional add --role delegant \
    --name "Dr Claire Exemple" --rpps 10000000009 >/dev/null

export PROTOCOOP_EXIT_AFTER_FIRST_FRAME=1
# Both must really exit after one frame (a hang here would time out hyperfine).
timeout 30 "$minimal" >/dev/null 2>&1
timeout 30 "$kiosk" --data-dir "$data" >/dev/null 2>&1

hyperfine --warmup "$WARMUP" --runs "$RUNS" --export-json "$work/startup.json" \
    --command-name minimal_window "$minimal" \
    --command-name protocoop "$kiosk --data-dir $data" \
    "$@"

python3 - "$work/startup.json" <<'EOF'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
m, k = r["minimal_window"], r["protocoop"]
ms = lambda s: f"{s * 1000:.1f} ms"
print()
print(f"minimal_window: median {ms(m['median'])}  mean {ms(m['mean'])}  min {ms(m['min'])}")
print(f"protocoop:      median {ms(k['median'])}  mean {ms(k['mean'])}  min {ms(k['min'])}")
ratio = k["median"] / m["median"]
print(f"ratio (median): {ratio:.2f} ×  (goal ≤ 1.5 ×: {'met' if ratio <= 1.5 else 'NOT met'})")
print(f"ratio (mean):   {k['mean'] / m['mean']:.2f} ×")
EOF
