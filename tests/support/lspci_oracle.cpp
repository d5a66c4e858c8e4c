// lspci dump reader/writer, `lspci -vv` capability parser and command runner for tests.
#include "support/lspci_oracle.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "support/run_process.hpp"

namespace capstate::test {
namespace {

// "00:1f.2" or "0000:00:1f.2" at the start of a line, followed by a space.
const std::regex kDeviceLine(
    R"(^((?:[0-9a-fA-F]{4}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]) (.*)$)");
// "f0: 00 11 ..." (offset, colon, hex bytes).
const std::regex kDataLine(R"(^([0-9a-fA-F]+):((?: [0-9a-fA-F]{2})+)\s*$)");
// "\tCapabilities: [100 v2] Advanced Error Reporting"
const std::regex kCapLine(R"(^\tCapabilities: \[([0-9a-fA-F]+)(?: v([0-9]+))?\] (.*)$)");

std::string strip_domain(const std::string& address) {
  if (address.size() == 12 && address.compare(0, 5, "0000:") == 0) {
    return address.substr(5);
  }
  return address;
}

std::string hex(unsigned value, int digits) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%0*x", digits, value);
  return buf;
}

struct NamePrefix {
  std::string_view prefix;
  std::uint16_t id;
};

// lspci's (pciutils 3.x ls-caps.c) wording for standard capabilities.
constexpr std::array kStandardNames{
    NamePrefix{"Power Management version", 0x01},
    NamePrefix{"AGP version", 0x02},
    NamePrefix{"Vital Product Data", 0x03},
    NamePrefix{"Slot ID", 0x04},
    NamePrefix{"MSI:", 0x05},
    NamePrefix{"CompactPCI hot-swap", 0x06},
    NamePrefix{"PCI-X", 0x07},
    NamePrefix{"HyperTransport", 0x08},
    NamePrefix{"Vendor Specific Information", 0x09},
    NamePrefix{"Debug port", 0x0a},
    NamePrefix{"CompactPCI central resource control", 0x0b},
    NamePrefix{"Hot-plug capable", 0x0c},
    NamePrefix{"Subsystem:", 0x0d},
    NamePrefix{"AGP3", 0x0e},
    NamePrefix{"Secure device", 0x0f},
    NamePrefix{"Express", 0x10},
    NamePrefix{"MSI-X:", 0x11},
    NamePrefix{"SATA HBA", 0x12},
    NamePrefix{"PCI Advanced Features", 0x13},
    NamePrefix{"Enhanced Allocation", 0x14},
};

// lspci's (pciutils 3.x ls-ecaps.c) wording for extended capabilities. "Virtual Channel" is
// printed for two IDs, so it is left out (offsets and versions are still compared).
constexpr std::array kExtendedNames{
    NamePrefix{"Null", 0x00},
    NamePrefix{"Advanced Error Reporting", 0x01},
    NamePrefix{"Device Serial Number", 0x03},
    NamePrefix{"Power Budgeting", 0x04},
    NamePrefix{"Root Complex Link", 0x05},
    NamePrefix{"Root Complex Internal Link", 0x06},
    NamePrefix{"Root Complex Event Collector", 0x07},
    NamePrefix{"Multi-Function Virtual Channel", 0x08},
    NamePrefix{"Root Complex Register Block", 0x0a},
    NamePrefix{"Vendor Specific Information", 0x0b},
    NamePrefix{"Access Control Services", 0x0d},
    NamePrefix{"Alternative Routing-ID Interpretation", 0x0e},
    NamePrefix{"Address Translation Service", 0x0f},
    NamePrefix{"Single Root I/O Virtualization", 0x10},
    NamePrefix{"Multi-Root I/O Virtualization", 0x11},
    NamePrefix{"Multicast", 0x12},
    NamePrefix{"Page Request Interface", 0x13},
    NamePrefix{"Resizable BAR", 0x15},
    NamePrefix{"Physical Resizable BAR", 0x15},
    NamePrefix{"Dynamic Power Allocation", 0x16},
    NamePrefix{"Transaction Processing Hints", 0x17},
    NamePrefix{"Latency Tolerance Reporting", 0x18},
    NamePrefix{"Secondary PCI Express", 0x19},
    NamePrefix{"Protocol Multiplexing", 0x1a},
    NamePrefix{"Process Address Space ID", 0x1b},
    NamePrefix{"LN Requester", 0x1c},
    NamePrefix{"Downstream Port Containment", 0x1d},
    NamePrefix{"L1 PM Substates", 0x1e},
    NamePrefix{"Precision Time Measurement", 0x1f},
    NamePrefix{"PCI Express over M_PHY", 0x20},
    NamePrefix{"FRS Queueing", 0x21},
    NamePrefix{"Readiness Time Reporting", 0x22},
    NamePrefix{"Designated Vendor-Specific", 0x23},
    NamePrefix{"VF Resizable BAR", 0x24},
    NamePrefix{"Data Link Feature", 0x25},
    NamePrefix{"Physical Layer 16.0 GT/s", 0x26},
    NamePrefix{"Lane Margining at the Receiver", 0x27},
    NamePrefix{"Hierarchy ID", 0x28},
    NamePrefix{"Native PCIe Enclosure Management", 0x29},
    NamePrefix{"Physical Layer 32.0 GT/s", 0x2a},
    NamePrefix{"Data Object Exchange", 0x2e},
};

// Parses the hex number right after `prefix` in `text` ("#1c [0000]", "Extended Capability ID
// 0x2f").
std::optional<std::uint16_t> hex_after(std::string_view text, std::string_view prefix) {
  if (text.substr(0, prefix.size()) != prefix) {
    return std::nullopt;
  }
  const std::string rest(text.substr(prefix.size()));
  char* end = nullptr;
  const unsigned long value = std::strtoul(rest.c_str(), &end, 16);
  if (end == rest.c_str() || value > 0xffff) {
    return std::nullopt;
  }
  return static_cast<std::uint16_t>(value);
}

}  // namespace

