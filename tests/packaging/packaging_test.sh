#!/usr/bin/env bash
# ctest "packaging": builds the Debian packages the way a distribution does (dpkg-buildpackage -us
# -uc -b with debian/) in a copy of the source tree, runs lintian on them, checks their control
# data (dpkg-deb -f/-e) and contents (dpkg-deb -c), then either
#   - installs them for real (root and CAPSTATE_TEST_DPKG_INSTALL=1; purged again on exit), or
#   - extracts them into a temporary root (dpkg-deb -x)
# and runs the packaged capstate: its plugins load from /usr/lib/<multiarch>/capstate/plugins and the
# example plugin builds against the packaged SDK (CMake package and pkg-config) and loads.
# lintian: any E: fails, and so does any W: that is neither overridden (debian/*.lintian-overrides)
# nor explained in debian/README.source (its lines "- `tag`: why").
# The packages, the .changes file, the build log and lintian's output are left in
# BINARY_DIR/packaging-deb/. CAPSTATE_PACKAGING_JOBS sets the build's parallelism (default nproc).
# Usage: packaging_test.sh SOURCE_DIR BINARY_DIR
set -euo pipefail

src=$1
bin=$2
out="$bin/packaging-deb"
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || gcc -print-multiarch)
arch=$(dpkg --print-architecture)
debversion=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version)
version=${debversion%-*}
cmake_version=$(sed -n 's/^project(capstate VERSION \([0-9.]*\).*/\1/p' "$src/CMakeLists.txt")
if [ "$version" != "$cmake_version" ]; then
  echo "FAIL: debian/changelog is at $debversion, CMakeLists.txt at $cmake_version: add a changelog entry (dch -v $cmake_version-1)" >&2
  exit 1
fi
failures=0
work=$(mktemp -d "${TMPDIR:-/tmp}/capstate-packaging-XXXXXX")
chmod 0755 "$work"
installed=0
started=$(date +%s)

cleanup() {
  if [ "$installed" = 1 ]; then
    rm -f /etc/capstate/conf.d/zz-packaging-test.toml
    dpkg --purge libcapstate-dev capstate >"$work/purge.log" 2>&1 || cat "$work/purge.log" >&2
  fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
check_contains() {  # TEXT NEEDLE WHAT
  if ! grep -qF -- "$2" <<<"$1"; then fail "$3: '$2' not found in:"$'\n'"$1"; fi
}

for tool in dpkg-buildpackage dh lintian; do
  command -v "$tool" >/dev/null || {
    echo "FAIL: $tool not found; scripts/deps installs it (dpkg-dev, debhelper, lintian)" >&2
    exit 1
  }
done

# --- 1. Build the packages with dpkg-buildpackage -------------------------------------------------
bash "$(dirname "$0")/build-debs" "$src" "$work" "$work/build.log"
echo "   built in $(($(date +%s) - started)) s"
rm -rf "$out" "$bin/packaging-build"  # packaging-build: the CPack build tree of older versions
mkdir -p "$out"
cp "$work/src/"*.deb "$work/src/"*.changes "$work/src/"*.buildinfo "$work/build.log" "$out/"
deb="$out/capstate_${debversion}_${arch}.deb"
devdeb="$out/libcapstate-dev_${debversion}_${arch}.deb"
changes="$out/capstate_${debversion}_${arch}.changes"
for f in "$deb" "$devdeb" "$changes"; do
  [ -f "$f" ] || {
    echo "FAIL: $f was not built; dpkg-buildpackage made: $(ls "$out")" >&2
    exit 1
  }
done

# --- 2. lintian ----------------------------------------------------------------------------------
echo "== lintian $(basename "$changes")"
lintian --fail-on none "$changes" >"$out/lintian.txt" 2>&1 || {
  cat "$out/lintian.txt"
  echo "FAIL: lintian did not run" >&2
  exit 1
}
explained=$(sed -n 's/^- `\([a-z0-9][a-z0-9+.-]*\)`:.*/\1/p' "$src/debian/README.source")
while read -r level _ tag _; do
  case $level in
    E:) fail "lintian error: $(grep -F -- " $tag" "$out/lintian.txt" | head -3)" ;;
    W:) grep -qxF -- "$tag" <<<"$explained" ||
      fail "lintian warning $tag is neither overridden (debian/*.lintian-overrides) nor explained in debian/README.source: $(grep -F -- " $tag" "$out/lintian.txt" | head -3)" ;;
  esac
