// Issue 20, the clobber suite over every dump: save a dump, invert every writable bit of every
// saved field in a copy, restore the state into the copy, and lspci must read the result exactly
// as it read the original. Nothing about a capability is written here: which bits are writable
// comes from capstate itself, the layouts of `capstate abi dump` (offset, width and writable mask
// of every field and array element, per plugin and schema) applied to the records of
// `capstate --json inspect` (which fields a device has, where each capability lies).
//
// Array elements in BAR memory (the MSI-X vector table) are not in a configuration dump and are
// not saved from one; they are counted and left out. Arrays in configuration space (the TPH
// steering-tag table, the VC resources and arbitration tables) are clobbered like fields.
#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <filesystem>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli_runner.hpp"
#include "support/lspci_oracle.hpp"

namespace capstate::clitest {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// ---- Layouts, as `capstate abi dump` writes them -------------------------------------------

// One "field" or "element" line: where the register is and which bits restore writes.
struct FieldLayout {
  std::string name;
  unsigned offset = 0;  // from the capability (field) or from the element's start (element)
  unsigned width = 0;   // bytes
  std::uint32_t writable = 0;
};

// One "array" line with its "element" lines.
struct ArrayLayout {
  std::string name;
  std::string saved_name;          // extra value: 1 when the elements were saved
  std::string count_name;          // extra value: how many elements
  bool in_bar = false;             // BAR memory: not in a configuration dump
  unsigned config_offset = 0;      // element 0 from the capability (plus the located part)
  std::string locator;             // a field whose bits give more offset; "" when none
  std::uint32_t locator_mask = 0;  // those bits
  unsigned unit_shift = 0;         // the located offset counts (1 << unit_shift) bytes
  unsigned stride = 0;
  std::vector<FieldLayout> elements;
};

struct Layout {
  std::vector<FieldLayout> fields;
  std::vector<ArrayLayout> arrays;
  std::set<std::string> fingerprints;  // "fingerprint" and "earlier_fingerprint"
};

// (plugin, schema) -> layout.
using Layouts = std::map<std::pair<std::string, unsigned>, Layout>;

// The value of " key=VALUE" in `line` (up to the next space).
std::string token(const std::string& line, const std::string& key) {
  const std::size_t at = line.find(" " + key + "=");
  if (at == std::string::npos) {
    throw std::runtime_error("no " + key + "= in layout line: " + line);
  }
  const std::size_t from = at + key.size() + 2;
  return line.substr(from, line.find(' ', from) - from);
}

unsigned number(const std::string& text) {
  return static_cast<unsigned>(std::stoul(text, nullptr, 0));
}

FieldLayout field_line(const std::string& line) {
  std::istringstream in(line);
  FieldLayout f;
  std::string keyword;
  in >> keyword >> f.name;
  f.offset = number(token(line, "offset"));
  f.width = number(token(line, "width")) / 8;
  f.writable = static_cast<std::uint32_t>(number(token(line, "writable")));
  return f;
}

Layout parse_layout(const std::string& text) {
  Layout layout;
  for (const std::string& line : lines_of(text)) {
    if (line.rfind("field ", 0) == 0) {
      layout.fields.push_back(field_line(line));
    } else if (line.rfind("array ", 0) == 0) {
      ArrayLayout a;
      a.name = line.substr(6, line.find(' ', 6) - 6);
      a.saved_name = token(line, "saved");
      a.count_name = token(line, "count");
      // "at=config+0xOFF", "at=config+0xOFF+(field:NAME offset&0xMASK unit_shift=N)" (a table
      // whose place a register gives) or "at=bar(...)".
      const std::regex config(
          R"( at=config\+(0x[0-9a-f]+)(\+\(field:(\S+) offset&(0x[0-9a-f]+) unit_shift=(\d+)\))? )");
      std::smatch m;
      if (std::regex_search(line, m, config)) {
        a.config_offset = number(m[1].str());
        if (m[2].matched) {
          a.locator = m[3].str();
          a.locator_mask = static_cast<std::uint32_t>(number(m[4].str()));
          a.unit_shift = number(m[5].str());
          if (a.locator_mask == 0) {
            throw std::runtime_error("array located by no bits: " + line);
          }
        }
      } else if (line.find(" at=bar(") != std::string::npos) {
        a.in_bar = true;
      } else {
        throw std::runtime_error("unknown array placement in layout line: " + line);
      }
      a.stride = number(token(line, "stride"));
      layout.arrays.push_back(a);
    } else if (line.rfind("element ", 0) == 0) {
      if (layout.arrays.empty()) {
        throw std::runtime_error("element line before any array: " + line);
      }
      layout.arrays.back().elements.push_back(field_line(line));
    } else if (line.rfind("fingerprint ", 0) == 0 || line.rfind("earlier_fingerprint ", 0) == 0) {
      layout.fingerprints.insert(line.substr(line.find(' ') + 1));
    }
  }
  return layout;
}

// Every layout of the named plugins (all loaded plugins when none is named), from one
// `capstate abi dump`.
Layouts dump_layouts(const std::set<std::string>& plugins = {}) {
  TempDir tmp;
  std::vector<std::string> args{"abi", "dump", "-o", tmp.file("abi")};
  for (const std::string& p : plugins) {
    args.insert(args.end(), {"--plugin", p});
  }
  const RunResult r = run_capstate(tmp, args);
  if (r.exit_code != 0) {
    throw std::runtime_error("capstate abi dump failed: " + r.err);
  }
  Layouts layouts;
  const std::regex schema_file(R"(schema-(\d+)\.txt)");
  for (const fs::directory_entry& plugin : fs::directory_iterator(tmp / "abi")) {
    for (const fs::directory_entry& f : fs::directory_iterator(plugin.path())) {
      std::smatch m;
      const std::string name = f.path().filename().string();
      if (std::regex_match(name, m, schema_file)) {
        layouts[{plugin.path().filename().string(), number(m[1].str())}] =
            parse_layout(read_text(f.path()));
      }
    }
  }
  return layouts;
}

// ---- Dumps -------------------------------------------------------------------------------

// "0000:00:1c.4" for a dump line's "00:1c.4" (lspci prints no domain 0000 unless asked).
std::string full_address(const std::string& printed) {
  return std::count(printed.begin(), printed.end(), ':') == 1 ? "0000:" + printed : printed;
}

// Bit masks per device (full address) and configuration offset.
using ByteMasks = std::map<std::string, std::map<unsigned, std::uint8_t>>;

// `dump` (lspci -x.. text) with every bit of `masks` inverted, rows rewritten in place.
std::string invert_bits(const std::string& dump, const ByteMasks& masks) {
  const std::regex row(R"(^([0-9a-f]{2,3}): ((?:[0-9a-f]{2} ){15}[0-9a-f]{2})\s*$)");
  std::string out;
  const std::map<unsigned, std::uint8_t>* device = nullptr;
  std::size_t changed = 0;
  for (std::string line : lines_of(dump)) {
    std::smatch m;
    if (std::regex_match(line, m, row)) {
      const unsigned base = number("0x" + m[1].str());
      for (unsigned i = 0; device != nullptr && i < 16; ++i) {
        const auto it = device->find(base + i);
        if (it == device->end()) {
          continue;
        }
        const std::size_t pos = static_cast<std::size_t>(m.position(2)) + 3 * i;
        const unsigned value = number("0x" + line.substr(pos, 2)) ^ it->second;
        line.replace(pos, 2, fmt::format("{:02x}", value));
        ++changed;
      }
    } else if (!line.empty()) {
      const auto it = masks.find(full_address(line.substr(0, line.find(' '))));
      device = it == masks.end() ? nullptr : &it->second;
    }
    out += line + "\n";
  }
  std::size_t wanted = 0;
  for (const auto& [address, bytes] : masks) {
    wanted += bytes.size();
  }
  if (changed != wanted) {
    throw std::runtime_error(
        fmt::format("invert_bits: {} of {} bytes found in the dump", changed, wanted));
  }
  return out;
}

// The lines that differ between two `lspci -vv` outputs, as a unified-style list ("-" only in
// `expected`, "+" only in `actual`), from their longest common subsequence.
std::string line_diff(const std::string& expected, const std::string& actual) {
  const std::vector<std::string> a = lines_of(expected);
  const std::vector<std::string> b = lines_of(actual);
  // common[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  std::vector<std::vector<std::size_t>> common(a.size() + 1,
                                               std::vector<std::size_t>(b.size() + 1, 0));
  for (std::size_t i = a.size(); i-- > 0;) {
    for (std::size_t j = b.size(); j-- > 0;) {
      common[i][j] =
          a[i] == b[j] ? common[i + 1][j + 1] + 1 : std::max(common[i + 1][j], common[i][j + 1]);
    }
  }
  std::string out;
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() || j < b.size()) {
    if (i < a.size() && j < b.size() && a[i] == b[j]) {
      ++i;
      ++j;
    } else if (j == b.size() || (i < a.size() && common[i + 1][j] >= common[i][j + 1])) {
      out += "  - " + a[i++] + "\n";
    } else {
      out += "  + " + b[j++] + "\n";
    }
  }
  return out;
}

