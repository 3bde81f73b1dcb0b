#!/usr/bin/env sh
# Builds libtrellis-gcm.so (the AVX-512 AES-GCM of trellis_gcm.c) into the classes directory given,
# where NativeAesGcm finds it as a resource. Run by Maven (ipsec/pom.xml, generate-resources).
#
#   build.sh OUTPUT_DIR
#
# Without gcc, or off x86-64 Linux, it says so in one line and builds nothing: the build still passes
# and ESP uses the JDK's AES-GCM (NativeAesGcm.unavailableReason() says why).
set -eu
out="$1/io/trellis/ipsec/esp/native/linux-x86_64"
src="$(dirname "$0")/trellis_gcm.c"
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) ;;
  *) echo "trellis-ipsec: not x86-64 Linux: no native AES-GCM (ESP uses the JDK's)"; exit 0 ;;
esac
cc="${CC:-gcc}"
if ! command -v "$cc" >/dev/null 2>&1; then
  echo "trellis-ipsec: WARNING: '$cc' is missing (apt-get install -y gcc): no native AES-GCM, ESP uses the JDK's"
  exit 0
fi
mkdir -p "$out"
# -fvisibility=hidden + default on the entry points: nothing else of the library is exported.
"$cc" -O2 -std=gnu11 -fPIC -shared -Wall -Wextra -Werror -fvisibility=hidden -fstack-protector-strong \
  -Wl,-z,noexecstack -Wl,-z,relro -Wl,-z,now -o "$out/libtrellis-gcm.so" "$src"
