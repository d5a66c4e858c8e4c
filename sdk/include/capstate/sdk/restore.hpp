// What a plugin's own restore sequence can do: ask for writes around the engine's field writes.
#pragma once

#include <cstdint>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

#include "capstate/sdk/access.hpp"
#include "capstate/sdk/capability.hpp"
#include "capstate/sdk/layout.hpp"

namespace capstate {

/// Where a requested write goes.
enum class Target : std::uint8_t {
  config,  ///< configuration space, offset relative to the capability start
  bar,     ///< BAR memory, offset within the BAR
  /// configuration space of the upstream port of the function's link (RestoreContext::upstream),
  /// offset relative to the same plugin's capability there
  upstream_config,
};

/// One write a plugin's restore sequence asks for (beyond the layout's fields). It may change only
/// bits that the layout's fields (or array element fields, in BAR memory) at that place declare
/// writable or transient; the plan is refused otherwise, naming the plugin.
struct WriteRequest {
  std::string name;                ///< register name shown in the plan (e.g. "vector[3].data")
  Target target = Target::config;  ///< configuration space or BAR memory
  std::uint8_t bar = 0;            ///< BAR index when target is bar
  std::uint64_t offset = 0;        ///< from the capability start (config) or BAR start (bar)
  Width width = Width::dword;      ///< access width (BAR writes are always 32-bit)
  std::uint32_t value = 0;         ///< value to write
  std::uint32_t verify = 0;        ///< bits compared after restore; 0 for transient steps
  bool always = false;             ///< write even when the device already holds `value`
  std::uint8_t retries = 0;        ///< rewrites, 1 ms apart, while it does not read back as written
  /// Write-1-to-clear bits of the layout this write sets to 1 on purpose, to clear them (e.g. an
  /// error status cleared before its masks are restored); every other W1C bit is written as 0.
  std::uint32_t clears = 0;
  /// Restore phase of this write; 0 = the plugin's phase (e.g. ASPM turned off on both ends of a
  /// link before L1 PM Substates are programmed, then on again last).
  std::uint16_t phase = 0;
};

/// A condition a restore step waits for after a write, polling the register (e.g. an arbitration
/// table's load to finish).
struct WaitRequest {
  std::string name;              ///< what is awaited, shown in the plan ("vc_arbitration_loaded")
  std::uint16_t offset = 0;      ///< register polled, from the capability start
  Width width = Width::word;     ///< its access width
  std::uint32_t mask = 0;        ///< bits compared
  std::uint32_t value = 0;       ///< what they must read as
  std::uint32_t timeout_us = 0;  ///< how long to poll at most (at most 1 s)
};

/// One option a plugin's restore takes from policy (`[plugin_options.<plugin>]`).
struct OptionSpec {
  std::string_view name;           ///< the key under [plugin_options.<plugin>]
  std::string_view values;         ///< allowed values, separated by "|" ("true|false")
  std::string_view default_value;  ///< the value when policy does not set it
  std::string_view doc;            ///< one line saying what it does
};

/// An option's value in force for one device: policy's, or the declared default.
struct PluginOption {
  std::string_view name;   ///< the option's name
  std::string_view value;  ///< its value, one of the declared values
};

/// One address range the running kernel assigned to the function (a line of sysfs `resource`:
/// BARs 0-5, the ROM, then SR-IOV and bridge-window ranges).
struct KernelResource {
  std::uint64_t start = 0;  ///< first address (0 with flags 0: unassigned)
  std::uint64_t end = 0;    ///< last address
  std::uint64_t flags = 0;  ///< the kernel's IORESOURCE_* flags (0x100 I/O, 0x200 memory)
};

/// What restore does when a saved address differs from the kernel's current assignment.
enum class BarMismatch : std::uint8_t {
  refuse,  ///< refuse the restore of the device, nothing written
  kernel,  ///< write the kernel's current assignment instead of the saved one
};

/// Thrown by a plugin's restore_sequence to refuse its target's restore before anything is
/// written (e.g. a saved BAR the kernel has since moved); the host refuses the device's restore
/// with this text, naming the device.
class Refusal : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The saved elements of one array of the current layout.
struct SavedArray {
  std::string_view name;                  ///< the array's name in the layout
  bool saved = false;                     ///< whether the elements were saved (memory reachable)
  std::uint32_t count = 0;                ///< how many elements the device had
  std::span<const std::uint32_t> values;  ///< when saved: count x element fields, in order
};

/// The same plugin's record on the upstream port of the function's link (the bridge whose secondary
/// bus is the function's bus), when that port is restored in the same run, before the function.
struct UpstreamPort {
  std::string_view address;            ///< the port's address ("0000:00:1c.0"), for notes
  Capability capability;               ///< the plugin's capability on the port
  std::span<const SavedField> fields;  ///< the port's saved fields (current schema)
};

/// The saved state handed to a plugin's restore sequence (already migrated to the current schema).
struct RestoreContext {
  const Capability& capability;             ///< the capability on the device being restored
  std::span<const SavedField> fields;       ///< saved field values of the current layout
  std::span<const std::uint8_t> extra;      ///< plugin-coded bytes saved after the arrays
  bool has_bar_access = false;              ///< whether the target device's BAR memory is reachable
  std::span<const SavedArray> arrays = {};  ///< saved arrays of the current layout, in order
  /// The running kernel's address assignment of the function; empty for dumps and images.
  std::span<const KernelResource> kernel_resources = {};
  BarMismatch bar_mismatch = BarMismatch::refuse;  ///< policy for saved addresses the kernel moved
  /// Every option the plugin declares (PluginInfo::options), with the value in force.
  std::span<const PluginOption> options = {};
  /// The upstream port's record of this plugin, when the port is restored in the same run: the
  /// sequence may then read and write the port's capability (Target::upstream_config), as the
  /// kernel programs both ends of a link from the downstream function. nullptr otherwise.
  const UpstreamPort* upstream = nullptr;
  /// Whether a function right below this port (on its secondary bus), restored in the same run
  /// after it, carries a record of this plugin and so programs the link's both ends.
  bool downstream_restored = false;
};

/// The value of field `name` in `fields`; 0 when absent there or not in the layout.
inline std::uint32_t saved_value(std::span<const SavedField> fields, std::string_view name) {
  for (const SavedField& f : fields) {
    if (f.name == name) {
      return f.present ? f.value : 0;
    }
  }
  return 0;
}

/// The saved field `name` of `ctx`; nullptr when the layout has no such field.
inline const SavedField* saved_field(const RestoreContext& ctx, std::string_view name) {
  for (const SavedField& f : ctx.fields) {
    if (f.name == name) {
      return &f;
    }
  }
  return nullptr;
}

/// The saved value of field `name`; 0 when the device lacked it or the layout has no such field.
inline std::uint32_t saved_value(const RestoreContext& ctx, std::string_view name) {
  return saved_value(ctx.fields, name);
}

/// The saved array `name` of `ctx`; nullptr when the layout has no such array.
inline const SavedArray* saved_array(const RestoreContext& ctx, std::string_view name) {
  for (const SavedArray& a : ctx.arrays) {
    if (a.name == name) {
      return &a;
    }
  }
  return nullptr;
}

/// The value in force of option `name` in `ctx`; empty when the plugin did not declare it.
inline std::string_view option_value(const RestoreContext& ctx, std::string_view name) {
  for (const PluginOption& o : ctx.options) {
    if (o.name == name) {
      return o.value;
    }
  }
  return {};
}

/// Builds one capability's restore steps in order; nothing is written while a plan is built.
class RestoreSequence {
 public:
  virtual ~RestoreSequence() = default;

