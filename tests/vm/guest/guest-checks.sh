# Guest scenario checks (busybox ash, sourced by /init). A scenario is begin ... checks ... finish;
# finish prints "CAPSTATE-VM: RESULT <name> PASS" only when no check of it failed.

CAPSTATE=/opt/capstate/bin/capstate

# Starts scenario $1.
begin() {
  SCENARIO="$1"
  FAILED=0
  mark "BEGIN $SCENARIO"
}

# Records a passed check ($*: what held).
ok() { mark "ok $SCENARIO: $*"; }

# Records a failed check ($*: what did not hold).
bad() {
  FAILED=$((FAILED + 1))
  mark "CHECK-FAILED $SCENARIO: $*"
}

# Ends the scenario with its verdict.
finish() {
  if [ "$FAILED" -eq 0 ]; then
    mark "RESULT $SCENARIO PASS"
  else
    mark "RESULT $SCENARIO FAIL ($FAILED checks failed)"
  fi
}

# Runs capstate with the given arguments; RC, /tmp/cs.out and /tmp/cs.err hold what it did, and
# its output is echoed indented so a failure can be read in the log.
run_capstate() {
  "$CAPSTATE" "$@" >/tmp/cs.out 2>/tmp/cs.err
  RC=$?
  mark "  capstate $* -> exit $RC"
  sed 's/^/CAPSTATE-VM:   | /' /tmp/cs.out /tmp/cs.err | head -n 40
}

# Both devices have MSI-X enabled with programmed vectors (the drivers requested their interrupts).
check_msix_live() {
  for a in $NVME $NIC; do
    if lspci -vv -s "$a" 2>/dev/null | grep -q 'MSI-X: Enable+'; then
      ok "$a: lspci shows MSI-X: Enable+"
    else
      bad "$a: lspci does not show MSI-X: Enable+"
    fi
    if msix_table_dump "$a" | awk 'NF == 4 && $1 != "00000000" { found = 1 } END { exit !found }'; then
      ok "$a: the MSI-X table has programmed vectors"
    else
      bad "$a: no MSI-X vector table entry is programmed"
    fi
  done
}

# Every snapshot kind ($3...) of every test device is equal between snapshots $1 and $2.
check_same() {
  first="$1"
  second="$2"
  shift 2
  for a in $DEVICES; do
    for kind in "$@"; do
      if same_snapshot "$first" "$second" "$a" "$kind"; then
        ok "$a: $kind after '$second' equals '$first'"
      else
        bad "$a: $kind after '$second' differs from '$first' (lines above)"
      fi
    done
  done
}

# The NVMe namespace still answers: an O_DIRECT read at block $1 completes within 20 s.
check_nvme_io() {
  if nvme_read_ok "$1"; then
    ok "NVMe O_DIRECT read of 16 blocks at block $1 completed with the expected data"
  else
    bad "NVMe O_DIRECT read at block $1 failed or timed out: $(cat /tmp/nvme-read.err 2>/dev/null)"
  fi
}

# Scenario body shared by 1, 2 and 3: snapshot, clobber (and check it changed what lspci and the
# vector table show), restore from state file $1, verify OK, the snapshot equals the one before the
# clobber, and NVMe I/O works (read at block $2).
clobber_and_restore() {
  check_msix_live
  snapshot before
  clobber || bad "clobber: the NVMe MSI-X table was not found"
  snapshot clobbered
  for a in $DEVICES; do
    if same_snapshot before clobbered "$a" lspci >/dev/null; then
      bad "$a: the clobber changed nothing lspci shows, so the restore would prove nothing"
    else
      ok "$a: the clobber changed what lspci -vv shows"
    fi
  done
  if same_snapshot before clobbered "$NVME" table >/dev/null; then
    bad "$NVME: the clobber did not change the MSI-X table"
  else
    ok "$NVME: the clobber changed the MSI-X vector table"
  fi
  lspci -vv -s "$NVME" 2>/dev/null | grep -q 'MSI-X: Enable+ .*Masked+' &&
    ok "$NVME: clobbered MSI-X shows Masked+"
  run_capstate restore -i "$1"
  [ "$RC" -eq 0 ] && ok "restore exit code 0" || bad "restore exit code $RC, expected 0"
  for a in $DEVICES; do
    if grep "^$a:" /tmp/cs.out | grep -qi 'verify ok'; then
      ok "$a: restore reports verify OK"
    else
      bad "$a: restore does not report verify OK for the device"
    fi
  done
  snapshot restored
  check_same before restored lspci table
  check_nvme_io "$2"
}