// The dumps of the suite: every real device, the two QEMU guests and the hand-built LTR endpoint.
std::vector<std::string> clobber_dumps() {
  std::vector<std::string> names;
  const fs::path data = CAPSTATE_TEST_DATA_DIR;
  for (const fs::path& p : dumps_under(data / "real")) {
    names.push_back(p.lexically_relative(data).string());
  }
  for (const char* other :
       {"qemu-q35-guest.xxxx.txt", "microvm-host.xxxx.txt", "ltr/ltr-endpoint.xxxx.txt"}) {
    names.emplace_back(other);
  }
  return names;
}

// ---- The suite ---------------------------------------------------------------------------

class ClobberEveryWritableBit : public ::testing::TestWithParam<std::string> {};

// What one record adds to the device's masks: its writable bits, where they lie.
struct RecordBits {
  std::size_t fields = 0;        // fields clobbered
  std::size_t elements = 0;      // configuration-space array elements clobbered
  std::size_t bar_elements = 0;  // BAR-memory array elements left out
};

void add_bits(std::map<unsigned, std::uint8_t>& bytes, unsigned at, unsigned width,
              std::uint32_t writable) {
  for (unsigned i = 0; i < width; ++i) {
    const auto bits = static_cast<std::uint8_t>(writable >> (8 * i));
    if (bits != 0) {
      bytes[at + i] |= bits;
    }
  }
}

