#!/bin/sh
# The GPU bundle's `node` (installed as bin/node by scripts/gpu-bundle/build.ts). The target is a
# Linux image without Node, npm or network: on first use this unpacks the compressed Node binary
# dawn.node and the JavaScript with whatever the machine has (xz or gzip, else python3's lzma/gzip module), and
# the Vulkan loader from the bundled .deb files when the machine lacks libvulkan.so.1; then it
# points the loader at NVIDIA's ICD when one exists and none is set, and runs Node.
set -eu
bundle=$(cd "$(dirname "$0")/.." && pwd)

say() { printf 'catwalk bundle: %s\n' "$*" >&2; }

# unpack COMPRESSED TARGET: written beside the target and renamed, so a concurrent first use or an
# interrupted one never leaves a half-written binary under the final name.
unpack() {
  tmp="$2.part.$$"
  case "$1" in
    *.xz)
      if command -v xz >/dev/null 2>&1; then xz -dc "$1" >"$tmp"
      elif command -v python3 >/dev/null 2>&1; then
        python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$tmp"
      else say "need xz or python3 to unpack $1"; exit 1; fi ;;
    *.gz)
      if command -v gzip >/dev/null 2>&1; then gzip -dc "$1" >"$tmp"
      elif command -v python3 >/dev/null 2>&1; then
        python3 -c 'import gzip, shutil, sys; shutil.copyfileobj(gzip.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$tmp"
      else say "need gzip or python3 to unpack $1"; exit 1; fi ;;
  esac
  chmod 755 "$tmp"
  mv -f "$tmp" "$2"
}

# unpack_once TARGET: from TARGET.xz or TARGET.gz, unless already there.
unpack_once() {
  [ -e "$1" ] && return 0
  for c in "$1.xz" "$1.gz"; do
    if [ -e "$c" ]; then unpack "$c" "$1"; return 0; fi
  done
  say "missing $1 (and its .xz/.gz)"; exit 1
}

# Node, dawn.node and the bundled JavaScript, each compressed on its own (scripts/gpu-bundle/build.ts).
unpack_once "$bundle/runtime/node"
for c in "$bundle"/lib/*.mjs.* "$bundle"/lib/node_modules/webgpu/dist/*/dawn.node.*; do
  case "$c" in *.part.*) continue ;; esac
  [ -e "$c" ] && unpack_once "${c%.*}"
done

has_vulkan() {
  if command -v ldconfig >/dev/null 2>&1 && ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1 '; then return 0; fi
  for d in /usr/lib/x86_64-linux-gnu /usr/lib/aarch64-linux-gnu /usr/lib64 /usr/lib /lib/x86_64-linux-gnu; do
    [ -e "$d/libvulkan.so.1" ] && return 0
  done
  return 1
}

# A .deb is an ar archive whose data.tar.* holds the files: python3 reads it where dpkg is absent.
deb_x() {
  if command -v dpkg >/dev/null 2>&1; then dpkg -x "$1" "$2"; return; fi
  python3 - "$1" "$2" <<'PY'
import io, sys, tarfile
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"!<arch>\n", "not a .deb"
i = 8
while i < len(data):
    name, size = data[i:i + 16].decode().strip().rstrip("/"), int(data[i + 48:i + 58])
    if name.startswith("data.tar"):
        tarfile.open(fileobj=io.BytesIO(data[i + 60:i + 60 + size])).extractall(sys.argv[2])
    i += 60 + size + (size & 1)
PY
}

# CATWALK_BUNDLE_OWN_VULKAN=1 uses the bundled loader even where the machine has one (tests).
if [ "${CATWALK_BUNDLE_OWN_VULKAN:-}" = 1 ] || ! has_vulkan; then
  vk="$bundle/runtime/vulkan"
  if [ ! -d "$vk" ]; then
    tmp="$vk.part.$$"
    mkdir -p "$tmp"
    for deb in "$bundle"/vulkan/*.deb; do deb_x "$deb" "$tmp"; done
    mv "$tmp" "$vk" 2>/dev/null || rm -rf "$tmp"
  fi
  lib=$(find "$vk" -name 'libvulkan.so.1' | head -n 1)
  [ -n "$lib" ] || { say "no libvulkan.so.1 in $bundle/vulkan/*.deb"; exit 1; }
  LD_LIBRARY_PATH="$(dirname "$lib")${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  export LD_LIBRARY_PATH
fi

if [ -z "${VK_DRIVER_FILES:-}" ] && [ -z "${VK_ICD_FILENAMES:-}" ]; then
  for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json \
    /etc/vulkan/icd.d/nvidia_icd.json; do
    if [ -e "$icd" ]; then
      VK_DRIVER_FILES=$icd VK_ICD_FILENAMES=$icd
      export VK_DRIVER_FILES VK_ICD_FILENAMES
      break
    fi
  done
fi

exec "$bundle/runtime/node" "$@"
