#include "util/target_text.hpp"

#include <fmt/format.h>

namespace capstate::core {

std::string target_text(const Capability& target) {
  switch (target.kind) {
    case CapKind::standard:
      return fmt::format("standard capability 0x{:02x} at 0x{:03x}", target.id, target.offset);
    case CapKind::extended:
      return fmt::format("extended capability 0x{:04x} at 0x{:03x}", target.id, target.offset);
    case CapKind::header:
      return "configuration header";
    case CapKind::region:
      return fmt::format("region at 0x{:03x}", target.offset);
  }
  return fmt::format("target of kind {} at 0x{:03x}", static_cast<unsigned>(target.kind),
                     target.offset);
}

}  // namespace capstate::core
