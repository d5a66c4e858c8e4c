# Guest helpers (busybox ash, sourced by /init): console markers, driver loading, finding the test's
# devices, snapshots of their registers, clobbering, and NVMe I/O.
# Every register write here happens inside the QEMU guest only.

# One "CAPSTATE-VM:" line on the console; the host script asserts on these.
mark() { echo "CAPSTATE-VM: $* [$(cut -d" " -f1 /proc/uptime)s]"; }

# The value of key=value on the kernel command line, or empty.
cmdline_value() {
  for word in $(cat /proc/cmdline); do
    case "$word" in
      "$1"=*) echo "${word#*=}" ;;
    esac
  done
}

# Waits up to $2 seconds for the shell test "$1" to hold; returns 1 when it never does.
wait_for() {
  n=0
  while ! eval "$1"; do
    n=$((n + 1))
    [ "$n" -gt "$(($2 * 5))" ] && return 1
    sleep 0.2
  done
  return 0
}

# The PCI address of the parent bridge of device $1.
parent_of() {
  basename "$(dirname "$(readlink -f "/sys/bus/pci/devices/$1")")"
}

# Sets NVME, NIC (PCI addresses of the QEMU NVMe controller and the e1000e) and RP_NVME, RP_NIC
# (the root ports above them). Returns 1 when one is missing. Also sets, for scenarios 8 and 9,
# SRIOV_PF (the second NVMe controller, the one with an SR-IOV capability: sysfs offers
# sriov_totalvfs for it) and RP_SRIOV (its root port); both stay empty when QEMU has no such
# controller, and scenario 9 then fails.
find_devices() {
  NVME=""
  NIC=""
  SRIOV_PF=""
  for d in /sys/bus/pci/devices/*; do
    if [ "$(cat "$d/class")" = "0x010802" ]; then
      if [ -e "$d/sriov_totalvfs" ]; then SRIOV_PF="${d##*/}"; else NVME="${d##*/}"; fi
    fi
    [ "$(cat "$d/vendor"):$(cat "$d/device")" = "0x8086:0x10d3" ] && NIC="${d##*/}"
  done
  [ -n "$NVME" ] && [ -n "$NIC" ] || return 1
  RP_NVME="$(parent_of "$NVME")"
  RP_NIC="$(parent_of "$NIC")"
  RP_SRIOV=""
  [ -n "$SRIOV_PF" ] && RP_SRIOV="$(parent_of "$SRIOV_PF")"
  DEVICES="$NVME $NIC $RP_NVME $RP_NIC"
  return 0
}

# Keeps the nvme driver off the SR-IOV controller of scenario 9 (before the drivers load): it goes
# to pci-pf-stub, which only enables VFs, so the test's disks keep their names and no driver
# touches the controller or its VFs behind the scenario's back.
claim_sriov_pf() {
  for d in /sys/bus/pci/devices/*; do
    if [ "$(cat "$d/class")" = "0x010802" ] && [ -e "$d/sriov_totalvfs" ]; then
      echo pci-pf-stub >"$d/driver_override" || mark "ERROR driver_override of ${d##*/} failed"
    fi
  done
}

# insmod every module of /vm/modules.txt (dependencies first), then waits for both NVMe namespaces
# and the NIC's interface, and brings the interface up so its driver requests its interrupts.
load_drivers() {
  claim_sriov_pf
  while read -r m; do
    insmod "/lib/modules/$m.ko" || mark "ERROR insmod $m failed"
  done </vm/modules.txt
  find_devices || { mark "ERROR the NVMe or e1000e device is missing"; return 1; }
  wait_for '[ -b /dev/nvme0n1 ] && [ -b /dev/nvme0n2 ]' 90 ||
    { mark "ERROR /dev/nvme0n1 or /dev/nvme0n2 did not appear"; return 1; }
  wait_for 'ls /sys/bus/pci/devices/$NIC/net/* >/dev/null 2>&1' 60 ||
    { mark "ERROR the e1000e has no network interface"; return 1; }
  NETIF="$(ls "/sys/bus/pci/devices/$NIC/net" | head -n 1)"
  ip link set dev "$NETIF" up || mark "ERROR ip link set $NETIF up failed"
  return 0
}

# Sets MX_COUNT (entries), MX_RES (the sysfs resource file of the table's BAR) and MX_OFF (the
# table's offset in it, as 0x...) of device $1, from lspci's MSI-X lines (file $2 when given, holding
# lspci -vv of that device). Returns 1 without MSI-X.
msix_table_location() {
  if [ -n "${2:-}" ]; then info="$(cat "$2")"; else info="$(lspci -vv -s "$1" 2>/dev/null)"; fi
  MX_COUNT="$(echo "$info" | sed -n 's/.*MSI-X: Enable[+-] Count=\([0-9]*\).*/\1/p')"
  bar="$(echo "$info" | sed -n 's/.*Vector table: BAR=\([0-9]\) offset=\([0-9a-f]*\).*/\1/p')"
  off="$(echo "$info" | sed -n 's/.*Vector table: BAR=\([0-9]\) offset=\([0-9a-f]*\).*/\2/p')"
  [ -n "$MX_COUNT" ] && [ -n "$bar" ] && [ -n "$off" ] || return 1
  MX_RES="/sys/bus/pci/devices/$1/resource$bar"
  MX_OFF="0x$off"
  return 0
}

