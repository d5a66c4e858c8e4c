# Issue 20's guest scenarios (busybox ash, sourced by /init): the root ports' AER, ACS and other
# control registers restored by capstate and compared with their bytes before a clobber (scenario 8), and the
# SR-IOV capability of an NVMe controller with VFs enabled, after a function reset behind the
# kernel's back, compared with the kernel's own reset (scenario 9). Every register write here
# happens inside the QEMU guest only. docs/vm-test.md says what is compared and why.

# The block (4 KiB) of namespace 1 scenario 8 reads after restoring the NVMe controller's root port.
READ_AT_PORTS=160

# The offset (decimal) of the capability lspci names "$2" (e.g. "Advanced Error Reporting") in
# device $1's config space; empty when the device has none.
cap_offset() {
  o="$(lspci -s "$1" -vv 2>/dev/null |
    sed -n "s|.*Capabilities: \[\([0-9a-f]*\)\( v[0-9]*\)\?\] $2.*|\1|p" | head -n 1)"
  [ -n "$o" ] && echo $((0x$o))
}

# Writes the 16-bit register at byte offset $2 (decimal) of device $1 as its value in config image
# /tmp/cfg/pre.$1 XOR $3: the same clobbered value however often the port is clobbered.
clobber16() {
  setpci -s "$1" "$(printf %x "$2").w=$(printf %04x $((0x$(image_word "pre.$1" "$2") ^ $3)))"
}

# The same for the 32-bit register at byte offset $2.
clobber32() {
  setpci -s "$1" "$(printf %x "$2").l=$(printf %08x $(((0x$(image_dword "pre.$1" "$2") ^ $3) & 0xffffffff)))"
}

# Prints the 16-bit value at byte offset $2 (decimal) of config image /tmp/cfg/$1 (little endian).
image_word() {
  od -A n -t u1 -j "$2" -N 2 "/tmp/cfg/$1" | awk '{ printf "%04x", $1 + 256 * $2 }'
}

# Prints the 32-bit value at byte offset $2 (decimal) of config image /tmp/cfg/$1 (little endian;
# in two halves, as busybox awk prints no value above 0x7fffffff with %x).
image_dword() {
  od -A n -t u1 -j "$2" -N 4 "/tmp/cfg/$1" | awk '{ printf "%04x%04x", $3 + 256 * $4, $1 + 256 * $2 }'
}

# What a reset or a careless tool leaves on root port $1: every writable AER register flipped
# (uncorrectable mask and severity, correctable mask, the ECRC and multiple-header enables of AER
# Capabilities and Control, Root Error Command), the ACS enables, the PCI Express control registers
# of scenario 1 (Device Control, Link Control, Device Control 2, Root Control; not Slot Control,
# whose power controller bit would cut the slot's power), and in the header the parity and SERR#
# enables of Command and Bridge Control and Interrupt Line. Bus numbers and windows stay: the
# devices behind the port (the test's disk) keep working. Each register gets its value before the
# clobber (config image /tmp/cfg/pre.$1) with the bits flipped.
clobber_port() {
  aer="$(cap_offset "$1" "Advanced Error Reporting")"
  acs="$(cap_offset "$1" "Access Control Services")"
  x="$(express_offset "$1")"
  if [ -n "$aer" ]; then
    clobber32 "$1" $((aer + 8)) 0xffffffff
    clobber32 "$1" $((aer + 12)) 0xffffffff
    clobber32 "$1" $((aer + 20)) 0xffffffff
    clobber32 "$1" $((aer + 24)) 0x00000540
    clobber32 "$1" $((aer + 44)) 0x00000007
  fi
  [ -n "$acs" ] && clobber16 "$1" $((acs + 6)) 0x007f
  clobber16 "$1" $((x + 8)) 0x081f
  clobber16 "$1" $((x + 16)) 0x00cb
  [ $((0x$(image_word "pre.$1" $((x + 2))) & 0xf)) -ge 2 ] && clobber16 "$1" $((x + 40)) 0x8405
  clobber16 "$1" $((x + 28)) 0x0007
  clobber16 "$1" 4 0x0140
  clobber16 "$1" 62 0x0003
  clobber16 "$1" 60 0x000f
}