std::vector<DumpDevice> parse_lspci_dump_text(std::string_view text, const std::string& origin) {
  std::vector<DumpDevice> devices;
  std::istringstream in{std::string(text)};
  std::string line;
  int line_no = 0;
  std::smatch m;
  while (std::getline(in, line)) {
    ++line_no;
    const std::string where = origin + ":" + std::to_string(line_no) + ": ";
    if (line.empty()) {
      continue;
    }
    if (std::regex_match(line, m, kDeviceLine)) {
      devices.push_back(DumpDevice{strip_domain(m[1].str()), m[2].str(), {}});
      continue;
    }
    if (!std::regex_match(line, m, kDataLine)) {
      throw std::runtime_error(where + "expected a device line or a hex dump line, found '" + line +
                               "'");
    }
    if (devices.empty()) {
      throw std::runtime_error(where + "hex dump line before the first device line");
    }
    auto& bytes = devices.back().bytes;
    const unsigned long offset = std::stoul(m[1].str(), nullptr, 16);
    if (offset != bytes.size()) {
      throw std::runtime_error(where + "expected offset " + hex(bytes.size(), 2) + ", found " +
                               hex(offset, 2));
    }
    std::istringstream values(m[2].str());
    std::string byte;
    while (values >> byte) {
      bytes.push_back(static_cast<std::uint8_t>(std::stoul(byte, nullptr, 16)));
    }
  }
  return devices;
}

