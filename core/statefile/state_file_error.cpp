#include "statefile/state_file_error.hpp"

#include "util/hex.hpp"

namespace capstate::core {

StateFileError::StateFileError(StateFileLocation where, std::string problem)
    : std::runtime_error(describe(where) + ": " + problem),
      where_(std::move(where)),
      problem_(std::move(problem)) {}

std::string StateFileError::describe(const StateFileLocation& where) {
  std::string text = where.file;
  const char* sep = ": ";
  if (where.byte_offset) {
    text += sep + std::string("byte ") + hex(*where.byte_offset);
    sep = ", ";
  }
  if (where.section_index) {
    text += sep + std::string("device section ") + std::to_string(*where.section_index + 1);
    if (where.section_address) {
      text += " (" + where.section_address->str() + ")";
    }
    sep = ", ";
  }
  if (where.record_index) {
    text += sep + std::string("record ") + std::to_string(*where.record_index + 1);
  }
  return text;
}

}  // namespace capstate::core