  /// Current value of a register of the capability (read from the device once, then cached).
  virtual std::uint32_t read_config(std::uint16_t offset, Width width) = 0;
  /// Value of a register of the plugin's capability on the upstream port (RestoreContext::upstream)
  /// as the port's own restore leaves it; throws when there is no upstream port in the restore.
  virtual std::uint32_t read_upstream_config(std::uint16_t offset, Width width) = 0;
  /// Current value of a BAR dword.
  virtual std::uint32_t read_bar(std::uint8_t bar, std::uint64_t offset) = 0;
  /// Appends a write the plugin needs (skipped when unchanged unless `always`).
  virtual void write(const WriteRequest& request) = 0;
  /// Appends the layout's field writes (masked, only differing ones unless `force`).
  virtual void fields(bool force) = 0;
  /// Appends the writes of every saved, reachable array element (masked by each element field's
  /// writable bits; only differing ones unless `force`).
  virtual void arrays(bool force) = 0;
  /// Whether any saved, reachable array element differs from the device in its writable bits.
  virtual bool arrays_differ() = 0;
  /// Appends the write of one layout field by name, as fields() would; throws on an unknown name.
  virtual void field(std::string_view name, bool force) = 0;
  /// Waits `microseconds` after the last write appended so far, when that write is made (e.g. the
  /// 10 ms a function needs from D3hot to D0); throws when nothing was appended yet.
  virtual void delay(std::uint32_t microseconds) = 0;
  /// Says the last write appended may reset the function's other registers (e.g. D3hot to D0
  /// without No_Soft_Reset): every write planned after it, of any plugin, is then made even where
  /// the device held the saved value when the plan was built. Throws when nothing was appended.
  virtual void resets_function() = 0;
  /// After the last write appended so far, when it is made: polls until the condition holds or
  /// its timeout passes (a timeout is reported with the verify mismatches and the restore goes
  /// on, as the kernel's does). Throws when nothing was appended or the request is malformed.
  virtual void wait_until(const WaitRequest& request) = 0;
  /// Adds a line to the plan's notes (shown by restore, --dry-run and the JSON plan), prefixed
  /// with the device, the capability and the plugin: what the restore leaves out, and why.
  virtual void note(std::string_view text) = 0;
};

}  // namespace capstate
