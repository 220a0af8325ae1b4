#!/usr/bin/env bash
# Unpacks .device/ (made by `npm run device:pack`) on a Linux x64 machine with no Node and no network, points
# the Vulkan loader from Debian's libvulkan1 (unpacked into a private folder) at the NVIDIA driver, and runs the
# device benchmark: `hearth doctor --json`, CPU (all cores) against WebGPU on the bench set and a throughput run.
# Figures go to one file, $OUT/device-bench.json (OUT defaults to ./device-out).
#
#   bash bench/device/run.sh [--limit N] [--throughput N] [--providers cpu,webgpu]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
pack=${HEARTH_DEVICE_PACK:-$root/.device}
out=${OUT:-$PWD/device-out}
mkdir -p "$out"
work=$(mktemp -d "${TMPDIR:-/tmp}/hearth-device-XXXXXX")
trap 'rm -rf "$work"' EXIT

# xz, or Python's lzma where the xz tool is missing.
unxz_to() {
  if command -v xz >/dev/null; then xz -dc "$1" >"$2"
  else python3 -c 'import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2],"wb"))' "$1" "$2"; fi
}

start=$(date +%s)
unxz_to "$pack/node.xz" "$work/node"
chmod +x "$work/node"
unxz_to "$pack/app.tar.xz" "$work/app.tar"
tar -xf "$work/app.tar" -C "$work"
rm "$work/app.tar"

# The Vulkan loader, private to this run.
deb=$(ls "$pack"/libvulkan1_*.deb | head -1)
if command -v dpkg >/dev/null; then dpkg -x "$deb" "$work/vulkan"
else
  mkdir -p "$work/vulkan"
  (cd "$work/vulkan" && ar x "$deb" && tar -xf data.tar.* )
fi
export LD_LIBRARY_PATH="$work/vulkan/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
nvidia_icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -z "${VK_ICD_FILENAMES:-}" ] && [ -f "$nvidia_icd" ]; then export VK_ICD_FILENAMES=$nvidia_icd; fi
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$work}
echo "unpacked in $(( $(date +%s) - start )) s; node $("$work/node" --version); VK_ICD_FILENAMES=${VK_ICD_FILENAMES:-unset}" >&2

"$work/node" "$work/app/out/bench/device.js" --images "$work/app/images" --out "$out/device-bench.json" "$@"
