#include "restore/restore_plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <tuple>

#include "discovery/discovery.hpp"
#include "dispatch/device_save.hpp"
#include "dispatch/targets.hpp"
#include "engine/field_codec.hpp"
#include "engine/plugin_call.hpp"
#include "migration/migrate.hpp"
#include "registry/metadata_check.hpp"
#include "restore/identity_check.hpp"

namespace capstate::core {
namespace {

std::string cap_text(const Capability& cap) {
  return target_text(cap);
}

// The upstream port as one capability's sequence sees it: the plugin's capability there, and its
// registers as the port's own plan (made before) leaves them.
class UpstreamSide {
 public:
  UpstreamSide(Device& device, const Capability& cap, const DevicePlan* plan)
      : cap_(cap), plan_(plan), regs_(*device.config, cap) {}

  /// The plugin's capability on the port.
  const Capability& capability() const { return cap_; }

  /// The register at `offset` from the capability start: the value the port's plan leaves there
  /// when it writes it (same offset and width), else what the device holds now.
  std::uint32_t read(std::uint16_t offset, Width width) {
    const std::uint64_t at = cap_.offset + offset;
    std::optional<std::uint32_t> held;
    if (plan_ != nullptr) {
      for (const PlannedWrite& w : plan_->writes) {
        if (w.write && !w.upstream && w.target == Target::config && w.offset == at &&
            w.width == width) {
          held = ((w.value & ~w.w1c) | (w.current & w.w1c)) & ~w.clears;
        }
      }
    }
    return held ? *held : regs_.read(offset, width);
  }

 private:
  Capability cap_;
  const DevicePlan* plan_;
  RegisterCache regs_;
};

// Records the steps of one capability's restore; reads the device, never writes it.
class PlanBuilder final : public RestoreSequence {
 public:
  PlanBuilder(Device& device, const PluginEntry& entry, const Capability& cap, const Layout& layout,
              std::span<const SavedField> saved, std::span<const ArrayValues> arrays,
              std::vector<PlannedWrite>& out, DevicePlan& plan, UpstreamSide* upstream)
      : plan_(plan),
        up_(upstream),
        device_(device),
        entry_(entry),
        cap_(cap),
        layout_(layout),
        saved_(saved),
        arrays_(arrays),
        regs_(*device.config, cap),
        out_(out),
        first_(out.size()) {}

  /// Refuses the capability when a must_match field, or a must_match element field of a saved
  /// array in configuration space, differs on the device (before any write).
  void check_must_match() {
    for (std::size_t i = 0; i < layout_.fields.size(); ++i) {
      const Field& f = layout_.fields[i];
      if (f.must_match != 0 && saved_[i].present) {
        must_match(f, f.name, cap_.offset + f.offset, regs_.read(f.offset, f.width),
                   saved_[i].value);
      }
    }
    // BAR memory is left out: with decode off (after a reset) its reads are not the device's.
    for_each_element([&](const Array&, const Field& f, const ArrayPlace& place, std::uint64_t at,
                         std::uint32_t value, const std::string& name) {
      if (f.must_match != 0 && place.space == Space::config) {
        must_match(f, name, at, element_now(place, at, f.width), value);
      }
      return false;
    });
  }

  /// Refuses the capability when a saved config-space array that a field locates would lie
  /// outside configuration space on this device (a record no save writes: the save leaves such an
  /// array unsaved), before any write.
  void check_array_places() {
    for (std::size_t k = 0; k < layout_.arrays.size() && k < arrays_.size(); ++k) {
      const Array& a = layout_.arrays[k];
      if (!arrays_[k].saved || a.place.space != Space::config || a.place.locator.empty()) {
        continue;
      }
      const std::string why =
          config_array_out_of_range(a, cap_, array_place(a, cap_, saved_), arrays_[k].count);
      if (!why.empty()) {
        throw RestoreRefused(fmt::format(
            "{}: {} (plugin '{}'): saved array '{}' cannot be written: {}; nothing was written",
            device_.address.str(), cap_text(cap_), entry_.name, a.name, why));
      }
    }
  }

