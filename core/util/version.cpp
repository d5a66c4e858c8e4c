#include "util/version.hpp"

namespace capstate::core {

std::string_view producer_version() {
  return CAPSTATE_VERSION;
}

}  // namespace capstate::core
