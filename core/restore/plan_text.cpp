#include "restore/plan_text.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace capstate::core {
namespace {

std::string hex(std::uint32_t v, Width w) {
  return fmt::format("0x{:0{}x}", v, 2 * width_bytes(w));
}

std::string where(const PlannedWrite& w) {
  return w.target == Target::bar ? fmt::format("bar{}+0x{:x}", w.bar, w.offset)
                                 : fmt::format("0x{:03x}", w.offset);
}

// One write as a line of the readable plan, after `lead` (indent and, for another device's
// write, whose it is); `port` names the upstream port of an upstream write.
std::string write_line(const PlannedWrite& w, std::string_view lead, std::string_view port) {
  return fmt::format(
      "{}{} phase {:<3} {:<6} {:<24} {:<11} {:>2}-bit  {} -> {}  (mask {}){}{}{}{}{}\n", lead,
      w.write ? (w.forced && w.current == w.value ? "!" : "~") : "=", w.phase, w.plugin, w.name,
      where(w), width_bits(w.width), hex(w.current, w.width), hex(w.value, w.width),
      hex(w.mask, w.width), w.retries != 0 ? fmt::format(" retry {}", w.retries) : "",
      w.delay_us != 0 ? fmt::format(" then wait {} us", w.delay_us) : "",
      w.clears != 0 ? fmt::format(" clears {}", hex(w.clears, w.width)) : "",
      w.wait
          ? fmt::format(" then until {} (0x{:03x} & 0x{:x} == 0x{:x}, up to {} us)", w.wait->name,
                        w.wait->offset, w.wait->mask, w.wait->value, w.wait->timeout_us)
          : "",
      w.upstream ? fmt::format(" on upstream port {}", port) : "");
}

}  // namespace

std::string plan_to_text(const DevicePlan& plan, bool all) {
  std::size_t writes = 0;
  for (const PlannedWrite& w : plan.writes) {
    writes += w.write ? 1 : 0;
  }
  std::string out = fmt::format("{}: {} writes, {} registers already hold the saved value\n",
                                plan.address.str(), writes, plan.writes.size() - writes);
  for (const std::string& note : plan.notes) {
    out += fmt::format("  note: {}\n", note);
  }
  const std::string port = plan.upstream ? plan.upstream->str() : std::string();
  for (const PlannedWrite& w : plan.writes) {
    if (w.write || all) {
      out += write_line(w, "  ", port);
    }
  }
  for (const ForeignWrite& f : plan.from_below) {
    if (f.write.write || all) {
      out += write_line(f.write, fmt::format("  by {}: ", f.by.str()), plan.address.str());
    }
  }
  return out;
}

std::string plans_to_json(const std::vector<const DevicePlan*>& plans) {
  using json = nlohmann::ordered_json;
  json out = json::array();
  for (const DevicePlan* plan : plans) {
    json writes = json::array();
    for (const PlannedWrite& w : plan->writes) {
      writes.push_back(
          {{"phase", w.phase},
           {"plugin", w.plugin},
           {"capability",
            {{"kind", std::string(to_string(w.capability.kind))},
             {"id", w.capability.id},
             {"offset", w.capability.offset}}},
           {"register", w.name},
           {"target", w.target == Target::bar ? "bar" : "config"},
           {"bar", w.bar},
           {"offset", w.offset},
           {"width", width_bits(w.width)},
           {"current", w.current},
           {"value", w.value},
           {"mask", w.mask},
           {"verify", w.verify},
           {"write", w.write},
           {"retries", w.retries},
           {"delay_us", w.delay_us},
           {"clears", w.clears},
           {"wait", w.wait ? json{{"name", w.wait->name},
                                  {"offset", w.wait->offset},
                                  {"width", width_bits(w.wait->width)},
                                  {"mask", w.wait->mask},
                                  {"value", w.wait->value},
                                  {"timeout_us", w.wait->timeout_us}}
                           : json()},
           {"device", w.upstream && plan->upstream ? plan->upstream->str() : plan->address.str()}});
    }
    json from_below = json::array();
    for (const ForeignWrite& f : plan->from_below) {
      from_below.push_back({{"by", f.by.str()},
                            {"phase", f.write.phase},
                            {"plugin", f.write.plugin},
                            {"register", f.write.name},
                            {"offset", f.write.offset},
                            {"width", width_bits(f.write.width)},
                            {"current", f.write.current},
                            {"value", f.write.value},
                            {"write", f.write.write}});
    }
    out.push_back({{"address", plan->address.str()},
                   {"notes", plan->notes},
                   {"warnings", plan->warnings},
                   {"writes", writes},
                   {"from_below", from_below}});
  }
  return out.dump(2);
}

}  // namespace capstate::core
