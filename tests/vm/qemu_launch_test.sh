#!/usr/bin/env bash
# ctest vm_launcher: tests/vm/qemu-launch's choice of accelerator, with a fake qemu-system-x86_64
# on PATH. The fake logs each call's -accel, then behaves as FAKE_KVM says under KVM (abort: the
# MSR assertion and exit 134 of a broken nested KVM; hang: no output until killed; ok: a guest)
# and as a guest that prints its markers and powers off under TCG.
# Usage: qemu_launch_test.sh LAUNCHER
set -uo pipefail

launcher="${1:?usage: qemu_launch_test.sh LAUNCHER}"
work="$(mktemp -d)"
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT
failures=0
checks=0

check() { # check DESCRIPTION COMMAND...
  local what="$1"
  shift
  checks=$((checks + 1))
  if "$@"; then
    echo "ok   $what"
  else
    echo "FAIL $what"
    failures=$((failures + 1))
  fi
}

mkdir -p "$work/bin"
cat >"$work/bin/qemu-system-x86_64" <<'FAKE'
#!/usr/bin/env bash
accel=""
pidfile=""
while [ $# -gt 0 ]; do
  case "$1" in
    -accel) accel="$2"; shift ;;
    -pidfile) pidfile="$2"; shift ;;
  esac
  shift
done
echo "$accel" >>"$FAKE_CALLS"
[ -n "$pidfile" ] && echo $$ >"$pidfile"
if [ "$accel" = kvm ]; then
  case "$FAKE_KVM" in
    abort)
      echo "qemu-system-x86_64: error: failed to set MSR 0x10a to 0x69"
      echo "qemu-system-x86_64: ../../target/i386/kvm/kvm.c:3183: kvm_buf_set_msrs: Assertion \`ret == cpu->kvm_msr_buf->nmsrs' failed."
      exit 134 ;;
    hang) exec sleep 600 ;;
  esac
fi
printf 'SeaBIOS\r\n'
printf 'CAPSTATE-VM: BEGIN boot1 [%s]\r\n' "$accel"
printf 'CAPSTATE-VM: END boot1\r\n'
exit 0
FAKE
chmod +x "$work/bin/qemu-system-x86_64"
: >"$work/kvm"
chmod 600 "$work/kvm"

# run NAME FAKE_KVM [ENV=VALUE...]: runs the launcher; its output in $work/NAME.out, the calls in
# $work/NAME.calls, the console in $work/NAME.log, its exit status in $work/NAME.rc.
run() {
  local name="$1" mode="$2"
  shift 2
  : >"$work/$name.calls"
  env PATH="$work/bin:$PATH" FAKE_KVM="$mode" FAKE_CALLS="$work/$name.calls" \
    CAPSTATE_VM_KVM_DEVICE="$work/kvm" CAPSTATE_VM_KVM_PROBE=3 "$@" \
    "$launcher" "$work/$name.log" 30 -- -M q35 -m 64 >"$work/$name.out" 2>&1
  echo $? >"$work/$name.rc"
}
rc_is() { [ "$(cat "$work/$1.rc")" = "$2" ]; }
calls_are() { [ "$(tr '\n' ' ' <"$work/$1.calls")" = "$2" ]; }
says() { grep -q -- "$2" "$work/$1.out"; }
says_once() { [ "$(grep -c -- "$2" "$work/$1.out")" = 1 ]; }

# A KVM that aborts before the guest starts: one retry under TCG, one line saying why.
run broken abort env -u CAPSTATE_VM_ACCEL
check "broken KVM: exit 0 after the fallback" rc_is broken 0
check "broken KVM: QEMU run under kvm, then tcg" calls_are broken "kvm tcg "
check "broken KVM: one fallback line" says_once broken "falling back to TCG"
check "broken KVM: the line names QEMU's error" says broken "failed to set MSR 0x10a.*(exit 134); falling back to TCG"
check "broken KVM: the TCG guest's markers stream" says broken "CAPSTATE-VM: BEGIN boot1 \[tcg\]"
check "broken KVM: the console log is the TCG run's" grep -q "BEGIN boot1 \[tcg\]" "$work/broken.log"
check "broken KVM: KVM's console kept" grep -q "failed to set MSR" "$work/broken.log.kvm"

# A KVM guest that prints nothing within the probe time is killed and run under TCG.
run hang hang env -u CAPSTATE_VM_ACCEL
check "hanging KVM: exit 0 after the fallback" rc_is hang 0
check "hanging KVM: QEMU run under kvm, then tcg" calls_are hang "kvm tcg "
check "hanging KVM: the line gives the probe time" says hang "no guest output within 3s; falling back to TCG"

# A working KVM is used, once.
run working ok env -u CAPSTATE_VM_ACCEL
check "working KVM: exit 0" rc_is working 0
check "working KVM: one run, under kvm" calls_are working "kvm "
check "working KVM: no fallback" bash -c "! grep -q 'falling back' '$work/working.out'"

# No usable KVM device: TCG directly.
chmod 000 "$work/kvm"
if [ "$(id -u)" -eq 0 ]; then rm -f "$work/kvm"; fi
run nodev abort env -u CAPSTATE_VM_ACCEL
check "no KVM device: exit 0" rc_is nodev 0
check "no KVM device: one run, under tcg" calls_are nodev "tcg "
: >"$work/kvm"
chmod 600 "$work/kvm"

# CAPSTATE_VM_ACCEL=kvm forces KVM: no fallback, QEMU's status, a loud error.
run forced abort CAPSTATE_VM_ACCEL=kvm
check "forced KVM: QEMU's exit status 134" rc_is forced 134
check "forced KVM: one run, under kvm" calls_are forced "kvm "
check "forced KVM: no fallback" bash -c "! grep -q 'falling back' '$work/forced.out'"
check "forced KVM: the error names QEMU's message" says forced "error: QEMU under kvm.*failed to set MSR"

# CAPSTATE_VM_ACCEL=tcg: TCG even with a usable KVM device.
run forcedtcg ok CAPSTATE_VM_ACCEL=tcg
check "forced TCG: one run, under tcg" calls_are forcedtcg "tcg "

# A bad value is refused before QEMU runs.
run bad ok CAPSTATE_VM_ACCEL=hvf
check "CAPSTATE_VM_ACCEL=hvf: exit 2" rc_is bad 2
check "CAPSTATE_VM_ACCEL=hvf: QEMU never ran" calls_are bad ""

echo "$((checks - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
