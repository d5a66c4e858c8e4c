// ImageSource: a raw 256- or 4096-byte configuration-space file as one device.
#include "backends/image_source.hpp"

#include <stdexcept>
#include <string_view>

#include "backends/file_io.hpp"
#include "backends/memory_config_space.hpp"
#include "util/atomic_file.hpp"
#include "util/file_error.hpp"

namespace capstate::core {

ImageSource::ImageSource(const std::filesystem::path& file, PciAddress address)
    : file_(file), address_(address), memory_(std::make_unique<MemoryDevice>()) {
  const std::string data = read_whole_file(file, "raw image");
  if (data.size() != kConventionalSize && data.size() != kExtendedSize) {
    throw FileError(file, file.string() + ": raw image is " + std::to_string(data.size()) +
                              " bytes; expected exactly 256 (conventional) or 4096 (extended "
                              "configuration space)");
  }
  memory_->name = address.str();
  memory_->bytes.assign(data.begin(), data.end());
  memory_->held = data.size();
}

ImageSource::~ImageSource() = default;
ImageSource::ImageSource(ImageSource&&) noexcept = default;
ImageSource& ImageSource::operator=(ImageSource&&) noexcept = default;

std::string ImageSource::describe() const {
  return "raw image " + file_.string();
}

std::vector<PciAddress> ImageSource::addresses() {
  return {address_};
}

Device ImageSource::open(const PciAddress& address) {
  if (address != address_) {
    throw AccessError(address.str() + ": no such device in " + describe() + " (it holds only " +
                      address_.str() + ")");
  }
  return Device{address, std::make_unique<MemoryConfigSpace>(*memory_), nullptr, {}, {}};
}

void ImageSource::write_image(const std::filesystem::path& out) const {
  const auto* data = reinterpret_cast<const char*>(memory_->bytes.data());
  write_file_atomically(out, std::string_view(data, memory_->bytes.size()));
}

std::span<const std::uint8_t> ImageSource::bytes() const {
  return memory_->bytes;
}

AccessCounts ImageSource::counts() const {
  return memory_->totals;
}

AccessCounts ImageSource::counts(const PciAddress& address) const {
  if (address != address_) {
    throw AccessError(address.str() + ": no such device in " + describe());
  }
  return memory_->totals;
}

}  // namespace capstate::core