std::vector<DumpDevice> parse_lspci_dump(const std::filesystem::path& file) {
  std::ifstream in(file);
  if (!in) {
    throw std::runtime_error(file.string() + ": cannot open lspci dump");
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_lspci_dump_text(text.str(), file.string());
}

void write_lspci_dump(const std::filesystem::path& file, const std::vector<DumpDevice>& devices) {
  std::ofstream out(file);
  for (const auto& device : devices) {
    out << device.address << ' ' << device.description << '\n';
    for (std::size_t offset = 0; offset < device.bytes.size(); offset += 16) {
      char buf[8];
      std::snprintf(buf, sizeof buf, offset < 0x100 ? "%02zx:" : "%03zx:", offset);
      out << buf;
      for (std::size_t i = offset; i < offset + 16 && i < device.bytes.size(); ++i) {
        std::snprintf(buf, sizeof buf, " %02x", device.bytes[i]);
        out << buf;
      }
      out << '\n';
    }
    out << '\n';
  }
  if (!out) {
    throw std::runtime_error(file.string() + ": cannot write lspci dump");
  }
}

std::optional<std::uint16_t> lspci_capability_id(CapKind kind, std::string_view text) {
  if (kind == CapKind::standard) {
    if (auto id = hex_after(text, "#")) {
      return id;
    }
  } else if (auto id = hex_after(text, "Extended Capability ID ")) {
    return id;
  }
  std::optional<std::uint16_t> best;
  std::size_t best_length = 0;
  auto consider = [&](const auto& table) {
    for (const auto& entry : table) {
      if (text.substr(0, entry.prefix.size()) == entry.prefix &&
          entry.prefix.size() > best_length) {
        best = entry.id;
        best_length = entry.prefix.size();
      }
    }
  };
  if (kind == CapKind::standard) {
    consider(kStandardNames);
  } else {
    consider(kExtendedNames);
  }
  return best;
}

LspciDevices parse_lspci_vv(std::string_view text) {
  LspciDevices devices;
  std::istringstream in{std::string(text)};
  std::string line;
  std::string current;
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_match(line, m, kDeviceLine)) {
      current = strip_domain(m[1].str());
      devices[current];
      continue;
    }
    if (current.empty() || !std::regex_match(line, m, kCapLine)) {
      continue;
    }
    LspciCapability cap;
    cap.offset = static_cast<std::uint16_t>(std::stoul(m[1].str(), nullptr, 16));
    cap.kind = cap.offset >= 0x100 ? CapKind::extended : CapKind::standard;
    cap.version = m[2].matched ? static_cast<std::uint8_t>(std::stoul(m[2].str())) : 0;
    cap.text = m[3].str();
    if (!cap.text.empty() && cap.text[0] == '<') {
      continue;  // "<chain looped>", "<chain broken>": lspci's own list diagnostics
    }
    cap.id = lspci_capability_id(cap.kind, cap.text);
    devices[current].push_back(std::move(cap));
  }
  return devices;
}

std::string compare_with_lspci(const std::vector<Capability>& found,
                               const std::vector<LspciCapability>& expected) {
  auto describe = [](const Capability& c) {
    return std::string(to_string(c.kind)) + " " + hex(c.id, c.kind == CapKind::standard ? 2 : 4) +
           " at " + hex(c.offset, 2) + " v" + std::to_string(c.version);
  };
  const std::size_t common = std::min(found.size(), expected.size());
  for (std::size_t i = 0; i < common; ++i) {
    const Capability& f = found[i];
    const LspciCapability& e = expected[i];
    const std::string lspci_line =
        "lspci printed [" + hex(e.offset, 2) + " v" + std::to_string(e.version) + "] " + e.text;
    if (f.kind != e.kind || f.offset != e.offset || (e.id && *e.id != f.id) ||
        (e.kind == CapKind::extended && e.version != f.version)) {
      return "entry " + std::to_string(i) + ": found " + describe(f) + ", but " + lspci_line;
    }
  }
  if (found.size() > common) {
    return "found " + std::to_string(found.size()) + " capabilities, lspci printed " +
           std::to_string(expected.size()) + "; first extra: " + describe(found[common]);
  }
  if (expected.size() > common) {
    return "found " + std::to_string(found.size()) + " capabilities, lspci printed " +
           std::to_string(expected.size()) + "; first missing: [" +
           hex(expected[common].offset, 2) + "] " + expected[common].text;
  }
  return "";
}

std::string run_command(const std::string& command) {
  const testsupport::RunResult r = testsupport::run_shell(command);
  if (r.exit_code != 0) {
    throw std::runtime_error("`" + command + "` failed (exit code " + std::to_string(r.exit_code) +
                             "): " + r.err);
  }
  return r.out;
}

std::optional<std::string> find_program(std::string_view name) {
  std::vector<std::string> dirs;
  if (const char* path = std::getenv("PATH"); path != nullptr) {
    std::istringstream in(path);
    std::string dir;
    while (std::getline(in, dir, ':')) {
      dirs.push_back(dir.empty() ? "." : dir);
    }
  }
  dirs.insert(dirs.end(), {"/usr/sbin", "/sbin", "/usr/bin", "/bin"});
  for (const auto& dir : dirs) {
    const std::string candidate = dir + "/" + std::string(name);
    if (::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return std::nullopt;
}

std::string shell_quote(std::string_view text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'') {
      quoted += "'\\''";
    } else {
      quoted += c;
    }
  }
  return quoted + "'";
}

}  // namespace capstate::test
