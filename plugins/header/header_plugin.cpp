// The header plugin's code: BAR safety against the kernel's resources, which data cannot say.
#include "header_plugin.hpp"

#include <map>

#include "address_check.hpp"
#include "header_layout.hpp"

namespace capstate::header {
namespace {

constexpr std::array<Claim, 1> kClaims{{{.kind = CapKind::header}}};

const Field& layout_field(std::string_view name) {
  for (const Field& f : kSchema1Fields) {
    if (f.name == name) {
      return f;
    }
  }
  throw std::logic_error("header layout has no field " + std::string(name));
}

// Whether restoring the saved range would write any of its fields.
bool would_write(const SavedRange& range, std::span<const SavedField> fields,
                 RestoreSequence& seq) {
  for (const std::string_view name : range.fields) {
    const Field& f = layout_field(name);
    const auto saved = saved_if_present(fields, name);
    if (saved && ((seq.read_config(f.offset, f.width) ^ *saved) & f.writable & ~f.w1c) != 0) {
      return true;
    }
  }
  return false;
}

}  // namespace

PluginInfo HeaderPlugin::info() const {
  return PluginInfo{
      .name = "header",
      .version = "1.0.0",
      .summary = "Configuration header: Command, BARs, ROM, bridge windows and bus numbers",
      .claims = kClaims,
      .current_schema = 1,
      .oldest_schema = 1,
      .restore_phase = kRestorePhase,
      .needs_bar_access = false,
  };
}

std::span<const Layout> HeaderPlugin::layouts() const {
  return kLayouts;
}

void HeaderPlugin::restore_sequence(const RestoreContext& ctx, RestoreSequence& seq) const {
  if (ctx.kernel_resources.empty()) {
    seq.fields(false);  // a dump or an image: the saved values, as saved
    return;
  }
  // Field name -> the value to write instead of the saved one (nullopt: leave it unwritten).
  std::map<std::string_view, std::optional<std::uint32_t>> instead;
  for (const SavedRange& range : saved_ranges(ctx.fields, ctx.kernel_resources.size())) {
    if (range.resource >= ctx.kernel_resources.size() || !would_write(range, ctx.fields, seq)) {
      continue;
    }
    const KernelResource& resource = ctx.kernel_resources[range.resource];
    if (kernel_agrees(range, resource)) {
      continue;
    }
    if (ctx.bar_mismatch == BarMismatch::refuse) {
      throw Refusal(mismatch_text(range, resource));
    }
    for (const std::string_view name : range.fields) {
      instead[name] = std::nullopt;
    }
    for (const FieldValue& v : kernel_values(range, resource, ctx.fields)) {
      instead[v.field] = v.value;
    }
  }
  for (const Field& f : kSchema1Fields) {
    const auto it = instead.find(f.name);
    if (it == instead.end()) {
      seq.field(f.name, false);
    } else if (it->second) {
      const std::uint32_t now = seq.read_config(f.offset, f.width);
      seq.write({.name = std::string(f.name) + " (kernel's assignment)",
                 .offset = f.offset,
                 .width = f.width,
                 .value = (now & ~f.writable) | (*it->second & f.writable),
                 .verify = f.verify,
                 .retries = f.retries});
    }
  }
}

}  // namespace capstate::header
