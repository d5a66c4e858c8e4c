// Register layout of the MSI capability (standard capability 0x05), schema 1: the 32- and 64-bit
// forms, with and without per-vector masking, as variants of one layout.
#pragma once

#include <array>
#include <cstdint>

#include "capstate/sdk/layout.hpp"

namespace capstate::msi {

/// Capability ID of MSI in the standard list.
inline constexpr std::uint16_t kCapabilityId = 0x05;
/// Restore phase: after the header's Command (260), as the kernel restores MSI after the header.
inline constexpr std::uint16_t kRestorePhase = 300;
/// Message Control is written after address, data and mask bits, so Enable comes on last.
inline constexpr std::uint16_t kControlPhase = 310;

/// Message Control: MSI Enable (RW).
inline constexpr std::uint32_t kEnable = 0x0001;
/// Message Control: Multiple Message Capable, log2 of the vectors the function can use (RO).
inline constexpr std::uint32_t kMultipleCapable = 0x000e;
/// Message Control: Multiple Message Enable, log2 of the vectors allocated (RW).
inline constexpr std::uint32_t kMultipleEnable = 0x0070;
/// Message Control: 64-bit address capable (RO).
inline constexpr std::uint32_t k64Bit = 0x0080;
/// Message Control: per-vector masking capable (RO).
inline constexpr std::uint32_t kMaskable = 0x0100;
/// Message Address (low): bits 1:0 are reserved.
inline constexpr std::uint32_t kAddressLo = 0xfffffffc;

/// The 64-bit form: the upper address at +0x08 moves data to +0x0c and mask bits to +0x10.
inline constexpr Condition kIs64{.test = Test::any_bit_set, .offset = 0x02, .mask = k64Bit};
/// The 32-bit form: data at +0x08, mask bits at +0x0c.
inline constexpr Condition kIs32{
    .test = Test::equals, .offset = 0x02, .mask = k64Bit, .operand = 0};
/// Per-vector masking: the Mask Bits register exists.
inline constexpr Condition kMasks{.test = Test::any_bit_set, .offset = 0x02, .mask = kMaskable};

// clang-format off
/// Schema 1: the message, the mask bits, then Message Control (Enable last). Pending Bits are RO.
inline constexpr std::array<Field, 7> kSchema1Fields{{
    // Message Address: the low dword in both forms.
    {.name = "address_lo", .offset = 0x04, .width = Width::dword, .writable = kAddressLo, .verify = kAddressLo},
    // Message Upper Address: 64-bit form only.
    {.name = "address_hi", .offset = 0x08, .width = Width::dword, .writable = 0xffffffff, .verify = 0xffffffff, .presence = {.all_of = {kIs64}}},
    // Message Data: +0x08 in the 32-bit form (the bytes the 64-bit form uses for address_hi).
    {.name = "data_32", .offset = 0x08, .width = Width::word, .writable = 0xffff, .verify = 0xffff, .presence = {.all_of = {kIs32}}},
    // Message Data: +0x0c in the 64-bit form.
    {.name = "data_64", .offset = 0x0c, .width = Width::word, .writable = 0xffff, .verify = 0xffff, .presence = {.all_of = {kIs64}}},
    // Mask Bits: +0x0c in the 32-bit form (the bytes the 64-bit form uses for data).
    {.name = "mask_32", .offset = 0x0c, .width = Width::dword, .writable = 0xffffffff, .verify = 0xffffffff, .presence = {.all_of = {kIs32, kMasks}}},
    // Mask Bits: +0x10 in the 64-bit form.
    {.name = "mask_64", .offset = 0x10, .width = Width::dword, .writable = 0xffffffff, .verify = 0xffffffff, .presence = {.all_of = {kIs64, kMasks}}},
    // Message Control: Enable and Multiple Message Enable restored last; the capability bits
    // (64-bit, per-vector masking, Multiple Message Capable) identify it and must match.
    {.name = "message_control", .offset = 0x02, .width = Width::word, .writable = kEnable | kMultipleEnable, .verify = kEnable | kMultipleEnable, .phase = kControlPhase, .must_match = k64Bit | kMaskable | kMultipleCapable},
}};
// clang-format on

/// The one layout.
inline constexpr std::array<Layout, 1> kLayouts{{
    {.schema_version = 1, .encoding = Encoding::present_fields, .fields = kSchema1Fields},
}};

}  // namespace capstate::msi