  void arrays(bool force) override {
    for_each_element([&](const Array&, const Field& f, const ArrayPlace& place, std::uint64_t at,
                         std::uint32_t value, const std::string& name) {
      PlannedWrite w = base(name);
      w.target = place.space == Space::bar ? Target::bar : Target::config;
      w.bar = place.bar;
      w.offset = at;
      w.width = f.width;
      w.current = element_now(place, at, f.width);
      w.mask = f.writable & ~f.w1c;
      w.w1c = f.w1c;
      w.desired = value & w.mask;
      w.verify = f.verify;
      w.forced = force || (w.target == Target::bar && bar_reads_stale());
      if (f.phase != 0) {
        w.phase = f.phase;
      }
      out_.push_back(std::move(w));
      return false;
    });
  }

  bool arrays_differ() override {
    bool differs = false;
    for_each_element([&](const Array&, const Field& f, const ArrayPlace& place, std::uint64_t at,
                         std::uint32_t value, const std::string&) {
      const std::uint32_t mask = f.writable & ~f.w1c;
      differs = (place.space == Space::bar && bar_reads_stale()) ||
                ((element_now(place, at, f.width) ^ value) & mask) != 0;
      return differs;
    });
    return differs;
  }

  std::uint32_t read_config(std::uint16_t offset, Width width) override {
    return regs_.read(offset, width);
  }

  std::uint32_t read_upstream_config(std::uint16_t offset, Width width) override {
    if (up_ == nullptr) {
      throw BadWriteRequest("read_upstream_config", offset,
                            "the sequence read the upstream port, which is not in this restore "
                            "(RestoreContext::upstream is null); the plugin is broken");
    }
    return up_->read(offset, width);
  }

  std::uint32_t read_bar(std::uint8_t bar, std::uint64_t offset) override {
    if (!device_.bars || !device_.bars->has_bar(bar)) {
      throw AccessError(
          fmt::format("{}: BAR {} is not accessible from this source", device_.address.str(), bar));
    }
    return device_.bars->read32(bar, offset);
  }

  void write(const WriteRequest& r) override {
    check_request(r);
    // Write-1-to-clear bits are always written as 0, whatever the request says.
    const std::uint32_t w1c = layout_bits(r, [](const Field& f) { return f.w1c; });
    const std::uint32_t allowed = allowed_bits(r) | w1c;
    const bool up = r.target == Target::upstream_config;
    PlannedWrite w = base(r.name);
    w.target = up ? Target::config : r.target;
    w.bar = r.bar;
    w.width = r.target == Target::bar ? Width::dword : r.width;
    w.offset = r.target == Target::bar ? r.offset : base_offset(r) + r.offset;
    const auto offset = static_cast<std::uint16_t>(r.offset);
    w.current = r.target == Target::bar ? read_bar(r.bar, r.offset)
                : up                    ? up_->read(offset, r.width)
                                        : read_config(offset, r.width);
    w.upstream = up;
    if (up) {
      w.capability = up_->capability();
    }
    if (r.phase != 0) {
      w.phase = r.phase;
    }
    if (((w.current ^ r.value) & ~allowed & width_mask(w.width)) != 0) {
      throw BadWriteRequest(
          r.name, r.offset,
          fmt::format("write '{}' at {} 0x{:x} changes bits 0x{:x} (0x{:x} now, 0x{:x} asked) "
                      "that its layout declares neither writable nor transient; the plugin is "
                      "broken, or its layout must declare those bits",
                      r.name,
                      r.target == Target::bar ? "BAR offset"
                      : up                    ? "the upstream port's capability offset"
                                              : "capability offset",
                      r.offset, (w.current ^ r.value) & ~allowed & width_mask(w.width), w.current,
                      r.value));
    }
    if ((r.clears & ~(w1c & r.value)) != 0) {
      throw BadWriteRequest(
          r.name, r.offset,
          fmt::format("write '{}' asks to clear bits 0x{:x} that its layout does not declare "
                      "write-1-to-clear, or does not write as 1 (value 0x{:x}); the plugin is "
                      "broken",
                      r.name, r.clears & ~(w1c & r.value), r.value));
    }
    w.w1c = w1c & ~r.clears;
    w.clears = r.clears;
    w.mask = (allowed & ~w1c) | r.clears;
    w.desired = r.value & w.mask;
    w.verify = r.verify & w.mask & ~r.clears;
    w.forced = r.always || (r.target == Target::bar && bar_reads_stale());
    w.retries = r.retries;
    out_.push_back(std::move(w));
  }

  void fields(bool force) override {
    for (std::size_t i = 0; i < layout_.fields.size(); ++i) {
      plan_field(i, force);
    }
  }

