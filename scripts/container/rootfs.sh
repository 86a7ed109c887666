#!/bin/sh
# rootfs.sh GLIBC_ROOT OUT TARGETARCH
# Copies exactly the files a glibc Bun binary needs for TARGETARCH (amd64 or arm64) from a
# Debian root (GLIBC_ROOT) into OUT, dereferencing links: the dynamic loader at the path fixed
# in the binary, libc, libm, libpthread, libdl; plus /etc/passwd and /etc/group, and /tmp (1777).
set -eu

root=$1
out=$2
arch=$3

case "$arch" in
  amd64) multiarch=x86_64-linux-gnu; loader_dir=/lib64; loader=ld-linux-x86-64.so.2 ;;
  arm64) multiarch=aarch64-linux-gnu; loader_dir=/lib; loader=ld-linux-aarch64.so.1 ;;
  *) echo "rootfs.sh: unsupported architecture '$arch' (amd64 or arm64)" >&2; exit 1 ;;
esac

mkdir -p "$out$loader_dir" "$out/lib/$multiarch" "$out/etc" "$out/tmp"
cp -L "$root/lib/$multiarch/$loader" "$out$loader_dir/$loader"
for lib in libc.so.6 libm.so.6 libpthread.so.0 libdl.so.2; do
  cp -L "$root/lib/$multiarch/$lib" "$out/lib/$multiarch/$lib"
done
cp -L "$root/etc/passwd" "$root/etc/group" "$out/etc/"
chmod 1777 "$out/tmp"
