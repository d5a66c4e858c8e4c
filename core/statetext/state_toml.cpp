#include "statetext/state_toml.hpp"

#include <fmt/format.h>

#include <ctime>
#include <nlohmann/json.hpp>

#include "statetext/text_names.hpp"
#include "util/hex.hpp"

namespace capstate::core {
namespace {

// A TOML key: bare when it can be, quoted otherwise.
std::string toml_key(std::string_view key) {
  const bool bare = !key.empty() && key.find_first_not_of(
                                        "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                        "0123456789_-") == std::string_view::npos;
  return bare ? std::string(key) : toml_string(key);
}

std::string utc_text(std::int64_t unix_time) {
  const std::time_t t = static_cast<std::time_t>(unix_time);
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr) {
    return "?";
  }
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

void emit_record(std::string& out, const RecordView& r) {
  const Capability& cap = r.record.capability;
  out += "\n[[devices.records]]\n";
  out += fmt::format("kind = {}\n", toml_string(to_string(cap.kind)));
  out += fmt::format("id = {}\n", hex(cap.id, cap.kind == CapKind::standard ? 2 : 4));
  out += fmt::format("offset = {}\n", hex(cap.offset, 3));
  out += fmt::format("capability_version = {}\n", cap.version);
  out += fmt::format("plugin = {}\n", toml_string(r.record.plugin));
  if (!r.record.claim.empty()) {  // envelope version 2 and later; absent means none
    out += fmt::format("claim = {}\n", toml_string(r.record.claim));
  }
  out += fmt::format("schema_version = {}\n", r.record.schema_version);
  out += fmt::format("fingerprint = {}\n", toml_string(hex(r.record.fingerprint, 16)));
  if (!r.decoded) {
    out += fmt::format("# not decoded: {}\n", r.decode_error);
    out += fmt::format("decode_error = {}\n", toml_string(r.decode_error));
    out += fmt::format("payload = {}\n", toml_string(bytes_to_hex(r.record.payload)));
    return;
  }
  out += "[devices.records.fields]\n";
  for (const FieldValue& f : r.fields) {
    if (f.present) {
      out += fmt::format("{} = {}\n", toml_key(f.name), hex(f.value, 2 * width_bytes(f.width)));
    }
  }
  if (!r.extra.empty()) {
    out += "[devices.records.extra]\n";
    for (const DecodedValue& v : r.extra) {
      out += fmt::format("{} = {}\n", toml_key(v.name), hex(v.value, (v.bits + 3U) / 4U));
    }
  }
}

}  // namespace

std::string state_to_toml(const StateView& view) {
  const Envelope& e = view.envelope;
  std::string out = "# capstate state file, as printed by 'capstate inspect'.\n";
  out += "# 'capstate assemble' turns this text back into the same binary file.\n";
  out += "[envelope]\n";
  out += fmt::format("envelope_version = {}\n", e.envelope_version);
  out += fmt::format("producer = {}\n", toml_string(e.producer_name));
  out += fmt::format("producer_version = {}\n", toml_string(e.producer_version));
  out += fmt::format("created_unix = {}  # {}\n", e.created_unix, utc_text(e.created_unix));
  out += fmt::format("kernel_release = {}\n", toml_string(e.kernel_release));
  for (const DeviceView& d : view.devices) {
    const DeviceIdentity& id = d.identity;
    out += "\n[[devices]]\n";
    out += fmt::format("address = {}\n", toml_string(d.address.str()));
    out += fmt::format("vendor_id = {}\n", hex(id.vendor_id, 4));
    out += fmt::format("device_id = {}\n", hex(id.device_id, 4));
    out += fmt::format("subsystem_vendor_id = {}\n", hex(id.subsystem_vendor_id, 4));
    out += fmt::format("subsystem_id = {}\n", hex(id.subsystem_id, 4));
    out += fmt::format("class = {}\n", hex(id.class_code, 6));
    out += fmt::format("revision = {}\n", hex(id.revision, 2));
    out += fmt::format("header_type = {}\n", hex(id.header_type, 2));
    for (const RecordView& r : d.records) {
      emit_record(out, r);
    }
  }
  return out;
}

std::string state_to_json(const StateView& view) {
  using json = nlohmann::ordered_json;
  const Envelope& e = view.envelope;
  json out;
  out["envelope"] = {
      {"envelope_version", e.envelope_version}, {"producer", e.producer_name},
      {"producer_version", e.producer_version}, {"created_unix", e.created_unix},
      {"created", utc_text(e.created_unix)},    {"kernel_release", e.kernel_release}};
  json devices = json::array();
  for (const DeviceView& d : view.devices) {
    const DeviceIdentity& id = d.identity;
    json records = json::array();
    for (const RecordView& r : d.records) {
      const Capability& cap = r.record.capability;
      json rec = {{"kind", std::string(to_string(cap.kind))},
                  {"id", cap.id},
                  {"offset", cap.offset},
                  {"capability_version", cap.version},
                  {"plugin", r.record.plugin},
                  {"schema_version", r.record.schema_version},
                  {"fingerprint", hex(r.record.fingerprint, 16)}};
      if (!r.record.claim.empty()) {
        rec["claim"] = r.record.claim;
      }
      if (!r.decoded) {
        rec["decode_error"] = r.decode_error;
        rec["payload"] = bytes_to_hex(r.record.payload);
      } else {
        json fields = json::object();
        for (const FieldValue& f : r.fields) {
          if (f.present) {
            fields[f.name] = f.value;
          }
        }
        json extra = json::object();
        for (const DecodedValue& v : r.extra) {
          extra[v.name] = v.value;
        }
        rec["fields"] = fields;
        rec["extra"] = extra;
      }
      records.push_back(rec);
    }
    devices.push_back({{"address", d.address.str()},
                       {"vendor_id", id.vendor_id},
                       {"device_id", id.device_id},
                       {"subsystem_vendor_id", id.subsystem_vendor_id},
                       {"subsystem_id", id.subsystem_id},
                       {"class", id.class_code},
                       {"revision", id.revision},
                       {"header_type", id.header_type},
                       {"records", records}});
  }
  out["devices"] = devices;
  return out.dump(2);
}

}  // namespace capstate::core