  void field(std::string_view name, bool force) override {
    for (std::size_t i = 0; i < layout_.fields.size(); ++i) {
      if (layout_.fields[i].name == name) {
        plan_field(i, force);
        return;
      }
    }
    throw BadWriteRequest(std::string(name), 0,
                          fmt::format("field '{}' is not in the plugin's schema {} layout; the "
                                      "plugin is broken",
                                      name, layout_.schema_version));
  }

  void delay(std::uint32_t microseconds) override {
    if (first_ == out_.size()) {
      throw BadWriteRequest("delay", 0,
                            "a delay was asked for before any write; the plugin is broken");
    }
    if (microseconds > kMaxDelayUs) {
      throw BadWriteRequest(out_.back().name, 0,
                            fmt::format("a delay of {} us after '{}' is longer than the {} us a "
                                        "restore step may wait; the plugin is broken",
                                        microseconds, out_.back().name, kMaxDelayUs));
    }
    out_.back().delay_us = microseconds;
  }

  void wait_until(const WaitRequest& r) override {
    if (first_ == out_.size()) {
      throw BadWriteRequest(r.name, r.offset,
                            "a wait was asked for before any write; the plugin is broken");
    }
    const bool width_ok =
        r.width == Width::byte || r.width == Width::word || r.width == Width::dword;
    if (!width_ok || r.offset % width_bytes(r.width) != 0 || (r.mask & ~width_mask(r.width)) != 0 ||
        (r.value & ~r.mask) != 0 || r.mask == 0 ||
        cap_.offset + r.offset + width_bytes(r.width) > kExtendedSize ||
        r.timeout_us > kMaxDelayUs) {
      throw BadWriteRequest(
          r.name, r.offset,
          fmt::format("wait '{}' at capability offset 0x{:x} (mask 0x{:x}, value 0x{:x}, timeout "
                      "{} us) is malformed: it needs a 1-, 2- or 4-byte aligned register inside "
                      "configuration space, a value within a non-zero mask and at most {} us; "
                      "the plugin is broken",
                      r.name, r.offset, r.mask, r.value, r.timeout_us, kMaxDelayUs));
    }
    if (out_.back().upstream) {
      throw BadWriteRequest(r.name, r.offset,
                            "a wait was asked for after a write on the upstream port; only the "
                            "device's own registers can be polled; the plugin is broken");
    }
    out_.back().wait = WaitStep{r.name,  static_cast<std::uint16_t>(cap_.offset + r.offset),
                                r.width, r.mask,
                                r.value, r.timeout_us};
  }

  void note(std::string_view text) override {
    plan_.warnings.push_back(fmt::format("{}: {} (plugin '{}'): {}", device_.address.str(),
                                         cap_text(cap_), entry_.name, text));
    plan_.notes.push_back(plan_.warnings.back());
  }

  void resets_function() override {
    if (first_ == out_.size()) {
      throw BadWriteRequest("resets_function", 0,
                            "a function reset was declared before any write; the plugin is broken");
    }
    out_.back().resets = true;
  }

 private:
  // BAR memory answers only while the function decodes memory (Command bit 1, PCI): with decode
  // off (after a reset, before the header is restored) a read returns what the bus makes of it
  // (0 or all ones), not the device's registers. Every BAR-memory write is then made.
  bool bar_reads_stale() {
    if (!decode_known_) {
      decode_off_ = (device_.config->read(kCommand, Width::word) & kMemorySpace) == 0;
      decode_known_ = true;
    }
    return decode_off_;
  }

  static constexpr std::uint16_t kCommand = 0x04;      // Command register (every header type)
  static constexpr std::uint32_t kMemorySpace = 0x02;  // Command: Memory Space enable

  // The most a plugin may make a restore wait after one write (the kernel's longest PM delay is
  // 120 ms; SR-IOV waits 100 ms after VF Enable).
  static constexpr std::uint32_t kMaxDelayUs = 1'000'000;

  // Throws RestoreRefused when `now` differs from `saved` in the must_match bits of `f`.
  void must_match(const Field& f, std::string_view name, std::uint64_t at, std::uint32_t now,
                  std::uint32_t saved) const {
    if (((now ^ saved) & f.must_match) == 0) {
      return;
    }
    throw RestoreRefused(fmt::format(
        "{}: {} (plugin '{}'): field '{}' at 0x{:03x} identifies the capability, and the device "
        "holds 0x{:x} in its bits 0x{:x} where 0x{:x} was saved; nothing was written. The device "
        "is not the one saved, or it was reconfigured: save it again",
        device_.address.str(), cap_text(cap_), entry_.name, name, at, now & f.must_match,
        f.must_match, saved & f.must_match));
  }