done < <(sed -E 's/^([EW]): [^:]+: /\1: x /' "$out/lintian.txt" | grep -E '^[EW]: ' || true)
grep -E '^[EW]: ' "$out/lintian.txt" || echo "   no errors or warnings"

# --- 3. Control data and maintainer scripts -------------------------------------------------------
info=$(dpkg-deb -f "$deb" Package Version Architecture Section Depends Description)
check_contains "$info" "Package: capstate" "capstate control"
check_contains "$info" "Version: $debversion" "capstate control"
check_contains "$info" "Section: admin" "capstate control"
check_contains "$info" "Description: save and restore PCI device state, capability by capability" \
  "capstate control"
depends=$(dpkg-deb -f "$deb" Depends)
for d in libc6 libstdc++6 libgcc-s1; do
  check_contains "$depends" "$d (>=" "capstate Depends (from dpkg-shlibdeps)"
done
if grep -q capstate <<<"$depends"; then fail "capstate depends on itself: $depends"; fi
devdepends=$(dpkg-deb -f "$devdeb" Depends)
check_contains "$devdepends" "capstate (= $debversion)" "libcapstate-dev Depends"
check_contains "$devdepends" "libboost-dev (>= 1.74)" "libcapstate-dev Depends"
check_contains "$(dpkg-deb -f "$devdeb" Package Section Description)" \
  "Description: plugin SDK for capstate" "libcapstate-dev control"
# ldconfig runs after install and removal (the package ships libcapstate.so.N in the libdir): the
# ldconfig trigger of dh_makeshlibs.
dpkg-deb -e "$deb" "$work/control"
grep -qx 'activate-noawait ldconfig' "$work/control/triggers" 2>/dev/null ||
  fail "capstate does not trigger ldconfig: $(cat "$work/control/triggers" 2>&1)"
# The live-update units are opt-in: no maintainer script starts or restarts them (dh_installsystemd
# --no-enable --no-start --no-stop-on-upgrade); enabling is checked by the real install below.
for s in preinst postinst prerm postrm; do
  [ -f "$work/control/$s" ] || continue
  if grep -En 'deb-systemd-invoke|systemctl .*(start|stop)' "$work/control/$s"; then
    fail "capstate $s starts, restarts or stops the units"
  fi
done
grep -q 'deb-systemd-helper purge' "$work/control/postrm" 2>/dev/null ||
  fail "capstate postrm does not remove the units' enablement on purge"

# --- 4. Contents ---------------------------------------------------------------------------------
plugindir="/usr/lib/$multiarch/capstate/plugins"
contents=$(dpkg-deb -c "$deb" | awk '{print $1, $2, $6}')
for p in ./usr/bin/capstate "./usr/lib/$multiarch/libcapstate.so.$version" \
  "./usr/lib/$multiarch/libcapstate.so.${version%%.*}" \
  ".$plugindir/pcie.so" ".$plugindir/msix.so" ".$plugindir/ltr.so" \
  ./usr/share/capstate/capability-names.toml ./usr/share/capstate/capability-stateless.toml \
  ./usr/lib/capstate/capstate.toml \
  ./etc/capstate/conf.d/ ./var/lib/capstate/ ./usr/share/man/man1/capstate.1.gz \
  ./usr/share/bash-completion/completions/capstate \
  ./lib/systemd/system/capstate-save.service \
  ./lib/systemd/system/capstate-restore-early.service \
  ./lib/systemd/system/capstate-restore-late.service \
  ./usr/share/doc/capstate/live-update.md ./usr/share/doc/capstate/policy.md \
  ./usr/share/doc/capstate/copyright ./usr/share/doc/capstate/changelog.Debian.gz \
  "./usr/share/lintian/overrides/capstate"; do
  check_contains "$contents" " $p" "capstate contents"
done
# Trust rules: everything root-owned, nothing group/other-writable.
if grep -v '^[-dl]r[-w][-xs]r-[-xs]r-[-xt] root/root ' <<<"$contents" | grep -v '^l' | grep -q .; then
  fail "files not root-owned 0755/0644 in capstate:"$'\n'"$(grep -v '^[-dl]r[-w][-xs]r-[-xs]r-[-xt] root/root ' <<<"$contents")"