# Prints the MSI-X vector table of device $1 (lspci -vv of it in file $2, if given), one entry a
# line: address low, address high, data, vector control, read with 32-bit accesses through the
# BAR's sysfs resource file. A failed read prints an error line instead, so two snapshots never
# compare two empty tables as equal.
msix_table_dump() {
  msix_table_location "$1" "${2:-}" || { echo "no MSI-X table"; return 0; }
  vm-bar-tool read "$MX_RES" "$MX_OFF" $((MX_COUNT * 4)) 2>&1 || echo "read error"
}

# Writes snapshot $1 of every test device into /tmp/snap: lspci -vv (one lspci run, split by
# device), the MSI-X table and the raw config space bytes.
snapshot() {
  mkdir -p /tmp/snap
  lspci -D -vv >/tmp/snap/lspci-all.txt 2>/dev/null
  for a in $DEVICES; do
    awk -v a="$a" '/^[0-9a-f][0-9a-f][0-9a-f][0-9a-f]:/ { on = ($1 == a) } on' \
      /tmp/snap/lspci-all.txt >"/tmp/snap/$1.$a.lspci"
    msix_table_dump "$a" "/tmp/snap/$1.$a.lspci" >"/tmp/snap/$1.$a.table"
    od -A x -t x1 -v "/sys/bus/pci/devices/$a/config" >"/tmp/snap/$1.$a.config"
  done
}

# Returns 0 when snapshots $1 and $2 of device $3 have the same kind-$4 file (lspci, table,
# config); otherwise prints the first differing lines and returns 1.
same_snapshot() {
  if cmp -s "/tmp/snap/$1.$3.$4" "/tmp/snap/$2.$3.$4"; then
    return 0
  fi
  diff "/tmp/snap/$1.$3.$4" "/tmp/snap/$2.$3.$4" | grep '^[-+][^-+]' | head -n 12 |
    sed "s/^/CAPSTATE-VM:   $3 $4: /"
  return 1
}

# XORs the 16-bit register $2 (setpci name, e.g. CAP_EXP+8) of device $1 with mask $3.
flip16() {
  old="$(setpci -s "$1" "$2.w")"
  setpci -s "$1" "$2.w=$(printf %04x $((0x$old ^ $3)))"
}

# What a reset or a faulty handover leaves behind: the writable PCI Express control registers of
# every test device flipped (error reporting, relaxed ordering / no snoop, link control incl. ASPM,
# device control 2, root control) and, on the NVMe device, MSI-X Function Mask set and every
# programmed vector table entry overwritten (address and data zero, vector masked).
clobber() {
  for a in $DEVICES; do
    flip16 "$a" CAP_EXP+08 0x081f
    flip16 "$a" CAP_EXP+10 0x00cb
    [ $((0x$(setpci -s "$a" CAP_EXP+2.w) & 0xf)) -ge 2 ] && flip16 "$a" CAP_EXP+28 0x8405
    # A root port (device/port type 4): its system error enables.
    [ $(((0x$(setpci -s "$a" CAP_EXP+2.w) >> 4) & 0xf)) -eq 4 ] && flip16 "$a" CAP_EXP+1c 0x0007
  done
  setpci -s "$NVME" CAP_MSIX+2.w=4000:4000
  setpci -s "$NIC" CAP_MSIX+2.w=4000:4000
  msix_table_location "$NVME" || return 1
  # Overwrite the programmed entries (non-zero address): address and data 0, vector masked.
  msix_table_dump "$NVME" | awk 'NF == 4 && $1 != "00000000" { print NR - 1 }' >/tmp/programmed
  while read -r i; do
    vm-bar-tool write "$MX_RES" $((MX_OFF + 16 * i)) 0 0 0 1
  done </tmp/programmed
}

# Reads 16 blocks of namespace 1 with O_DIRECT (so the request reaches the device and needs its
# completion interrupt) at block offset $1, within 20 s; checks the pattern the host wrote there.
nvme_read_ok() {
  rm -f /tmp/nvme-read.bin
  timeout 20 dd if=/dev/nvme0n1 of=/tmp/nvme-read.bin bs=4096 count=16 skip="$1" iflag=direct \
    2>/tmp/nvme-read.err || return 1
  grep -q "CAPSTATE-VM-DISK-BLOCK" /tmp/nvme-read.bin
}