// The writable bits the suite leaves alone, each for a reason the restore honours on purpose:
// - SR-IOV VF Enable: set on a device, it means the VFs exist, and the restore then refuses rather
//   than change NumVFs and the VF BARs under them (plugins/sriov, SriovRestore.VfEnableAlready*);
// - the L1 PM Substates L1.2 enables: never turned on until both ends of the link are programmed
//   together (plugins/l1ss README, L1ssRestore.AfterResetControl2ThenControl1WithoutL12).
std::uint32_t left_alone(const json& record, const FieldLayout& f) {
  if (record.at("plugin") == "sriov" && f.name == "sriov_control") {
    return 0x0001U;
  }
  if (record.at("plugin") == "l1ss" && f.name == "l1ss_control1") {
    return 0x0005U;
  }
  return 0U;
}

RecordBits record_bits(const json& record, const Layout& layout,
                       std::map<unsigned, std::uint8_t>& bytes) {
  RecordBits out;
  const unsigned base = record.at("offset").get<unsigned>();
  const json& fields = record.at("fields");
  for (const FieldLayout& f : layout.fields) {
    if (!fields.contains(f.name) || f.writable == 0) {
      continue;  // absent on this device, or nothing to restore
    }
    add_bits(bytes, base + f.offset, f.width, f.writable & ~left_alone(record, f));
    ++out.fields;
  }
  const json& extra = record.at("extra");
  for (const ArrayLayout& a : layout.arrays) {
    if (!extra.contains(a.saved_name) || extra.at(a.saved_name) != 1) {
      continue;
    }
    const unsigned count = extra.at(a.count_name).get<unsigned>();
    unsigned first = base + a.config_offset;
    if (!a.locator.empty()) {
      // ((locator & mask) >> lowest set bit of mask) << unit_shift, as the SDK's Placement says.
      const auto value = fields.at(a.locator).get<std::uint32_t>() & a.locator_mask;
      first += (value >> std::countr_zero(a.locator_mask)) << a.unit_shift;
    }
    for (unsigned i = 0; i < count; ++i) {
      for (const FieldLayout& e : a.elements) {
        if (!extra.contains(fmt::format("{}[{}].{}", a.name, i, e.name)) || e.writable == 0) {
          continue;
        }
        if (a.in_bar) {
          ++out.bar_elements;
          continue;
        }
        const unsigned at = first + i * a.stride + e.offset;
        add_bits(bytes, at, e.width, e.writable);
        ++out.elements;
      }
    }
  }
  return out;
}

