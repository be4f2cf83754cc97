#!/usr/bin/env bash
# Prepares a Debian 12 or 13 host for Ferry: installs crun, CRIU, etcd, JDK 25 and test tools,
# fixes the host settings crun and CRIU need, then prints what this host can do.
# Idempotent: run it as often as you like. Run as root.
set -euo pipefail

die() { echo "setup-host: $*" >&2; exit 1; }
log() { echo "setup-host: $*"; }

[[ "$(uname -s)" == Linux ]] || die "Ferry needs Linux (this is $(uname -s))."
[[ $EUID -eq 0 ]] || die "run as root: Ferry's agent drives crun and CRIU, which need root."
[[ -r /etc/os-release ]] && . /etc/os-release
[[ "${ID:-}" == debian ]] || die "this script supports Debian 12 or 13 (found ${PRETTY_NAME:-an unknown system})."
# Forky's CRIU brings forky's libc and base-files, so after a first run os-release says forky:
# the apt sources tell which release this host really tracks.
codename="${VERSION_CODENAME:-}"
case "$codename" in bookworm|trixie|forky) ;; *) die "unsupported Debian release '$codename' (need bookworm or trixie)." ;; esac
if grep -qsE '^[^#]*\bbookworm\b' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources /etc/apt/sources.list.d/*.list \
   && [[ "$codename" != trixie ]]; then
  codename=bookworm
fi

export DEBIAN_FRONTEND=noninteractive

# Newer crun and CRIU come from later Debian releases, pinned low so nothing else upgrades by itself.
add_suite() { # suite priority
  local suite=$1 prio=$2
  if [[ ! -f /etc/apt/sources.list.d/ferry-$suite.sources ]]; then
    cat > /etc/apt/sources.list.d/ferry-$suite.sources <<SRC
Types: deb
URIs: http://deb.debian.org/debian
Suites: $suite
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  fi
  cat > /etc/apt/preferences.d/ferry-$suite <<PIN
Package: *
Pin: release n=$suite
Pin-Priority: $prio
PIN
}
[[ "$codename" == bookworm ]] && add_suite trixie 100
add_suite forky 50

apt_install() { apt-get install -y -q --no-install-recommends "$@" >/tmp/ferry-apt.log 2>&1 || { tail -30 /tmp/ferry-apt.log >&2; die "apt-get install $* failed"; }; }

if [[ -z "${FERRY_SKIP_APT_UPDATE:-}" ]]; then
  log "apt-get update"
  apt-get update -q >/tmp/ferry-apt.log 2>&1 || { tail -20 /tmp/ferry-apt.log >&2; die "apt-get update failed"; }
fi

log "installing base packages"
apt_install ca-certificates iptables iproute2 busybox-static gcc libc6-dev make zstd tar procps util-linux etcd-server etcd-client kmod haproxy libxxhash0

# CRIU >= 4.2: 4.1 cannot dump TCP/UDP sockets on kernels >= 6.16. Forky's CRIU needs forky's libnl.
# crun loads libcriu.so.2 at checkpoint time, so the library must match the CLI.
criu_ok() {
  command -v criu >/dev/null && dpkg --compare-versions "$(criu --version | sed -n 's/^Version: //p')" ge 4.2 \
    && ldconfig -p | grep -c 'libcriu\.so\.2 ' >/dev/null  # not grep -q: with pipefail, an early exit fails ldconfig (SIGPIPE)
}
if ! criu_ok; then
  log "installing CRIU from forky"
  apt_install -t forky libnl-route-3-200 libnl-3-200
  apt_install -t forky criu libcriu2
fi
criu_ok || die "CRIU >= 4.2 is required (found: $(criu --version 2>&1 | head -1))."

crun_ok() { command -v crun >/dev/null && dpkg --compare-versions "$(crun --version | sed -n 's/^crun version //p')" ge 1.21 && crun --version | grep -c '+CRIU' >/dev/null; }
if ! crun_ok; then
  log "installing crun from trixie"
  if [[ "$codename" == bookworm ]]; then apt_install -t trixie crun; else apt_install crun; fi
fi
crun_ok || die "crun >= 1.21 built with CRIU is required (found: $(crun --version 2>&1 | head -2 | tr '\n' ' '))."

# The stock-kernel lane proves pre-copy and lazy pages on Debian's own kernel (this host's may lack
# dirty tracking): that kernel, plus virtme-ng, qemu and virtiofsd to boot it under emulation
# sharing this host's files, and udev for virtme's script ports. After CRIU: forky's libnl first.
lane_ok() { ls /boot/vmlinuz-*-amd64 >/dev/null 2>&1 && command -v vng >/dev/null && [[ -x /usr/libexec/virtiofsd ]] \
  && command -v udevadm >/dev/null && command -v unzip >/dev/null; }
if ! lane_ok; then
  log "installing Debian's kernel, virtme-ng, qemu, virtiofsd and unzip (the stock-kernel lane)"
  ( ls /boot/vmlinuz-*-amd64 >/dev/null 2>&1 || apt_install linux-image-amd64
    command -v unzip >/dev/null || apt_install unzip   # lists the jars' classes for the lane's class-data archive
    if [[ "$codename" == bookworm ]]; then apt_install -t trixie virtme-ng qemu-system-x86 virtiofsd udev
    else apt_install virtme-ng qemu-system-x86 virtiofsd udev; fi ) || true
fi
# The lane is part of the suite (e2e-tests' StockKernelLaneIT): without its packages the suite cannot pass.
lane_ok || die "the stock-kernel lane cannot run here: it needs a Debian kernel in /boot, vng, virtiofsd, udev and unzip."

# JDK 25: a preinstalled Temurin 25 is used as is; otherwise Debian's OpenJDK 25.
java25() { for j in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/java-25-openjdk-amd64; do [[ -x $j/bin/javac ]] && { echo "$j"; return 0; }; done; return 1; }
if ! java25 >/dev/null; then
  log "installing OpenJDK 25"
  if [[ "$codename" == bookworm ]]; then apt_install -t trixie openjdk-25-jdk-headless; else apt_install openjdk-25-jdk-headless; fi
fi
JAVA25=$(java25) || die "no JDK 25 found after install."
mkdir -p /etc/ferry
echo "JAVA_HOME=$JAVA25" > /etc/ferry/java.env

# crun refuses "cgroups in hybrid mode" while hugetlb sits on the v2 hierarchy: give it a v1 one.
if [[ -d /sys/fs/cgroup/unified ]] && grep -qw hugetlb /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null \
   && ! mountpoint -q /sys/fs/cgroup/hugetlb; then
  log "mounting hugetlb as a cgroup v1 hierarchy (crun hybrid-mode fix)"
  mkdir -p /sys/fs/cgroup/hugetlb
  mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb
fi

# CRIU's lazy page server splices up to 64 MiB per pipe; without CAP_SYS_RESOURCE it cannot grow them.
if (( $(sysctl -n fs.pipe-max-size) < 67108864 )); then
  sysctl -qw fs.pipe-max-size=67108864 || log "warning: could not raise fs.pipe-max-size; lazy migration unavailable"
fi
modprobe -q nf_tables 2>/dev/null || true

# Packaging checks: dpkg-deb builds the .deb, systemd-analyze verifies its units.
command -v systemd-analyze >/dev/null || { log "installing systemd (systemd-analyze)"; apt_install systemd; }

# Docker engine for the coordinator-HA suite (Testcontainers, images built locally by deploy/images/build.sh):
# its networks stay in test ranges (198.18.200.0/24 default bridge, 198.19.0.0/16 for user networks).
command -v dockerd >/dev/null || { log "installing docker.io"; apt_install docker.io; }
docker_conf='{"bip":"198.18.200.1/24","default-address-pools":[{"base":"198.19.0.0/16","size":24}]}'
mkdir -p /etc/docker
if [[ "$(cat /etc/docker/daemon.json 2>/dev/null)" != "$docker_conf" ]]; then
  echo "$docker_conf" > /etc/docker/daemon.json
  if docker info >/dev/null 2>&1; then docker_restart=1; fi
fi
if [[ -n "${docker_restart:-}" ]] || ! docker info >/dev/null 2>&1; then
  log "starting dockerd"
  if [[ -d /run/systemd/system ]]; then
    systemctl restart docker
  else
    [[ -n "${docker_restart:-}" ]] && { kill "$(cat /var/run/docker.pid)" 2>/dev/null || true; sleep 3; }
    setsid -f dockerd </dev/null >/var/log/ferry-dockerd.log 2>&1
  fi
  for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 0.5; done
  docker info >/dev/null 2>&1 || { tail -20 /var/log/ferry-dockerd.log >&2; die "dockerd did not start"; }
fi
# dockerd sets the FORWARD policy to DROP, which would drop traffic between the e2e suite's own
# network namespaces on its own bridges: let everything pass (DOCKER-USER is consulted first).
iptables -C DOCKER-USER -j ACCEPT 2>/dev/null || iptables -I DOCKER-USER -j ACCEPT

log "ready: $(criu --version | head -1), $(crun --version | head -1), $("$JAVA25/bin/java" -version 2>&1 | head -1), etcd $(etcd --version 2>/dev/null | head -1 | awk '{print $3}'), $(docker version --format 'docker {{.Server.Version}}' 2>/dev/null)"
log "capabilities of this host (criu check):"
feature() { if criu check --feature "$1" >/dev/null 2>&1; then echo "yes"; else echo "no"; fi; }
printf '  %-28s %s\n' "dirty tracking (pre-copy)" "$(feature mem_dirty_track)"
printf '  %-28s %s\n' "userfaultfd (post-copy)" "$(feature uffd-noncoop)"
printf '  %-28s %s\n' "time namespaces" "$(feature timens)"
printf '  %-28s %s\n' "network lock (nftables)" "$(feature network-lock-nftables)"
printf '  %-28s %s\n' "network lock (iptables)" "$(command -v iptables-restore >/dev/null && echo yes || echo no)"