  // Appends field i's write unless the device lacks it or nothing of it is writable.
  void plan_field(std::size_t i, bool force) {
    const Field& f = layout_.fields[i];
    const SavedField& saved = saved_[i];
    // Read-only fields (nothing writable) are saved for reference and checks, never written.
    if (!saved.present || (f.writable & ~f.w1c) == 0 ||
        !presence_holds(f.presence, cap_, regs_, saved_.first(i))) {
      return;
    }
    PlannedWrite w = base(std::string(f.name));
    w.offset = cap_.offset + f.offset;
    w.width = f.width;
    w.current = regs_.read(f.offset, f.width);
    w.mask = f.writable & ~f.w1c;
    w.w1c = f.w1c;
    w.desired = saved.value & w.mask;
    w.verify = f.verify;
    w.forced = force;
    w.retries = f.retries;
    if (f.phase != 0) {
      w.phase = f.phase;
    }
    out_.push_back(std::move(w));
  }

  // Refuses a write request a correct plugin never makes; inside guarded_call the text becomes a
  // PluginFailure naming the plugin.
  void check_request(const WriteRequest& r) const {
    const std::string who = "write '" + r.name + "'";
    if (r.target != Target::config && r.target != Target::bar &&
        r.target != Target::upstream_config) {
      throw BadWriteRequest(
          r.name, r.offset,
          fmt::format("{} has target {}, not config, bar or upstream_config; the plugin is broken",
                      who, static_cast<unsigned>(r.target)));
    }
    if (r.target == Target::upstream_config && up_ == nullptr) {
      throw BadWriteRequest(
          r.name, r.offset,
          fmt::format("{} targets the upstream port, which is not in this restore "
                      "(RestoreContext::upstream is null); the plugin is broken",
                      who));
    }
    const Width width = r.target == Target::bar ? Width::dword : r.width;
    if (width != Width::byte && width != Width::word && width != Width::dword) {
      throw BadWriteRequest(
          r.name, r.offset,
          fmt::format("{} has width {}, not 1, 2 or 4 bytes; the plugin is broken", who,
                      static_cast<unsigned>(width)));
    }
    const std::uint32_t mask = width_mask(width);
    if ((r.value & ~mask) != 0 || (r.verify & ~mask) != 0) {
      throw BadWriteRequest(r.name, r.offset,
                            fmt::format("{} has value 0x{:x} / verify mask 0x{:x}, wider than its "
                                        "{}-bit width; the plugin is broken",
                                        who, r.value, r.verify, width_bits(width)));
    }
    if (r.offset % width_bytes(width) != 0) {
      throw BadWriteRequest(
          r.name, r.offset,
          fmt::format("{} at offset 0x{:x} is not aligned to its {}-bit width; the "
                      "plugin is broken",
                      who, r.offset, width_bits(width)));
    }
    if (r.target != Target::bar &&
        (r.offset > kExtendedSize ||
         base_offset(r) + r.offset + width_bytes(width) > kExtendedSize)) {
      throw BadWriteRequest(
          r.name, r.offset,
          fmt::format(
              "{} at offset 0x{:x} from the capability at 0x{:03x} lies outside the 4096-byte "
              "configuration space; the plugin is broken",
              who, r.offset, base_offset(r)));
    }
  }

  // The bits a sequence write may change: the writable and transient bits of every layout field
  // (config) or array element field (BAR memory) whose bytes it covers, placed at its position.
  std::uint32_t allowed_bits(const WriteRequest& r) {
    return layout_bits(r, [](const Field& f) { return f.writable | f.transient; });
  }

  // Where a config-space request's offset counts from: the capability on this device, or the
  // plugin's capability on the upstream port.
  std::uint16_t base_offset(const WriteRequest& r) const {
    return r.target == Target::upstream_config ? up_->capability().offset : cap_.offset;
  }