TEST_P(ClobberEveryWritableBit, RestoreBringsBackWhatLspciReads) {
  ASSERT_TRUE(have_lspci()) << "lspci not found: install pciutils (apt-get install pciutils)";
  const std::string original = data_file(GetParam());
  TempDir tmp;
  const std::string state = tmp.file("state.cst");
  const RunResult save = run_capstate(tmp, {"save", "--dump", original, "-o", state});
  ASSERT_EQ(save.exit_code, 0) << save.err;
  const RunResult inspect = run_capstate(tmp, {"--json", "inspect", state});
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;

  // Every writable bit of every saved field, per device.
  ByteMasks masks;
  std::size_t fields = 0;
  std::size_t elements = 0;
  std::size_t bar_elements = 0;
  const json saved = json::parse(inspect.out);
  // The layouts of the plugins that wrote the records (only those: a whole `abi dump` writes
  // every plugin's files and takes several times as long).
  std::set<std::string> plugins;
  for (const json& device : saved.at("devices")) {
    for (const json& record : device.at("records")) {
      plugins.insert(record.at("plugin").get<std::string>());
    }
  }
  const Layouts layouts = dump_layouts(plugins);
  for (const json& device : saved.at("devices")) {
    const std::string address = device.at("address").get<std::string>();
    for (const json& record : device.at("records")) {
      const std::string plugin = record.at("plugin").get<std::string>();
      const unsigned schema = record.at("schema_version").get<unsigned>();
      const auto layout = layouts.find({plugin, schema});
      ASSERT_NE(layout, layouts.end()) << "no layout for " << plugin << " schema " << schema;
      // The record was written with this very layout.
      EXPECT_EQ(layout->second.fingerprints.count(record.at("fingerprint").get<std::string>()), 1U)
          << address << " " << plugin;
      ASSERT_TRUE(record.contains("fields")) << "record not decoded: " << record.dump();
      const RecordBits bits = record_bits(record, layout->second, masks[address]);
      fields += bits.fields;
      elements += bits.elements;
      bar_elements += bits.bar_elements;
    }
  }
  std::size_t bits = 0;
  for (const auto& [address, bytes] : masks) {
    for (const auto& [offset, mask] : bytes) {
      bits += static_cast<std::size_t>(std::popcount(mask));
    }
  }
  ASSERT_GT(fields, 0U) << "every device has a header with writable fields";
  ASSERT_GT(bits, 0U);
  // A dump holds no BAR memory, so nothing was saved from one.
  EXPECT_EQ(bar_elements, 0U);
  RecordProperty("clobbered_fields", static_cast<int>(fields));
  RecordProperty("clobbered_array_elements", static_cast<int>(elements));
  RecordProperty("clobbered_bits", static_cast<int>(bits));

  const std::string clobbered = tmp.file("clobbered.txt");
  write_text(clobbered, invert_bits(read_text(original), masks));
  const std::string lspci_original = run_lspci(original, "-vv");
  ASSERT_NE(run_lspci(clobbered, "-vv"), lspci_original)
      << bits << " bits inverted in " << fields << " fields and lspci sees no difference";

  const std::string out = tmp.file("out.txt");
  const RunResult restore =
      run_capstate(tmp, {"restore", "-i", state, "--dump", clobbered, "--output-dump", out});
  ASSERT_EQ(restore.exit_code, 0) << restore.out << restore.err;
  // One line per device, each verified; the clobbered registers were written.
  const std::regex done(
      R"(([0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]): (\d+) writes; verify OK \(\d+ registers\))");
  std::size_t written = 0;
  std::vector<std::string> restored_devices;
  for (const std::string& line : lines_of(restore.out)) {
    std::smatch m;
    EXPECT_TRUE(std::regex_match(line, m, done)) << line;
    if (!m.empty()) {
      restored_devices.push_back(m[1].str());
      written += number(m[2].str());
    }
  }
  std::vector<std::string> clobbered_devices;
  for (const auto& [address, bytes] : masks) {
    clobbered_devices.push_back(address);
  }
  std::sort(restored_devices.begin(), restored_devices.end());
  EXPECT_EQ(restored_devices, clobbered_devices);
  EXPECT_GE(written, masks.size());

  const std::string lspci_restored = run_lspci(out, "-vv");
  EXPECT_TRUE(lspci_restored == lspci_original)
      << GetParam() << ": lspci -vv of the restored copy differs from the original's (- original, "
      << "+ restored):\n"
      << line_diff(lspci_original, lspci_restored);

  // Byte by byte: every writable bit is back, and no other byte changed.
  const std::vector<test::DumpDevice> before = test::parse_lspci_dump(original);
  const std::vector<test::DumpDevice> after = test::parse_lspci_dump(out);
  ASSERT_EQ(after.size(), before.size());
  std::vector<std::string> wrong;
  for (std::size_t d = 0; d < before.size(); ++d) {
    ASSERT_EQ(after[d].address, before[d].address);
    ASSERT_EQ(after[d].bytes.size(), before[d].bytes.size());
    const auto& mask = masks[full_address(before[d].address)];
    for (std::size_t i = 0; i < before[d].bytes.size(); ++i) {
      if (after[d].bytes[i] != before[d].bytes[i]) {
        const auto m = mask.find(static_cast<unsigned>(i));
        wrong.push_back(fmt::format("{} 0x{:03x}: {:02x} -> {:02x} (writable {:02x})",
                                    before[d].address, i, before[d].bytes[i], after[d].bytes[i],
                                    m == mask.end() ? 0 : m->second));
      }
    }
  }
  std::string list;
  for (const std::string& w : wrong) {
    list += "\n  " + w;
  }
  EXPECT_TRUE(wrong.empty()) << GetParam() << ": " << wrong.size()
                             << " bytes of the restored copy differ from the original:" << list;

  // Restoring the same state again finds nothing to write.
  const RunResult again = run_capstate(tmp, {"--json", "restore", "-i", state, "--dump", out});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  for (const json& d : json::parse(again.out)) {
    EXPECT_EQ(d.at("written"), 0) << d.dump();
    EXPECT_EQ(d.at("mismatches"), json::array()) << d.dump();
  }
}

