// Helpers shared by the plugins' own tests: real dumps from tests/data/real, the fields a plugin
// saves from one of them, byte images of model devices, and a save-then-restore round on a model
// device that reports the planned writes in order, and a GoogleMock observer of the writes that
// round actually makes to the model device.
#pragma once

#include <gmock/gmock.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "capstate/sdk/plugin.hpp"
#include "restore/restore_plan.hpp"
#include "util/pci_address.hpp"

namespace capstate::plugintest {

/// The text of tests/data/real/<name>; throws when it cannot be read.
std::string real_dump(const std::string& name);

/// "name=0xvalue" for every field `plugin` saves from the first target of `kind`/`id` on the
/// first device of the real dump `name` (absent fields included, value 0; CapKind::header is the
/// configuration header, `id` 0); fails the test when the device has no such target.
std::vector<std::string> saved_fields(const Plugin& plugin, const std::string& name, CapKind kind,
                                      std::uint16_t id);

/// As saved_fields, but only the fields the device has (present), e.g. which variant was saved.
std::vector<std::string> saved_present_fields(const Plugin& plugin, const std::string& name,
                                              CapKind kind, std::uint16_t id);

/// "name=0xvalue" for the named values of `record` decoded by `plugin`: its arrays (per array its
/// saved flag, its count, then its elements as "array[i].field"), then any plugin-decoded extra.
std::vector<std::string> extra_values(const Plugin& plugin, const Record& record);

/// extra_values of the record saved_fields decodes (the arrays, which saved_fields leaves out).
std::vector<std::string> saved_arrays(const Plugin& plugin, const std::string& name, CapKind kind,
                                      std::uint16_t id);

/// Writes the low `n` bytes of `v` little-endian at `at`.
void put(std::vector<std::uint8_t>& bytes, std::size_t at, std::uint32_t v, unsigned n);
/// Reads `n` bytes little-endian at `at`.
std::uint32_t get(const std::vector<std::uint8_t>& bytes, std::size_t at, unsigned n);

/// What extended_capability_model puts in a model device's configuration space.
struct ExtendedModelSpec {
  std::uint32_t ids = 0;         ///< Device ID << 16 | Vendor ID, at 0x00
  std::uint32_t class_rev = 0;   ///< class code << 8 | revision ID, at 0x08
  std::uint8_t header_type = 0;  ///< the header type byte, at 0x0e
  std::uint16_t at = 0x100;      ///< where the extended capability's header is
  std::uint16_t id = 0;          ///< its capability ID (header bits 15:0)
  std::uint8_t version = 1;      ///< its version (header bits 19:16)
  std::uint16_t next = 0;        ///< the next capability's offset (bits 31:20); 0: last
};

/// kExtendedSize zero bytes of configuration space holding `spec`'s IDs and capability header.
std::vector<std::uint8_t> extended_capability_model(const ExtendedModelSpec& spec);

/// Memory behind one BAR of a model device.
struct ModelBar {
  std::uint8_t bar = 0;             ///< which BAR (0-5)
  std::vector<std::uint8_t> bytes;  ///< its memory (a multiple of 4 bytes)
};

/// One model device: its bytes, which bits are writable and write-1-to-clear, and what the
/// kernel says of it.
struct ModelImage {
  std::vector<std::uint8_t> config;    ///< configuration space (4096 bytes unless smaller)
  std::vector<std::uint8_t> writable;  ///< bits a write changes
  std::vector<std::uint8_t> w1c;       ///< bits a write of 1 clears
  std::vector<KernelResource> kernel_resources{};  ///< the kernel's BAR assignments (sysfs lines)
  std::string bound_driver{};                      ///< the driver bound to it ("" for none)
  std::vector<ModelBar> bars{};  ///< BAR memory (MSI-X tables and the like); none by default
};

/// What a save on one model device and a restore onto another produced.
struct ModelRestore {
  std::vector<std::string> writes;      ///< "name=0xvalue @0xoffset phase N", in execution order
  core::DevicePlan plan;                ///< the whole plan (skipped writes included)
  std::vector<std::uint8_t> bytes;      ///< the restored device's bytes afterwards
  std::vector<std::string> mismatches;  ///< verify mismatches after the writes
  std::vector<ModelBar> bars;           ///< the restored device's BAR memory afterwards
};

/// Saves `saved` with only `plugin` loaded and restores onto `now` (with its kernel resources and
/// bound driver) at the same address under `options`.
ModelRestore save_and_restore(const std::shared_ptr<Plugin>& plugin, core::PciAddress address,
                              const ModelImage& saved, const ModelImage& now,
                              const core::RestoreOptions& options = {});

/// GoogleMock observer of every configuration-space and BAR write a restore makes, in order.
struct WriteObserver {
  /// One configuration-space write reaching the model device: offset, width and value.
  MOCK_METHOD(void, config_write, (std::uint16_t offset, Width width, std::uint32_t value));
  /// One 32-bit write to the model device's BAR memory: which BAR, offset and value.
  MOCK_METHOD(void, bar_write, (std::uint8_t bar, std::uint64_t offset, std::uint32_t value));
};

/// As save_and_restore, but every configuration-space and BAR write the restore makes to `now`
/// (planning and applying) is reported to `observer` before it is made, in execution order.
ModelRestore save_and_restore(const std::shared_ptr<Plugin>& plugin, core::PciAddress address,
                              const ModelImage& saved, const ModelImage& now,
                              WriteObserver& observer, const core::RestoreOptions& options = {});

/// One line per byte of `after` whose read-only bits (neither writable nor W1C in `before`)
/// differ from `before`'s, or whose W1C bits set in `before` are clear; empty when none.
std::vector<std::string> disturbed_bits(const ModelImage& before,
                                        const std::vector<std::uint8_t>& after);

/// "name 0xoffset=0xvalue" (offset in three hex digits) for each write `plan` makes, in order.
std::vector<std::string> offset_writes(const core::DevicePlan& plan);

}  // namespace capstate::plugintest
