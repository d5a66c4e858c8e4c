# Guest stages (busybox ash, sourced by /init). One QEMU run boots three times:
#   boot1  (first boot)   scenario 1 and both refusals of scenario 4; saves the state to the second
#                         NVMe namespace (for scenario 2) and into a new initramfs, then kexec
#   kexec  (after kexec)  scenario 3, restoring what boot1 saved just before kexec; then reboot -f
#   reboot (after reset)  scenario 2, restoring what boot1 wrote to the disk; then the refusals of
#                         scenario 5 and the raw reset of scenario 6 (guest-raw-reset.sh), the
#                         root ports of scenario 8 and SR-IOV of scenario 9 (guest-ports.sh);
#                         power off
# A second QEMU run boots once, without iomem=relaxed:
#   stock                 scenario 7 (guest-raw-reset.sh); then power off
# The stage is capstate_stage= on the kernel command line (kexec, stock), else "reboot" when the
# second namespace holds boot1's archive, else "boot1". capstate_stage=raw (debugging, through
# CAPSTATE_VM_STAGE) runs scenarios 5 and 6 alone on a first boot, capstate_stage=ports scenarios 8
# and 9.

# Blocks (4 KiB) of namespace 1 that each scenario reads, so no read is served twice the same way.
READ_AT_BOOT1=0
READ_AT_KEXEC=32
READ_AT_REBOOT=64

stage_boot1() {
  begin scenario1-clobber-restore
  run_capstate save -o /state/all.state
  [ "$RC" -eq 0 ] && [ -s /state/all.state ] && ok "save of all devices: exit 0" ||
    bad "save of all devices: exit $RC or an empty file"
  # Scenario 2's copy, in a tar archive on the raw second namespace.
  if tar -cf /dev/nvme0n2 -C /state all.state && sync; then
    ok "state file written to /dev/nvme0n2 for the reboot scenario"
  else
    bad "could not write the state file to /dev/nvme0n2"
  fi
  clobber_and_restore /state/all.state "$READ_AT_BOOT1"
  finish

  scenario_wrong_device
  scenario_tampered

  begin scenario3-kexec-save
  run_capstate save -o /state/kexec.state
  [ "$RC" -eq 0 ] && ok "save before kexec: exit 0" || bad "save before kexec: exit $RC"
  # The next kernel's initramfs: the one this kernel booted from (kept by retain_initrd), followed by
  # a small uncompressed archive with /state; the gzip part is padded to 4 bytes, as the kernel's
  # unpacker needs each appended archive aligned.
  if cp /sys/firmware/initrd /tmp/kexec-initrd 2>/dev/null; then
    pad=$(((4 - $(wc -c </tmp/kexec-initrd) % 4) % 4))
    [ "$pad" -gt 0 ] && dd if=/dev/zero bs=1 count="$pad" 2>/dev/null >>/tmp/kexec-initrd
    (cd / && find state | cpio -o -H newc 2>/dev/null) >>/tmp/kexec-initrd
  else
    mark "note: no /sys/firmware/initrd (retain_initrd); rebuilding the initramfs from /"
    (cd / && find . -xdev \( -path ./proc -o -path ./sys -o -path ./dev -o -path ./tmp \) -prune \
      -o -print | cpio -o -H newc >/tmp/kexec-initrd 2>/dev/null)
  fi
  # -i: no checksum pass over the segments in purgatory (slow without KVM).
  if kexec -i -l /boot/vmlinuz --initrd=/tmp/kexec-initrd \
    --append="$(cat /proc/cmdline) capstate_stage=kexec"; then
    ok "kexec -l loaded /boot/vmlinuz"
  else
    bad "kexec -l failed"
  fi
  finish
  mark "KEXEC now"
  sync
  kexec -e
  mark "RESULT scenario3-kexec FAIL (kexec -e returned)"
  reboot -f
}