fi
devcontents=$(dpkg-deb -c "$devdeb" | awk '{print $6}')
for p in ./usr/include/capstate/sdk/sdk.hpp ./usr/include/capstate/sdk/sdk_fingerprint.hpp \
  "./usr/lib/$multiarch/cmake/capstate/capstateConfig.cmake" \
  "./usr/lib/$multiarch/cmake/capstate/capstateTargets.cmake" \
  "./usr/lib/$multiarch/pkgconfig/capstate-sdk.pc" \
  ./usr/share/capstate/examples/pm-example/CMakeLists.txt \
  ./usr/share/capstate/examples/pm-example/pm_example.cpp \
  "./usr/lib/$multiarch/cmake/capstate/CapstateGoldenCheck.cmake" \
  ./usr/share/capstate/examples/cxl-dvsec-plugin/CMakeLists.txt \
  ./usr/share/capstate/examples/cxl-dvsec-plugin/golden/xilinx-c084-v1.cst \
  ./usr/share/capstate/examples/cxl-dvsec-plugin/abi/cxl-dvsec/schema-1.txt \
  ./usr/share/doc/libcapstate-dev/plugin-authoring.md \
  ./usr/share/doc/libcapstate-dev/copyright ./usr/share/doc/libcapstate-dev/changelog.Debian.gz; do
  check_contains "$devcontents" "$p" "libcapstate-dev contents"
done
if grep -q '^./usr/bin/' <<<"$devcontents"; then fail "libcapstate-dev ships programs"; fi

# --- 5. Run what was packaged --------------------------------------------------------------------
# expect_plugins CAPSTATE ROOT: every in-tree plugin loads from ROOT/usr/lib/<multiarch>/capstate/plugins;
# the checker: the entry of plugin NAME is loaded, from FILE, with a version.
cat >"$work/check_plugin.py" <<'EOF'
import json, sys
name, path = sys.argv[1], sys.argv[2]
entries = [e for e in json.load(sys.stdin) if e["name"] == name]
assert len(entries) == 1, f"{name}: {len(entries)} entries"
e = entries[0]
assert e["status"] == "loaded", f"{name}: status {e['status']} ({e['reason']})"
assert e["file"] == path, f"{name}: loaded from {e['file']}, expected {path}"
assert e["version"], f"{name}: no version"
EOF
expect_plugins() {
  local out
  if ! out=$("$1" plugins --json 2>"$work/plugins.err"); then
    fail "$1 plugins failed: $(cat "$work/plugins.err")"
    return
  fi
  for name in pcie msix msi ltr header pm acs dpc ptm pcix pasid pri ats rebar sriov tph vc aer l1ss; do
    python3 "$work/check_plugin.py" "$name" "$2$plugindir/$name.so" <<<"$out" ||
      fail "plugin $name from $2$plugindir"
  done
}

# build_example CAPSTATE PREFIX: builds pm-example from PREFIX/usr/share/capstate/examples with the
# CMake package and with pkg-config; the installed capstate loads both. The example claims
# standard:0x01 like the packaged in-tree plugin "pm"; loaded together one of them would be refused
# (and `capstate plugins` would exit 1), so the packaged one is disabled by a policy file.
build_example() {
  local cs=$1 prefix=$2 ex="$work/example" policy="$work/example-policy.toml"
  printf 'disabled_plugins = ["pm"]\n' >"$policy"
  cp -r "$prefix/usr/share/capstate/examples/pm-example" "$ex"
  local cmake_args=(-S "$ex" -B "$ex/build" -G Ninja -DCMAKE_BUILD_TYPE=Release)
  [ "$prefix" = "" ] || cmake_args+=("-DCMAKE_PREFIX_PATH=$prefix/usr")
  if cmake "${cmake_args[@]}" >"$work/ex.log" 2>&1 && cmake --build "$ex/build" >>"$work/ex.log" 2>&1; then
    chmod 0755 "$ex/build/pm-example.so"
    local out
    out=$("$cs" plugins --plugin-dir "$ex/build" --config "$policy" --json 2>>"$work/ex.log") ||
      fail "plugins --plugin-dir: $(cat "$work/ex.log")"
    python3 -c 'import json,sys; e=[x for x in json.load(sys.stdin) if x["name"]=="pm-example"][0]; assert e["status"]=="loaded", e; assert e["restore_phase"]==50, e' <<<"$out" ||
      fail "example plugin (CMake package) did not load: $out"
  else
    fail "example plugin does not build with the CMake package: $(cat "$work/ex.log")"
  fi
  mkdir -p "$ex/pc"
  local pcpath="$prefix/usr/lib/$multiarch/pkgconfig"
  if g++ $(PKG_CONFIG_PATH="$pcpath" PKG_CONFIG_SYSROOT_DIR= pkg-config --cflags capstate-sdk) \
    -shared -fPIC -fvisibility=hidden -O1 -o "$ex/pc/pm-example.so" "$ex/pm_example.cpp" 2>"$work/pc.log"; then
    chmod 0755 "$ex/pc/pm-example.so"
    "$cs" plugins --plugin-dir "$ex/pc" --config "$policy" | grep -q '^pm-example ' ||
      fail "pkg-config-built pm-example.so not listed"
  else
    fail "example plugin does not build with pkg-config: $(cat "$work/pc.log")"
  fi
  [ "$(PKG_CONFIG_PATH="$pcpath" pkg-config --variable=plugindir capstate-sdk)" -ef "$prefix$plugindir" ] ||
    fail "pkg-config plugindir is not $prefix$plugindir"
}