INSTANTIATE_TEST_SUITE_P(Dumps, ClobberEveryWritableBit, ::testing::ValuesIn(clobber_dumps()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           return test_name_for(info.param);
                         });

// The suite covers every real dump, and the layouts it reads are the plugins' own.
TEST(ClobberEveryWritableBitSetup, RunsOverEveryRealDumpWithEveryPluginsLayouts) {
  const std::vector<std::string> dumps = clobber_dumps();
  EXPECT_EQ(dumps.size(), 20U);
  EXPECT_EQ(std::count_if(dumps.begin(), dumps.end(),
                          [](const std::string& d) { return d.rfind("real/", 0) == 0; }),
            17);
  const Layouts layouts = dump_layouts();
  // The header's Command register: bits 0-2, 6, 8 and 10 (as abi/header/schema-1.txt has it).
  const auto header = layouts.find({"header", 1});
  ASSERT_NE(header, layouts.end());
  const auto command = std::find_if(header->second.fields.begin(), header->second.fields.end(),
                                    [](const FieldLayout& f) { return f.name == "command"; });
  ASSERT_NE(command, header->second.fields.end());
  EXPECT_EQ(command->offset, 0x04U);
  EXPECT_EQ(command->width, 2U);
  EXPECT_EQ(command->writable, 0x0547U);
  // MSI-X vectors live in a BAR: an array without a configuration offset.
  const auto msix = layouts.find({"msix", 2});
  ASSERT_NE(msix, layouts.end());
  ASSERT_EQ(msix->second.arrays.size(), 1U);
  EXPECT_TRUE(msix->second.arrays[0].in_bar);
  EXPECT_EQ(msix->second.arrays[0].stride, 16U);
  EXPECT_EQ(msix->second.arrays[0].elements.size(), 4U);
}