  // bits_of(field) of every layout field (config, on this device or the upstream port) or array
  // element field (this device's config or BAR memory) whose bytes the write covers, placed at
  // its position in the write.
  template <typename Bits>
  std::uint32_t layout_bits(const WriteRequest& r, Bits&& bits_of) {
    const unsigned bytes = r.target == Target::bar ? 4U : width_bytes(r.width);
    const std::uint64_t begin = r.target == Target::bar ? r.offset : base_offset(r) + r.offset;
    std::uint64_t found = 0;
    const auto add = [&](std::uint64_t f_begin, const Field& f) {
      const std::uint64_t f_end = f_begin + width_bytes(f.width);
      if (f_end <= begin || f_begin >= begin + bytes) {
        return;
      }
      const std::uint64_t bits = bits_of(f) & width_mask(f.width);
      found |= f_begin >= begin ? bits << (8 * (f_begin - begin)) : bits >> (8 * (begin - f_begin));
    };
    if (r.target != Target::bar) {
      for (const Field& f : layout_.fields) {
        add(base_offset(r) + f.offset, f);
      }
    }
    for_each_element([&](const Array&, const Field& f, const ArrayPlace& place, std::uint64_t at,
                         std::uint32_t, const std::string&) {
      // The upstream port's arrays are not this record's: only its fields are reachable.
      const bool same_space = r.target != Target::upstream_config &&
                              (place.space == Space::bar) == (r.target == Target::bar) &&
                              (r.target == Target::config || place.bar == r.bar);
      if (same_space) {
        add(at, f);
      }
      return false;
    });
    return static_cast<std::uint32_t>(found) &
           width_mask(r.target == Target::bar ? Width::dword : r.width);
  }

  // Calls visit(array, field, place, address, saved value, name) for every element field of
  // every saved array until visit returns true.
  template <typename Visit>
  void for_each_element(Visit&& visit) {
    for (std::size_t k = 0; k < layout_.arrays.size() && k < arrays_.size(); ++k) {
      const Array& a = layout_.arrays[k];
      const ArrayValues& v = arrays_[k];
      if (!v.saved) {
        continue;
      }
      const ArrayPlace place = array_place(a, cap_, saved_);
      if (place.space == Space::bar && (!device_.bars || !device_.bars->has_bar(place.bar))) {
        continue;  // never planned where the memory cannot be reached
      }
      std::size_t n = 0;
      for (std::uint32_t i = 0; i < v.count; ++i) {
        for (const Field& f : a.fields) {
          const std::uint64_t at = place.base + std::uint64_t{i} * a.stride + f.offset;
          if (visit(a, f, place, at, v.values[n], fmt::format("{}[{}].{}", a.name, i, f.name))) {
            return;
          }
          ++n;
        }
      }
    }
  }

  std::uint32_t element_now(const ArrayPlace& place, std::uint64_t at, Width width) {
    return place.space == Space::bar ? read_bar(place.bar, at)
                                     : regs_.read_absolute(static_cast<std::uint32_t>(at), width);
  }

  PlannedWrite base(std::string name) const {
    PlannedWrite w;
    w.phase = entry_.restore_phase;
    w.plugin = entry_.name;
    w.capability = cap_;
    w.name = std::move(name);
    return w;
  }

