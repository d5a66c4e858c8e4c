// Example out-of-tree plugin for one vendor's device: the CXL device DVSEC (DVSEC vendor 0x1e98,
// DVSEC ID 0) of the Xilinx c084 CXL memory device, as pure data. It restores the CXL Control
// register's Cache_Enable and Mem_Enable bits and keeps CXL Capability for inspect and diff.
#include <array>
#include <cstdint>

#include "capstate/sdk/sdk.hpp"

namespace {

using capstate::Condition;
using capstate::Test;
using capstate::Width;

/// Designated Vendor-Specific Extended Capability.
inline constexpr std::uint16_t kDvsecId = 0x0023;
/// CXL Control: Cache_Enable (bit 0) and Mem_Enable (bit 2); IO_Enable (bit 1) is read-only.
#ifndef CAPSTATE_EXAMPLE_BREAK_ENCODING
inline constexpr std::uint32_t kControlWritable = 0x0005;
#else
// Built with -DCAPSTATE_EXAMPLE_BREAK_ENCODING=ON: a layout change without a schema bump, which
// the GOLDEN test must catch (tests/install shows it does).
inline constexpr std::uint32_t kControlWritable = 0x0007;
#endif

inline constexpr std::array<std::uint16_t, 1> kXilinx{0x10ee};
inline constexpr std::array<std::uint16_t, 1> kCxlMemoryDevice{0xc084};

/// The DVSEC header: vendor 0x1e98 (the CXL consortium) in bits 15:0 of +0x04, ID 0 (the CXL
/// device DVSEC) in bits 15:0 of +0x08.
inline constexpr Condition kCxlVendor{
    .test = Test::equals, .offset = 0x04, .width = Width::dword, .mask = 0xffff, .operand = 0x1e98};
inline constexpr Condition kDeviceDvsec{
    .test = Test::equals, .offset = 0x08, .width = Width::dword, .mask = 0xffff, .operand = 0x0000};

inline constexpr std::array<capstate::Claim, 1> kClaims{{
    {.kind = capstate::CapKind::extended,
     .id = kDvsecId,
     .device = {.vendors = kXilinx, .devices = kCxlMemoryDevice},
     .when = {kCxlVendor, kDeviceDvsec, {}}},
}};

// Schema 1: CXL Capability (read-only, kept for inspect and diff) and CXL Control.
inline constexpr std::array<capstate::Field, 2> kFieldsV1{{
    {.name = "cxl_capability", .offset = 0x0a, .width = Width::word},
    {.name = "cxl_control",
     .offset = 0x0c,
     .width = Width::word,
     .writable = kControlWritable,
     .verify = kControlWritable},
}};

inline constexpr std::array<capstate::Layout, 1> kLayouts{{
    {.schema_version = 1, .encoding = capstate::Encoding::present_fields, .fields = kFieldsV1},
}};

/// Everything is data: no code beyond the metadata.
class CxlDvsecPlugin final : public capstate::Plugin {
 public:
  capstate::PluginInfo info() const override {
    return {
        .name = "cxl-dvsec",
        .version = "1.0.0",
        .summary = "CXL device DVSEC of the Xilinx c084: CXL Control's cache and memory enables",
        .claims = kClaims,
        .current_schema = 1,
        .oldest_schema = 1,
        .restore_phase = 250,
        .needs_bar_access = false};
  }
  std::span<const capstate::Layout> layouts() const override { return kLayouts; }
};

}  // namespace

CAPSTATE_PLUGIN(CxlDvsecPlugin)
