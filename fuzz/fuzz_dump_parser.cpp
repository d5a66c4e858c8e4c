// libFuzzer target: the lspci hex-dump parser. Every block it accepts must print back to text that
// parses to the same block. In memory only.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#include "backends/dump_format.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace capstate::core;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<DumpBlock> blocks;
  try {
    blocks = parse_dump(text, "fuzz.txt");
  } catch (const std::runtime_error&) {
    return 0;
  }
  for (const DumpBlock& block : blocks) {
    if (block.bytes.size() != 64 && block.bytes.size() != 256 && block.bytes.size() != 4096) {
      std::fprintf(stderr, "fuzz_dump_parser: block at line %zu holds %zu bytes\n", block.line,
                   block.bytes.size());
      std::abort();
    }
    const std::string printed =
        format_dump_block(block.address, block.domain_written, block.description, block.bytes);
    std::vector<DumpBlock> again;
    try {
      again = parse_dump(printed, "fuzz reprint");
    } catch (const std::runtime_error& e) {
      std::fprintf(stderr, "fuzz_dump_parser: reprinted block does not parse: %s\n", e.what());
      std::abort();
    }
    if (again.size() != 1 || again[0].bytes != block.bytes ||
        !(again[0].address == block.address)) {
      std::fprintf(stderr, "fuzz_dump_parser: reprinted block at line %zu parses differently\n",
                   block.line);
      std::abort();
    }
  }
  return 0;
}