  DevicePlan& plan_;
  UpstreamSide* up_;  // the upstream port, when the plugin's record there is in the restore
  Device& device_;
  const PluginEntry& entry_;
  Capability cap_;
  const Layout& layout_;
  std::span<const SavedField> saved_;
  std::span<const ArrayValues> arrays_;
  RegisterCache regs_;
  std::vector<PlannedWrite>& out_;
  std::size_t first_ = 0;  // index of this builder's first write in out_
  bool decode_known_ = false;
  bool decode_off_ = false;
};

Capability locate(const std::vector<Capability>& found, const Record& record,
                  const PciAddress& address) {
  // The header is on every device. A region is wherever its plugin declared it; it must still lie
  // outside every capability.
  if (record.capability.kind == CapKind::header) {
    return record.capability;
  }
  if (record.capability.kind == CapKind::region) {
    return record.capability;
  }
  for (const Capability& cap : found) {
    if (cap.kind == record.capability.kind && cap.id == record.capability.id &&
        cap.offset == record.capability.offset) {
      return cap;
    }
  }
  std::string present;
  for (const Capability& cap : found) {
    present += (present.empty() ? "" : ", ") + cap_text(cap);
  }
  throw RestoreRefused(fmt::format(
      "{}: the saved {} (plugin '{}') is not on the device (it has: {}); nothing was written. "
      "Check that the state file was saved from this device",
      address.str(), cap_text(record.capability), record.plugin,
      present.empty() ? "no capabilities" : present));
}

// Every option `entry` declares with the value in force: policy's ("plugin.option" keys of
// options.plugin_options) or the declared default. Refuses a key the plugin does not declare or a
// value it does not allow, so a misspelt option never goes unnoticed.
std::vector<PluginOption> options_in_force(const PluginEntry& entry, const RestoreOptions& options,
                                           const std::string& where) {
  const std::string prefix = entry.name + ".";
  for (const auto& [key, value] : options.plugin_options) {
    if (key.rfind(prefix, 0) != 0) {
      continue;
    }
    const std::string name = key.substr(prefix.size());
    const auto spec = std::find_if(entry.options.begin(), entry.options.end(),
                                   [&](const OptionSpec& o) { return o.name == name; });
    std::string declared;
    for (const OptionSpec& o : entry.options) {
      declared +=
          (declared.empty() ? "" : ", ") + std::string(o.name) + " (" + std::string(o.values) + ")";
    }
    if (spec == entry.options.end() || !option_allows(*spec, value)) {
      throw RestoreRefused(fmt::format(
          "{}: policy sets plugin_options.{} = \"{}\", which plugin '{}' {}; nothing was "
          "written. It takes: {}",
          where, key, value, entry.name,
          spec == entry.options.end() ? "does not declare" : "does not allow",
          declared.empty() ? "no options" : declared));
    }
  }
  std::vector<PluginOption> out;
  for (const OptionSpec& o : entry.options) {
    const auto it = options.plugin_options.find(prefix + std::string(o.name));
    out.push_back({o.name, it != options.plugin_options.end() ? std::string_view(it->second)
                                                              : o.default_value});
  }
  return out;
}

// One saved record made ready for its plugin's restore sequence: migrated to the current schema
// and unpacked.
struct PreparedRecord {
  MigrationResult migrated;        // the record at the plugin's current schema
  const Layout* layout = nullptr;  // that schema's layout
  UnpackedPayload unpacked;        // its fields, arrays and extra bytes
  std::vector<SavedField> saved;   // the fields as the SDK hands them over
  std::vector<SavedArray> arrays;  // the arrays as the SDK hands them over
};

// Migrates and unpacks `record` for `entry`, adding migration notes to `plan`; refuses
// (RestoreRefused) a record that cannot be migrated or decoded, naming `where` and `cap`.
PreparedRecord prepare_record(const PluginEntry& entry, const Record& record, const Capability& cap,
                              const std::string& where, const RestoreOptions& options,
                              DevicePlan* plan) {
  const Plugin& plugin = *entry.plugin;
  PreparedRecord out;
  try {
    out.migrated =
        migrate_record(entry, record, entry.current_schema, options.allow_lossy, options.producer);
  } catch (const PluginFailure&) {
    throw;
  } catch (const std::exception& e) {
    throw RestoreRefused(
        fmt::format("{}: {}: {}; nothing was written", where, cap_text(cap), e.what()));
  }
  if (plan != nullptr && out.migrated.record.schema_version != record.schema_version) {
    plan->notes.push_back(fmt::format("{}: plugin '{}' record migrated from schema {} to {}", where,
                                      entry.name, record.schema_version,
                                      out.migrated.record.schema_version));
  }
  if (plan != nullptr) {
    for (const std::string& lost : out.migrated.lost) {
      plan->notes.push_back(where + ": " + lost);
    }
  }
  out.layout = find_layout(plugin, out.migrated.record.schema_version);
  try {
    out.unpacked = unpack_payload(entry.name, *out.layout, out.migrated.record.payload);
  } catch (const PayloadError& e) {
    throw RestoreRefused(
        fmt::format("{}: {}: {}; nothing was written", where, cap_text(cap), e.what()));
  }
  for (std::size_t i = 0; i < out.layout->fields.size(); ++i) {
    out.saved.push_back(
        {out.layout->fields[i].name, out.unpacked.fields[i].value, out.unpacked.fields[i].present});
  }
  // Plugin-coded bytes are decoded before anything is planned: a record its plugin cannot read is
  // refused, with nothing written.
  if (!out.layout->extra.empty()) {
    guarded_call(entry, where, "decoding its extra bytes", [&] {
      return plugin.decode_extra(out.migrated.record.schema_version, out.unpacked.extra).size();
    });
  }
  for (std::size_t k = 0; k < out.layout->arrays.size(); ++k) {
    const ArrayValues& v = out.unpacked.arrays[k];
    out.arrays.push_back({out.layout->arrays[k].name, v.saved, v.count, v.values});
  }
  return out;
}

// The upstream port's record of `entry`'s plugin, for the same capability type as `cap`, made
// ready: nullopt when the port is not in the restore, has no such record, or its record cannot
// be read (its own plan then said why).
struct UpstreamRecord {
  Capability cap;           // the plugin's capability on the port
  PreparedRecord prepared;  // its record
};
std::optional<UpstreamRecord> upstream_record(const PluginEntry& entry, const Capability& cap,
                                              const LinkContext& link,
                                              const RestoreOptions& options) {
  if (link.upstream == nullptr || link.upstream_saved == nullptr) {
    return std::nullopt;
  }
  for (const Record& record : link.upstream_saved->records) {
    if (record.plugin != entry.name || record.capability.type() != cap.type()) {
      continue;
    }
    try {
      std::vector<Capability> discovered;  // only when the link has not discovered the port
      if (!link.upstream_capabilities) {
        discovered = discover(*link.upstream->config).capabilities;
      }
      const Capability there =
          locate(link.upstream_capabilities ? *link.upstream_capabilities : discovered, record,
                 link.upstream->address);
      return UpstreamRecord{there, prepare_record(entry, record, there,
                                                  link.upstream->address.str(), options, nullptr)};
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  return std::nullopt;
}

void plan_record(Device& device, const Record& record, const Capability& cap,
                 const Registry& registry, const RestoreOptions& options, DevicePlan& plan,
                 const LinkContext& link) {
  const std::string where = device.address.str();
  const PluginEntry* entry = registry.find(record.plugin);
  if (entry == nullptr || !entry->plugin) {
    throw RestoreRefused(fmt::format(
        "{}: the {} was saved by plugin '{}'{}, which is not loaded; nothing was written. "
        "See 'capstate plugins' and add its directory with --plugin-dir",
        where, cap_text(cap), record.plugin,
        record.claim.empty() ? "" : " (its claim matched: " + record.claim + ")"));
  }
  const Plugin& plugin = *entry->plugin;
  const PreparedRecord prepared = prepare_record(*entry, record, cap, where, options, &plan);
  const Layout* layout = prepared.layout;
  const std::vector<SavedField>& saved = prepared.saved;
  const std::vector<SavedArray>& arrays = prepared.arrays;
  const UnpackedPayload& unpacked = prepared.unpacked;
  const std::optional<UpstreamRecord> up = upstream_record(*entry, cap, link, options);
  const std::string up_address = up ? link.upstream->address.str() : std::string();
  std::optional<UpstreamPort> up_port;
  std::optional<UpstreamSide> up_side;
  if (up) {
    up_port = UpstreamPort{up_address, up->cap, up->prepared.saved};
    up_side.emplace(*link.upstream, up->cap, link.upstream_plan);
  }
  const bool below = std::find(link.plugins_below.begin(), link.plugins_below.end(), entry->name) !=
                     link.plugins_below.end();
  const std::vector<PluginOption> plugin_options = options_in_force(*entry, options, where);
  const RestoreContext ctx{.capability = cap,
                           .fields = saved,
                           .extra = unpacked.extra,
                           .has_bar_access = device.bars != nullptr,
                           .arrays = arrays,
                           .kernel_resources = device.kernel_resources,
                           .bar_mismatch = options.bar_mismatch,
                           .options = plugin_options,
                           .upstream = up_port ? &*up_port : nullptr,
                           .downstream_restored = below};
  PlanBuilder builder(device, *entry, cap, *layout, saved, unpacked.arrays, plan.writes, plan,
                      up_side ? &*up_side : nullptr);
  builder.check_array_places();  // first: the must-match reads elements where they are placed
  builder.check_must_match();
  // A plugin's Refusal is the plugin doing its job (not a failure): its text refuses the device.
  std::string refusal;
  guarded_call(*entry, where, "planning the restore", [&] {
    try {
      plugin.restore_sequence(ctx, builder);
    } catch (const Refusal& e) {
      refusal = e.what();
    }
    return 0;
  });
  if (!refusal.empty()) {
    throw RestoreRefused(fmt::format("{}: {} (plugin '{}'): {}; nothing was written", where,
                                     cap_text(cap), entry->name, refusal));
  }
}

// Refuses writing the configuration header of a function a driver is bound to, unless the
// policy allows it: the driver owns the function's decode, bus mastering and interrupts.
void check_bound_driver(const Device& device, const DevicePlan& plan,
                        const RestoreOptions& options) {
  if (options.allow_bound_driver || device.bound_driver.empty()) {
    return;
  }
  for (const PlannedWrite& w : plan.writes) {
    if (w.write && !w.upstream && w.capability.kind == CapKind::header) {
      throw RestoreRefused(fmt::format(
          "{}: driver '{}' is bound, and the restore would write its configuration header ({} at "
          "0x{:03x}, 0x{:x} now, 0x{:x} saved); nothing was written. Unbind the driver first "
          "(echo {} > /sys/bus/pci/drivers/{}/unbind), or set bound_driver = \"allow\" in the "
          "device's policy",
          device.address.str(), device.bound_driver, w.name, w.offset, w.current, w.value,
          device.address.str(), device.bound_driver));
    }
  }
}

// Walks the writes in execution order so a register written twice (e.g. a field restored in two
// phases) builds on what the earlier write left, and decides which writes change anything.
// After a write that may reset the function, what was read while planning no longer tells what
// the device holds: every later write is made.
void settle_values(std::vector<PlannedWrite>& writes) {
  std::map<std::tuple<bool, Target, std::uint8_t, std::uint64_t>, std::uint32_t> holds;
  bool after_reset = false;
  for (PlannedWrite& w : writes) {
    w.forced = w.forced || after_reset;
    const auto key = std::make_tuple(w.upstream, w.target, w.bar, w.offset);
    const auto it = holds.find(key);
    if (it != holds.end()) {
      w.current = it->second;
    }
    w.value = (w.current & ~w.mask & ~w.w1c) | (w.desired & w.mask);
    w.write = w.forced || ((w.current ^ w.desired) & w.mask & ~w.clears) != 0 ||
              (w.current & w.clears) != 0;
    if (w.write) {
      holds[key] = ((w.value & ~w.w1c) | (w.current & w.w1c)) & ~w.clears;
      after_reset = after_reset || w.resets;
    }
  }
}

}  // namespace

DevicePlan plan_restore(Device& device, const DeviceSection& saved, const Registry& registry,
                        const RestoreOptions& options) {
  return plan_restore(device, saved, registry, options, LinkContext{});
}

DevicePlan plan_restore(Device& device, const DeviceSection& saved, const Registry& registry,
                        const RestoreOptions& options, const LinkContext& link) {
  DevicePlan plan{device.address, {}, {}, {}, {}, false};
  const DeviceIdentity now = read_identity(*device.config);
  check_identity(device.address, saved.identity, now, options);
  const DiscoveryResult found = discover(*device.config);
  for (const Record& record : saved.records) {
    const PluginEntry* entry = registry.find(record.plugin);
    if (options.skip_newer_records && entry != nullptr &&
        record.schema_version > entry->current_schema) {
      plan.skipped.push_back(fmt::format(
          "{}: record of plugin '{}' left out: its schema {} is newer than the plugin's current "
          "schema {} (policy newer_record = \"skip\")",
          device.address.str(), record.plugin, record.schema_version, entry->current_schema));
      plan.notes.push_back(plan.skipped.back());
      continue;
    }
    const Capability cap = locate(found.capabilities, record, device.address);
    if (options.on_plugin_failure != PluginFailureMode::capability) {
      plan_record(device, record, cap, registry, options, plan, link);
      continue;
    }
    // Drop whatever this record had planned when its plugin fails, keep the rest of the device.
    const std::size_t writes_before = plan.writes.size();
    const std::size_t notes_before = plan.notes.size();
    const std::size_t warnings_before = plan.warnings.size();
    try {
      plan_record(device, record, cap, registry, options, plan, link);
    } catch (const PluginFailure& e) {
      plan.writes.resize(writes_before);
      plan.notes.resize(notes_before);
      plan.warnings.resize(warnings_before);
      plan.left_out.push_back(fmt::format(
          "{}: {} left out (plugin '{}' failed; policy plugin_failure = \"capability\"): {}",
          device.address.str(), cap_text(cap), e.plugin(), e.what()));
      plan.notes.push_back(plan.left_out.back());
    }
  }
  std::stable_sort(plan.writes.begin(), plan.writes.end(),
                   [](const PlannedWrite& a, const PlannedWrite& b) { return a.phase < b.phase; });
  settle_values(plan.writes);
  if (std::any_of(plan.writes.begin(), plan.writes.end(),
                  [](const PlannedWrite& w) { return w.upstream; })) {
    plan.upstream = link.upstream->address;
  }
  check_bound_driver(device, plan, options);
  return plan;
}

}  // namespace capstate::core