// The three placements of an array, as `capstate abi dump` writes them.
TEST(ClobberEveryWritableBitSetup, ParsesEveryArrayPlacement) {
  const Layout layout = parse_layout(
      "field cap2 offset=0x0008 width=32 writable=0x00000000 w1c=0x00000000 verify=0x00000000 "
      "phase=0 present=always\n"
      "array fixed saved=f_saved count=f_n from=4 max=4 at=config+0x000c stride=2 present=always "
      "elements=1\n"
      "element tag offset=0x0000 width=16 writable=0x0000ffff w1c=0x00000000 verify=0x0000ffff "
      "phase=0 present=always\n"
      "array located saved=l_saved count=l_n from=4 max=4 at=config+0x0000+(field:cap2 "
      "offset&0xff000000 unit_shift=4) stride=4 present=always elements=1\n"
      "element entries offset=0x0000 width=32 writable=0xffffffff w1c=0x00000000 "
      "verify=0xffffffff phase=0 present=always\n"
      "array vector saved=v_saved count=v_n from=1 max=2048 at=bar(field:cap2 bar&0x00000007 "
      "offset&0xfffffff8) stride=16 present=always elements=0\n"
      "fingerprint 0x0123456789abcdef\n");
  ASSERT_EQ(layout.fields.size(), 1U);
  ASSERT_EQ(layout.arrays.size(), 3U);
  EXPECT_EQ(layout.arrays[0].config_offset, 0x0cU);
  EXPECT_EQ(layout.arrays[0].locator, "");
  EXPECT_EQ(layout.arrays[0].elements.at(0).writable, 0xffffU);
  EXPECT_EQ(layout.arrays[1].locator, "cap2");
  EXPECT_EQ(layout.arrays[1].locator_mask, 0xff000000U);
  EXPECT_EQ(layout.arrays[1].unit_shift, 4U);
  EXPECT_TRUE(layout.arrays[2].in_bar);
  EXPECT_EQ(layout.fingerprints, std::set<std::string>{"0x0123456789abcdef"});
  // The located table of a record whose cap2 says 3 units of 16 bytes: at 0x100 + 0x30.
  std::map<unsigned, std::uint8_t> bytes;
  const json record = {{"offset", 0x100},
                       {"fields", {{"cap2", 0x03000000}}},
                       {"extra", {{"l_saved", 1}, {"l_n", 1}, {"located[0].entries", 0}}}};
  const RecordBits bits = record_bits(record, layout, bytes);
  EXPECT_EQ(bits.elements, 1U);
  EXPECT_EQ(bytes, (std::map<unsigned, std::uint8_t>{
                       {0x130, 0xff}, {0x131, 0xff}, {0x132, 0xff}, {0x133, 0xff}}));
}

// line_diff lists what only one side has, in order.
TEST(ClobberEveryWritableBitSetup, LineDiffListsRemovedAndAddedLines) {
  EXPECT_EQ(line_diff("a\nb\nc\n", "a\nx\nc\nd\n"), "  - b\n  + x\n  + d\n");
  EXPECT_EQ(line_diff("a\nb\n", "a\nb\n"), "");
}

// invert_bits edits exactly the bytes asked for, on the device asked for.
TEST(ClobberEveryWritableBitSetup, InvertBitsEditsOnlyTheMaskedBytes) {
  const std::string dump = read_text(data_file("qemu-q35-guest.xxxx.txt"));
  ByteMasks masks;
  masks["0000:00:01.0"][0x04] = 0x07;
  masks["0000:00:01.0"][0x10f] = 0xff;
  const std::string text = invert_bits(dump, masks);
  const std::vector<test::DumpDevice> before = test::parse_lspci_dump_text(dump, "before");
  const std::vector<test::DumpDevice> after = test::parse_lspci_dump_text(text, "after");
  ASSERT_EQ(after.size(), before.size());
  std::size_t differing = 0;
  for (std::size_t d = 0; d < before.size(); ++d) {
    for (std::size_t i = 0; i < before[d].bytes.size(); ++i) {
      if (before[d].bytes[i] != after[d].bytes[i]) {
        ++differing;
        EXPECT_EQ(before[d].address, "00:01.0");
        EXPECT_TRUE(i == 0x04 || i == 0x10f) << i;
        EXPECT_EQ(before[d].bytes[i] ^ after[d].bytes[i], i == 0x04 ? 0x07 : 0xff);
      }
    }
  }
  EXPECT_EQ(differing, 2U);
  masks["0000:09:00.0"][0x04] = 0x01;  // no such device
  EXPECT_THROW(invert_bits(dump, masks), std::runtime_error);
}

}  // namespace
}  // namespace capstate::clitest
