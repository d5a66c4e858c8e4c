// A minimal hand-written state file in the TOML form of `capstate inspect`: one device (the q35
// NVMe, 0000:02:00.0) with one pcie record. Line numbers matter to the error tests.
#pragma once

namespace capstate::clitest {

/// The text; line 9 is `[[devices]]`, line 19 `[[devices.records]]`, line 27 `[...fields]`.
inline constexpr const char* kMinimalToml = R"(# one device, one record
[envelope]
envelope_version = 1
producer = "capstate"
producer_version = "0.1.0"
created_unix = 1700000000
kernel_release = "6.1.0"

[[devices]]
address = "0000:02:00.0"
vendor_id = 0x1b36
device_id = 0x0010
subsystem_vendor_id = 0x1af4
subsystem_id = 0x1100
class = 0x010802
revision = 0x02
header_type = 0x00

[[devices.records]]
kind = "standard"
id = 0x10
offset = 0x080
capability_version = 0
plugin = "pcie"
schema_version = 2
fingerprint = "0x68c5feccdd0d9cfe"
[devices.records.fields]
device_control = 0x2810
link_control = 0x0040
link_control_aspm = 0x0000
device_control2 = 0x0000
link_control2 = 0x0000
)";

}  // namespace capstate::clitest