# The volatile bits of root port $1 beyond config_diff's own, as config_diff's OFFSET:MASK:WHY list:
# Secondary Status's write-1-to-clear error bits, Slot Status (events, write-1-to-clear, and the
# presence, MRL and interlock state), Root Status (PME Requester ID, PME Status and Pending), and
# in AER the error status registers (write-1-to-clear), the First Error Pointer and the logs (Header
# Log, Root Error Status, Error Source Identification).
port_ignores() {
  x="$(express_offset "$1")"
  aer="$(cap_offset "$1" "Advanced Error Reporting")"
  echo "31:249:Secondary-Status-error-bits"
  if [ -n "$x" ]; then
    echo "$((x + 26)):255:Slot-Status $((x + 27)):1:Slot-Status"
    echo "$((x + 32)):255:Root-Status $((x + 33)):255:Root-Status $((x + 34)):3:Root-Status"
  fi
  if [ -n "$aer" ]; then
    for i in 4 5 6 7 16 17 18 19; do echo "$((aer + i)):255:AER-error-status"; done
    echo "$((aer + 24)):31:AER-First-Error-Pointer"
    i=28
    while [ "$i" -lt 56 ]; do
      [ "$i" -lt 44 ] || [ "$i" -ge 48 ] && echo "$((aer + i)):255:AER-logs-and-Root-Error-Status"
      i=$((i + 1))
    done
  fi
}

# config_diff's OFFSET:LENGTH:NAME list for the extended capabilities of device $1.
ext_names() {
  aer="$(cap_offset "$1" "Advanced Error Reporting")"
  acs="$(cap_offset "$1" "Access Control Services")"
  sriov="$(cap_offset "$1" "Single Root I/O Virtualization")"
  [ -n "$aer" ] && echo "$aer:72:AER"
  [ -n "$acs" ] && echo "$acs:8:ACS"
  [ -n "$sriov" ] && echo "$sriov:64:SR-IOV"
  return 0
}

# Scenario 8: the root ports the test's devices sit behind. Each is saved by capstate, clobbered
# (clobber_port), restored by capstate alone, and its config space compared byte by byte with its
# bytes before the clobber: what pci_save_state saves, and what pci_restore_state would write back.
# No kernel path restores a root port here (docs/vm-test.md): QEMU 7.2's pcie-root-port offers no
# reset method (no FLR, no PM capability, and a root port has no parent bridge for a bus reset),
# and without a PM capability the kernel never runtime-suspends it (bridge_d3 stays false), so
# runtime PM's pci_restore_state never runs on it either.
scenario_root_ports() {
  begin scenario8-root-ports
  [ -n "${ALLOW:-}" ] || make_policies
  PORTS=""
  for p in $RP_NVME $RP_NIC $RP_SRIOV; do
    case " $PORTS " in *" $p "*) ;; *) PORTS="$PORTS $p" ;; esac
  done
  save_args=""
  for p in $PORTS; do
    lspci -s "$p" -vv 2>/dev/null | grep -e 'Capabilities:' -e 'ACSCtl' -e 'RootCmd' -e 'AERCap' |
      sed "s/^/CAPSTATE-VM:   $p lspci: /"
    mark "  $p: reset methods '$(cat "/sys/bus/pci/devices/$p/reset_method" 2>/dev/null)'," \
      "power/control $(cat "/sys/bus/pci/devices/$p/power/control")," \
      "runtime_status $(cat "/sys/bus/pci/devices/$p/power/runtime_status")"
    [ -n "$(cap_offset "$p" "Advanced Error Reporting")" ] && ok "$p: has AER" ||
      bad "$p: lspci shows no AER capability"
    [ -n "$(cap_offset "$p" "Access Control Services")" ] && ok "$p: has ACS" ||
      bad "$p: lspci shows no ACS capability"
    config_copy pre "$p"
    save_args="$save_args -s $p"
  done
  run_capstate save $save_args -o /state/ports.state
  expect_rc 0 "save of the root ports"
  for p in $PORTS; do
    clobber_port "$p"
    config_copy clobbered "$p"
    if config_diff pre clobbered "$p" "$(port_ignores "$p")" "$(ext_names "$p")" >/tmp/clobbered.txt; then
      bad "$p: the clobber changed no config byte, so the restore would prove nothing"
    else
      ok "$p: the clobber changed $(grep -c -v 'ignored' /tmp/clobbered.txt) bytes: $(head -c 300 /tmp/cfg/diff)"
    fi
    for cap in AER ACS; do
      grep -v ignored /tmp/clobbered.txt | grep -q " $cap+0x" && ok "$p: the clobber changed $cap bytes" ||
        bad "$p: the clobber changed no $cap byte (QEMU made none writable?)"
    done
  done
  run_capstate restore -i /state/ports.state $ALLOW
  expect_rc 0 "restore of the root ports"
  expect_verify_ok $PORTS
  for p in $PORTS; do
    config_copy capstate "$p"
    if config_diff pre capstate "$p" "$(port_ignores "$p")" "$(ext_names "$p")"; then
      ok "$p: config space (4096 bytes) equals the bytes before the clobber, volatile status bits aside"
    else
      bad "$p: config space differs from the bytes before the clobber: $(head -c 400 /tmp/cfg/diff)"
    fi
  done
  check_nvme_io "$READ_AT_PORTS"
  finish
}