if [ "$(id -u)" = 0 ] && [ "${CAPSTATE_TEST_DPKG_INSTALL:-}" = 1 ]; then
  echo "== installing with dpkg -i"
  if dpkg-query -W capstate >/dev/null 2>&1; then
    echo "FAIL: capstate is already installed on this machine; remove it first" >&2
    exit 1
  fi
  installed=1
  # --path-include: containers often exclude /usr/share/man and /usr/share/doc from dpkg.
  inc=(--path-include='/usr/share/man/man1/capstate.1.gz' --path-include='/usr/share/doc/*capstate*')
  if ! dpkg -i "${inc[@]}" "$deb" "$devdeb" >"$work/dpkg.log" 2>&1; then
    DEBIAN_FRONTEND=noninteractive apt-get install -f -y -qq --no-install-recommends \
      >>"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; exit 1; }
  fi
  dpkg-query -W -f='${Status}\n' capstate libcapstate-dev | grep -c 'install ok installed' |
    grep -qx 2 || fail "packages not installed: $(cat "$work/dpkg.log")"
  unset CAPSTATE_PLUGIN_PATH CAPSTATE_CONFIG_ROOT CAPSTATE_DATA_DIR
  expect_plugins /usr/bin/capstate ""
  [ -f /usr/share/man/man1/capstate.1.gz ] || fail "/usr/share/man/man1/capstate.1.gz missing"
  if command -v man >/dev/null; then
    man -P cat capstate 2>/dev/null | grep -q "save and restore PCI device state" ||
      fail "man capstate does not render"
  else
    echo "note: man-db not installed; checked the file only"
  fi
  # The /etc layer is read: a drop-in shows up as the source of a value.
  printf 'live_update_restore = "late"\n' >/etc/capstate/conf.d/zz-packaging-test.toml
  check_contains "$(/usr/bin/capstate config show)" \
    'live_update_restore = "late"  # from /etc/capstate/conf.d/zz-packaging-test.toml:1' "config show"
  check_contains "$(/usr/bin/capstate live-update restore --stage early)" \
    "policy restores at stage 'late'" "live-update restore"
  rm -f /etc/capstate/conf.d/zz-packaging-test.toml
  # Installing enabled none of the units.
  enabled=$(find /etc/systemd/system -name 'capstate-*' 2>/dev/null || true)
  [ -z "$enabled" ] || fail "installing the package enabled units: $enabled"
  build_example /usr/bin/capstate ""
else
  echo "== extracting with dpkg-deb -x (install for real: root and CAPSTATE_TEST_DPKG_INSTALL=1)"
  root="$work/root"
  dpkg-deb -x "$deb" "$root"
  dpkg-deb -x "$devdeb" "$root"
  unset CAPSTATE_PLUGIN_PATH CAPSTATE_DATA_DIR
  expect_plugins "$root/usr/bin/capstate" "$root"
  check_contains "$(CAPSTATE_CONFIG_ROOT="$root" "$root/usr/bin/capstate" live-update restore --stage late)" \
    "policy restores at stage 'early'" "live-update restore"
  build_example "$root/usr/bin/capstate" "$root"
fi

if [ "$failures" -ne 0 ]; then
  echo "$failures packaging check(s) failed" >&2
  exit 1
fi
echo "packaging: all checks passed ($(($(date +%s) - started)) s)"
