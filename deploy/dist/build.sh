#!/usr/bin/env bash
# Builds Ferry's distribution (mvn package runs it from the dist module):
#   <target>/ferry/          the installation tree: bin/ferry, lib/*.jar, runtime/ (jlink-trimmed JDK)
#   <target>/ferry_<v>_amd64.deb   installs it in /opt/ferry, /usr/bin/ferry, the systemd units and /etc/ferry/*.conf
# Usage: build.sh <target-dir> <launcher-jar> <deb-version>
set -euo pipefail
target=$1 launcher_jar=$2 version=$3
deploy=$(cd "$(dirname "$0")/.." && pwd)
: "${JAVA_HOME:?JAVA_HOME must name a JDK 25}"
# The JDK modules Ferry's jars use (jdeps --print-module-deps on dist/target/lib), plus DNS and EC crypto for TLS.
modules=java.base,java.compiler,java.desktop,java.logging,java.management,java.naming,java.net.http,java.sql,java.xml,jdk.jfr,jdk.unsupported,jdk.naming.dns,jdk.crypto.ec,jdk.zipfs

home=$target/ferry
rm -rf "$home/bin" "$home/lib"
mkdir -p "$home/bin" "$home/lib"
cp "$target"/lib/*.jar "$launcher_jar" "$home/lib/"
install -m 0755 "$deploy/dist/ferry" "$home/bin/ferry"

# jlink is the slow step (tens of seconds): redo it only when the modules or the JDK change.
stamp="$modules $(grep '^JAVA_RUNTIME_VERSION=' "$JAVA_HOME/release")"
if [[ ! -x "$home/runtime/bin/java" || "$(cat "$target/runtime.stamp" 2>/dev/null)" != "$stamp" ]]; then
  rm -rf "$home/runtime"
  "$JAVA_HOME/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
    --compress zip-6 --output "$home/runtime"
  echo "$stamp" > "$target/runtime.stamp"
fi

# The documented configuration files, written from the components' own flags.
conf=$target/conf
mkdir -p "$conf"
for c in agent coordinator; do
  "$home/runtime/bin/java" -cp "$home/lib/*" dev.ferry.dist.ConfigTemplate "$c" > "$conf/$c.conf"
done

# The Debian package.
pkg=$target/deb
rm -rf "$pkg"
mkdir -p "$pkg/DEBIAN" "$pkg/opt" "$pkg/usr/bin" "$pkg/usr/lib/systemd/system" "$pkg/etc/ferry" "$pkg/usr/share/doc/ferry"
cp -a "$home" "$pkg/opt/ferry"
ln -s /opt/ferry/bin/ferry "$pkg/usr/bin/ferry"
install -m 0644 "$deploy"/systemd/ferry-agent.service "$deploy"/systemd/ferry-coordinator.service "$pkg/usr/lib/systemd/system/"
install -m 0644 "$conf/agent.conf" "$conf/coordinator.conf" "$pkg/etc/ferry/"
install -m 0644 "$deploy/debian/copyright" "$pkg/usr/share/doc/ferry/copyright"
printf '/etc/ferry/agent.conf\n/etc/ferry/coordinator.conf\n' > "$pkg/DEBIAN/conffiles"
install -m 0755 "$deploy/debian/postinst" "$deploy/debian/postrm" "$pkg/DEBIAN/"
sed -e "s/@VERSION@/$version/" -e "s/@SIZE@/$(du -sk --exclude=DEBIAN "$pkg" | cut -f1)/" \
  "$deploy/debian/control" > "$pkg/DEBIAN/control"
deb=$target/ferry_${version}_amd64.deb
dpkg-deb --root-owner-group -Zzstd --build "$pkg" "$deb" >/dev/null
echo "ferry distribution: $home ($(du -sh "$home" | cut -f1), runtime $(du -sh "$home/runtime" | cut -f1)); package $deb ($(du -h "$deb" | cut -f1))"