# Scenario 4a: the NIC's saved state restored onto the NVMe controller. capstate restores a device
# section onto the device at the section's address, so a sysfs tree is made whose entry for the
# NIC's address is the NVMe controller's real sysfs directory: the identity check must refuse it and
# nothing may be written (config space and vector table compared byte for byte). The plain
# selection form (-s with the NVMe address) must refuse too.
scenario_wrong_device() {
  begin scenario4-wrong-device
  run_capstate save -s "$NIC" -o /state/nic.state
  [ "$RC" -eq 0 ] && ok "save of the NIC alone: exit 0" || bad "save of the NIC alone: exit $RC"
  clobber
  snapshot refusal-before
  mkdir -p /tmp/fakesys/bus/pci/devices
  ln -sf "/sys/bus/pci/devices/$NVME" "/tmp/fakesys/bus/pci/devices/$NIC"
  run_capstate restore -i /state/nic.state --sysfs-root /tmp/fakesys
  [ "$RC" -eq 1 ] && ok "NIC state onto the NVMe device: exit 1" ||
    bad "NIC state onto the NVMe device: exit $RC, expected 1"
  grep -qi 'another device' /tmp/cs.err && ok "capstate says the state belongs to another device" ||
    bad "capstate's message does not say the state belongs to another device"
  run_capstate restore -i /state/nic.state -s "$NVME"
  [ "$RC" -eq 1 ] && ok "NIC state with -s the NVMe address: exit 1" ||
    bad "NIC state with -s the NVMe address: exit $RC, expected 1"
  snapshot refusal-wrong-device
  check_same refusal-before refusal-wrong-device config table
  finish
}

# Scenario 4b: one byte of the state file flipped; the checksum check must refuse the whole file
# before any device is touched (the devices are still clobbered, so a write would show).
scenario_tampered() {
  begin scenario4-tampered
  cp /state/all.state /tmp/tampered.state
  size="$(wc -c </tmp/tampered.state)"
  at=$((size / 2))
  byte="$(dd if=/tmp/tampered.state bs=1 skip="$at" count=1 2>/dev/null | od -A n -t u1 | tr -d ' ')"
  printf "\\$(printf %03o $((byte ^ 0xff)))" |
    dd of=/tmp/tampered.state bs=1 seek="$at" conv=notrunc 2>/dev/null
  cmp -s /state/all.state /tmp/tampered.state && bad "the byte at $at was not flipped" ||
    ok "byte $at of $size flipped"
  run_capstate restore -i /tmp/tampered.state
  [ "$RC" -eq 1 ] && ok "tampered file: exit 1" || bad "tampered file: exit $RC, expected 1"
  grep -qi 'checksum' /tmp/cs.err && ok "capstate names the checksum mismatch" ||
    bad "capstate's message names no checksum"
  snapshot refusal-tampered
  check_same refusal-before refusal-tampered config table
  # Back to the saved state before kexec; this restore must work.
  run_capstate restore -i /state/all.state
  [ "$RC" -eq 0 ] && ok "restore of the good file afterwards: exit 0" ||
    bad "restore of the good file afterwards: exit $RC"
  snapshot after-refusals
  check_same before after-refusals lspci table
  check_nvme_io "$READ_AT_BOOT1"
  finish
}

stage_kexec() {
  begin scenario3-kexec
  [ -s /state/kexec.state ] && ok "the state saved before kexec is here" ||
    bad "/state/kexec.state did not come through kexec"
  clobber_and_restore /state/kexec.state "$READ_AT_KEXEC"
  finish
  mark "REBOOT now"
  sync
  reboot -f
}

stage_reboot() {
  begin scenario2-reboot
  mkdir -p /tmp/disk
  tar -xf /dev/nvme0n2 -C /tmp/disk 2>/dev/null
  [ -s /tmp/disk/all.state ] && ok "boot1's state file read back from /dev/nvme0n2" ||
    bad "no state file on /dev/nvme0n2"
  clobber_and_restore /tmp/disk/all.state "$READ_AT_REBOOT"
  finish
  # The raw reset after the refusals: it leaves the devices to their drivers' recovery if it fails.
  # Then the root ports and the SR-IOV controller (config space only; the disk stays usable).
  scenario_refusals
  scenario_raw_reset
  scenario_root_ports
  scenario_sriov
}

vm_main() {
  stage="$(cmdline_value capstate_stage)"
  mark "BOOT start (stage '${stage:-auto}', kernel $(uname -r))"
  if ! load_drivers; then
    mark "ERROR drivers did not come up; powering off"
    poweroff -f
  fi
  mark "DEVICES nvme=$NVME nic=$NIC root-ports=$RP_NVME,$RP_NIC interface=$NETIF"
  if [ -z "$stage" ]; then
    stage=boot1
    tar -tf /dev/nvme0n2 2>/dev/null | grep -q '^all.state$' && stage=reboot
  fi
  mark "BOOT $stage"
  case "$stage" in
    boot1) stage_boot1 ;;
    kexec) stage_kexec ;;
    reboot) stage_reboot ;;
    stock) stage_stock ;;
    raw)
      scenario_refusals
      scenario_raw_reset
      ;;
    ports)
      scenario_root_ports
      scenario_sriov
      ;;
    *) mark "ERROR unknown stage $stage" ;;
  esac
  mark "END $stage"
  sync
  poweroff -f
}
