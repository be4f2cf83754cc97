#!/usr/bin/env bash
# Builds Ferry's container images locally, from files already on this host: no registry, no
# Dockerfile pulling anything. Each image is a root filesystem assembled here and imported:
#   ferry/etcd:dev         Debian's etcd binary (etcd-server) and the C library it links
#   ferry/coordinator:dev  the distribution (bin/ferry, lib/, the jlink-trimmed runtime) and its C libraries
# Usage: build.sh [dist-dir]   (dist-dir: dist/target/ferry, built by mvn package)
# Prints each image's id and size. Needs a running dockerd (deploy/setup-host.sh starts one).
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
dist=${1:-$repo/dist/target/ferry}
tag=${FERRY_IMAGE_TAG:-dev}
[[ -x $dist/runtime/bin/java ]] || { echo "build.sh: no distribution in $dist: run mvn package first" >&2; exit 1; }
command -v etcd >/dev/null || { echo "build.sh: no etcd binary: run deploy/setup-host.sh" >&2; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Copies the shared libraries the given ELF files load (as ldd resolves them on this host) into a rootfs.
libs_for() { # rootfs file...
  local rootfs=$1; shift
  # "libc.so.6 => /lib/.../libc.so.6 (0x...)" and "/lib64/ld-linux-x86-64.so.2 (0x...)"; skip the "file:" headers.
  ldd "$@" 2>/dev/null | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// && $2 ~ /^\(0x/ {print $1}' | sort -u | while read -r lib; do
    [[ $lib == "$rootfs"* ]] && continue  # the runtime's own libraries are already in place
    mkdir -p "$rootfs$(dirname "$lib")"
    cp -L "$lib" "$rootfs$lib"
  done
}

# A minimal base: a shell for 'docker exec' debugging, /tmp (netty and zstd unpack native code there), users.
base() { # rootfs
  local rootfs=$1
  mkdir -p "$rootfs"/{bin,etc,tmp,var/lib}
  chmod 1777 "$rootfs/tmp"
  cp /bin/busybox "$rootfs/bin/busybox"
  for applet in $(/bin/busybox --list); do [[ -e $rootfs/bin/$applet ]] || ln -s busybox "$rootfs/bin/$applet"; done
  printf 'root:x:0:0:root:/root:/bin/sh\nferry:x:10001:10001:ferry:/var/lib/ferry:/bin/sh\n' > "$rootfs/etc/passwd"
  printf 'root:x:0:\nferry:x:10001:\n' > "$rootfs/etc/group"
  echo 'hosts: files dns' > "$rootfs/etc/nsswitch.conf"
}

import() { # rootfs image change...
  local rootfs=$1 image=$2; shift 2
  local changes=()
  for c in "$@"; do changes+=(--change "$c"); done
  tar --numeric-owner -C "$rootfs" -c . | docker import "${changes[@]}" - "$image" >/dev/null
  echo "image $image: $(docker image inspect --format '{{.Id}} {{.Size}}' "$image" | awk '{printf "%s, %.0f MB", substr($1,8,12), $2/1e6}')"
}

# etcd: members are configured entirely by flags (see deploy/compose.yaml).
etcd_root=$work/etcd
base "$etcd_root"
cp "$(command -v etcd)" "$etcd_root/bin/etcd"
[[ -x $(command -v etcdctl) ]] && cp "$(command -v etcdctl)" "$etcd_root/bin/etcdctl"
libs_for "$etcd_root" "$etcd_root/bin/etcd"
mkdir -p "$etcd_root/var/lib/etcd"
import "$etcd_root" "ferry/etcd:$tag" 'ENTRYPOINT ["/bin/etcd"]' 'EXPOSE 2379 2380' 'WORKDIR /var/lib/etcd' \
  'ENV ETCD_DATA_DIR=/var/lib/etcd/data'

# coordinator: java started directly (no shell in the way of signals); the classpath wildcard is expanded by java.
co_root=$work/coordinator
base "$co_root"
mkdir -p "$co_root/opt/ferry" "$co_root/etc/ferry" "$co_root/var/lib/ferry/coordinator"
cp -a "$dist/bin" "$dist/lib" "$dist/runtime" "$co_root/opt/ferry/"
libs_for "$co_root" "$co_root/opt/ferry/runtime/bin/java" "$co_root"/opt/ferry/runtime/lib/*.so "$co_root"/opt/ferry/runtime/lib/server/*.so
chown -R 10001:10001 "$co_root/var/lib/ferry"
import "$co_root" "ferry/coordinator:$tag" \
  'ENTRYPOINT ["/opt/ferry/runtime/bin/java", "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC", "-XX:MaxRAMPercentage=75", "-cp", "/opt/ferry/lib/*", "dev.ferry.dist.Ferry", "coordinator"]' \
  'ENV FERRY_COORDINATOR_LISTEN=0.0.0.0:7070' 'EXPOSE 7070' 'USER 10001' 'WORKDIR /var/lib/ferry'