# Prints the SR-IOV registers of config image /tmp/cfg/$1 (SR-IOV capability at $2, decimal).
sriov_regs() {
  echo "Control $(image_word "$1" $(($2 + 8))) NumVFs $(image_word "$1" $(($2 + 16)))" \
    "SysPageSize $(image_dword "$1" $(($2 + 32)))" \
    "VF-BARs $(for i in 0 1 2 3 4 5; do image_dword "$1" $(($2 + 36 + 4 * i)); echo; done | tr '\n' ' ')"
}

# Checks that every VF of $vfs reads class code $2 after step $1: 0108 (NVMe) when it exists, ffff
# when QEMU has removed it. A VF's Vendor and Device ID read ffff by the SR-IOV specification, so the
# class code is what shows whether it answers.
check_vf_classes() {
  for v in $vfs; do
    id="$(setpci -s "$v" CLASS_DEVICE.w 2>/dev/null)"
    [ "$id" = "$2" ] && ok "VF $v reads class $id after $1" || bad "VF $v reads class '$id' after $1, expected $2"
  done
}

# Clears VF Enable of PF $1 (SR-IOV capability at $2, decimal) with setpci, keeping the other
# Control bits.
clear_vf_enable() {
  setpci -s "$1" "$(printf %x $(($2 + 8))).w=0000:0001"
}

