#!/usr/bin/env python3
"""Builds tests/data/ltr/ltr-endpoint.xxxx.txt: a 4096-byte PCIe endpoint with an LTR capability.

QEMU emulates no Latency Tolerance Reporting capability, so the ltr plugin's test device is made
here, register by register, following the PCI Express Base Specification (and the offsets in the
Linux kernel's include/uapi/linux/pci_regs.h). README.md beside this script explains every
non-zero byte. The output is in the text form of `lspci -xxxx`, so `lspci -F FILE -vv` reads it.

Usage: python3 make-ltr-endpoint.py [OUTPUT]   (default: ltr-endpoint.xxxx.txt beside the script)
The output is deterministic; rerunning the script must not change the committed file.
"""

import pathlib
import struct
import sys

SIZE = 4096
ADDRESS = "01:00.0"
# Header line as lspci prints it; lspci -F ignores the text after the address.
TITLE = "SD Host controller: O2 Micro, Inc. Device 8621 (rev 01) [hand-built LTR test image]"

space = bytearray(SIZE)


def put(offset: int, width: int, value: int) -> None:
    """Stores `value` little-endian at `offset` (width in bytes), naturally aligned."""
    assert offset % width == 0, hex(offset)
    space[offset:offset + width] = value.to_bytes(width, "little")


# --- Type 0 configuration header -------------------------------------------------------------
put(0x00, 2, 0x1217)      # Vendor ID: O2 Micro (the vendor whose device needs dword LTR access)
put(0x02, 2, 0x8621)      # Device ID
put(0x04, 2, 0x0006)      # Command: Memory Space 0x2 | Bus Master 0x4
put(0x06, 2, 0x0010)      # Status: Capabilities List 0x10
put(0x08, 1, 0x01)        # Revision ID
put(0x09, 1, 0x01)        # Programming interface: SD host, DMA capable
put(0x0a, 1, 0x05)        # Sub-class: SD host controller
put(0x0b, 1, 0x08)        # Base class: generic system peripheral
put(0x0e, 1, 0x00)        # Header type 0, single function
put(0x10, 4, 0xfe000000)  # BAR0: 32-bit non-prefetchable memory at 0xfe000000
put(0x2c, 2, 0x1217)      # Subsystem vendor ID
put(0x2e, 2, 0x0001)      # Subsystem ID
put(0x34, 1, 0x40)        # Capabilities pointer -> Power Management at 0x40
put(0x3c, 1, 0x0b)        # Interrupt line 11
put(0x3d, 1, 0x01)        # Interrupt pin INTA#

# --- Power Management capability at 0x40 (ID 0x01) ---------------------------------------------
put(0x40, 1, 0x01)        # Capability ID: Power Management
put(0x41, 1, 0x50)        # Next -> PCI Express at 0x50
put(0x42, 2, 0x0003)      # PMC: version 3
put(0x44, 2, 0x0008)      # PMCSR: No_Soft_Reset 0x8, state D0

# --- PCI Express capability at 0x50 (ID 0x10), version 2 endpoint ------------------------------
PCIE = 0x50
put(PCIE + 0x00, 1, 0x10)        # Capability ID: PCI Express
put(PCIE + 0x01, 1, 0x00)        # Next: end of the standard list
put(PCIE + 0x02, 2, 0x0002)      # Flags: version 2, type 0 (PCI Express endpoint), no slot
put(PCIE + 0x04, 4, 0x00008fc1)  # DEVCAP: MPS 256 B, L0s/L1 acceptable latency 7, role-based ER
put(PCIE + 0x08, 2, 0x2810)      # DEVCTL: relaxed ordering 0x10, no snoop 0x800, MRRS 512 B
put(PCIE + 0x0c, 4, 0x00076c12)  # LNKCAP: 5 GT/s, x1, ASPM L0s+L1, exit latencies 6, ClockPM
put(PCIE + 0x10, 2, 0x0142)      # LNKCTL: ASPM L1 0x2, common clock 0x40, CLKREQ# 0x100
put(PCIE + 0x12, 2, 0x1012)      # LNKSTA: 5 GT/s, x1, slot clock 0x1000
put(PCIE + 0x24, 4, 0x0000081f)  # DEVCAP2: completion timeout ranges A-D 0xf, disable 0x10, LTR 0x800
put(PCIE + 0x28, 2, 0x0400)      # DEVCTL2: LTR mechanism enable 0x400
put(PCIE + 0x2c, 4, 0x00000006)  # LNKCAP2: supported speeds 2.5 and 5 GT/s
put(PCIE + 0x30, 2, 0x0002)      # LNKCTL2: target link speed 5 GT/s

# --- Extended capabilities: AER at 0x100 -> LTR at 0x148 ---------------------------------------
def ext_header(cap_id: int, version: int, next_offset: int) -> int:
    """An extended capability header: ID 15:0, version 19:16, next offset 31:20."""
    return cap_id | (version << 16) | (next_offset << 20)


AER = 0x100
put(AER + 0x00, 4, ext_header(0x0001, 2, 0x148))  # AER, version 2, next -> 0x148
put(AER + 0x08, 4, 0x00400000)  # Uncorrectable error mask: uncorrectable internal error
put(AER + 0x0c, 4, 0x00462030)  # Uncorrectable severity: the specification's default
put(AER + 0x14, 4, 0x00002000)  # Correctable error mask: advisory non-fatal (default)
put(AER + 0x18, 4, 0x000000a0)  # Capabilities and control: ECRC generation / check capable

LTR = 0x148
put(LTR + 0x00, 4, ext_header(0x0018, 1, 0x000))  # LTR, version 1, end of the extended list
put(LTR + 0x04, 2, 0x0846)  # Max snoop latency: value 70, scale 2 (x1024 ns) = 71680 ns
put(LTR + 0x06, 2, 0x0c0f)  # Max no-snoop latency: value 15, scale 3 (x32768 ns) = 491520 ns


def dump_text() -> str:
    """The bytes in lspci -xxxx form: a title line, 256 lines of 16 bytes, a blank line."""
    lines = [f"{ADDRESS} {TITLE}"]
    for row in range(0, SIZE, 16):
        lines.append(f"{row:02x}: " + " ".join(f"{b:02x}" for b in space[row:row + 16]))
    return "\n".join(lines) + "\n\n"


if __name__ == "__main__":
    here = pathlib.Path(__file__).resolve().parent
    out = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else here / "ltr-endpoint.xxxx.txt"
    out.write_text(dump_text())
    print(f"wrote {out} ({SIZE} bytes of configuration space)")