# Scenario 9: SR-IOV on QEMU's nvme (an nvme-subsys controller with sriov_max_vfs=2, claimed by
# pci-pf-stub). VFs enabled through sriov_numvfs; capstate saves the PF; the kernel's reset of the
# PF (FLR, then pci_restore_state with pci_restore_iov_state) is the oracle; then an FLR behind the
# kernel's back (setpci), restored by capstate alone; config space and the SR-IOV capability must
# equal the oracle's, and the VFs must answer again.
scenario_sriov() {
  begin scenario9-sriov
  [ -n "${ALLOW:-}" ] || make_policies
  if [ -z "$SRIOV_PF" ]; then
    bad "no NVMe controller with an SR-IOV capability (QEMU's nvme with sriov_max_vfs is missing)"
    finish
    return
  fi
  pf="$SRIOV_PF"
  d="/sys/bus/pci/devices/$pf"
  s="$(cap_offset "$pf" "Single Root I/O Virtualization")"
  mark "  $pf: driver $(driver_of "$pf"), sriov_totalvfs $(cat "$d/sriov_totalvfs"), reset methods '$(cat "$d/reset_method" 2>/dev/null)', SR-IOV capability at $(printf 0x%x "${s:-0}")"
  [ "$(driver_of "$pf")" = pci-pf-stub ] && ok "$pf: bound to pci-pf-stub" ||
    bad "$pf: bound to $(driver_of "$pf"), not pci-pf-stub"
  # The VFs get no driver: QEMU's secondary controllers have no queue resources until nvme
  # virt-mgmt gives them some, and the SR-IOV registers are what this scenario is about.
  echo 0 >"$d/sriov_drivers_autoprobe"
  if echo 2 >"$d/sriov_numvfs"; then
    ok "$pf: 2 VFs enabled through sriov_numvfs"
  else
    bad "$pf: echo 2 > sriov_numvfs failed"
  fi
  dmesg | grep -i -e "$pf" -e 'sr-iov' -e 'iov' | tail -n 6 | sed 's/^/CAPSTATE-VM:   dmesg: /'
  vfs="$(for v in "$d"/virtfn*; do [ -e "$v" ] && basename "$(readlink -f "$v")"; done | tr '\n' ' ')"
  mark "  $pf: VFs $vfs"
  [ "$(echo $vfs | wc -w)" -eq 2 ] && ok "$pf: sysfs lists 2 VFs" || bad "$pf: sysfs lists VFs '$vfs', expected 2"
  lspci -s "$pf" -vv 2>/dev/null | sed -n '/Single Root I\/O/,/VF Migration/p' | sed "s/^/CAPSTATE-VM:   $pf lspci: /"
  config_copy vfs "$pf"
  [ -n "$s" ] || { bad "$pf: lspci shows no SR-IOV capability"; finish; return; }
  mark "  $pf SR-IOV with VFs enabled: $(sriov_regs "vfs.$pf" "$s")"
  [ $((0x$(image_word "vfs.$pf" $((s + 8))) & 1)) -eq 1 ] && ok "$pf: VF Enable is set" ||
    bad "$pf: VF Enable is not set after sriov_numvfs"
  run_capstate save -s "$pf" -o /state/sriov.state
  expect_rc 0 "save of the SR-IOV controller"
  # QEMU 7.2's nvme drops its VFs and NumVFs in a function reset (FLR or bus reset) but leaves VF
  # Enable set, where the SR-IOV specification clears it. The kernel's sriov_restore_state, like
  # capstate, writes nothing while VF Enable is set, so the VFs would stay lost. VF Enable is
  # cleared first (QEMU then drops the VFs at once), so both resets leave what a conforming device
  # leaves.
  clear_vf_enable "$pf" "$s"
  if echo 1 >"$d/reset"; then
    ok "$pf: reset by the kernel (echo 1 > $d/reset)"
  else
    bad "$pf: the kernel's reset failed"
  fi
  config_copy kernel "$pf"
  mark "  $pf SR-IOV after the kernel's reset: $(sriov_regs "kernel.$pf" "$s")"
  check_vf_classes "the kernel's reset" 0108
  [ "$(sriov_regs "kernel.$pf" "$s")" = "$(sriov_regs "vfs.$pf" "$s")" ] &&
    ok "$pf: the kernel's restore brought back the SR-IOV registers as they were with VFs enabled" ||
    bad "$pf: SR-IOV registers after the kernel's reset differ from before it: $(sriov_regs "vfs.$pf" "$s")"
  # Behind the kernel's back: Initiate Function Level Reset, then the 100 ms the device has.
  clear_vf_enable "$pf" "$s"
  setpci -s "$pf" CAP_EXP+08.w=8000:8000
  sleep 0.2
  config_copy flr "$pf"
  mark "  $pf SR-IOV after the raw FLR: $(sriov_regs "flr.$pf" "$s")"
  check_vf_classes "the raw FLR" ffff
  if [ $((0x$(image_word "flr.$pf" $((s + 8))) & 1)) -eq 0 ]; then
    ok "$pf: VF Enable is 0 after the raw FLR (Command $(setpci -s "$pf" COMMAND.w))"
  else
    bad "$pf: VF Enable is still set after the raw FLR: the reset did not happen"
  fi
  run_capstate restore -i /state/sriov.state $ALLOW
  expect_rc 0 "restore after the raw FLR"
  expect_verify_ok "$pf"
  config_copy capstate "$pf"
  mark "  $pf SR-IOV after capstate's restore: $(sriov_regs "capstate.$pf" "$s")"
  if config_diff kernel capstate "$pf" "" "$(ext_names "$pf")"; then
    ok "$pf: config space (4096 bytes) equals the kernel's restore, volatile status bits aside"
  else
    bad "$pf: config space differs from the kernel's restore: $(head -c 400 /tmp/cfg/diff)"
  fi
  if [ "$(sriov_regs "kernel.$pf" "$s")" = "$(sriov_regs "capstate.$pf" "$s")" ]; then
    ok "$pf: SR-IOV Control, NumVFs, System Page Size and VF BARs equal the kernel's restore"
  else
    bad "$pf: SR-IOV registers differ: kernel $(sriov_regs "kernel.$pf" "$s"); capstate $(sriov_regs "capstate.$pf" "$s")"
  fi
  check_vf_classes "capstate's restore" 0108
  echo 0 >"$d/sriov_numvfs" || bad "$pf: echo 0 > sriov_numvfs failed"
  finish
}
