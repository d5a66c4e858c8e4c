// vm-bar-tool: reads or writes 32-bit words of a PCI memory BAR through its sysfs resourceN file
// (mmap), for the QEMU guest test only. The test uses it as an oracle independent of capstate (the
// MSI-X vector table as the device holds it) and to clobber the table. Never run it on a real
// machine's devices: a write goes straight to the hardware.
//
//   vm-bar-tool read  RESOURCE_FILE OFFSET COUNT        COUNT words from OFFSET, 4 words a line
//   vm-bar-tool write RESOURCE_FILE OFFSET WORD...      consecutive words from OFFSET
// OFFSET and WORD are numbers in C notation (0x... for hex); output is 8 hex digits a word.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

/// Prints the usage text and returns the usage exit code.
int usage() {
  std::fprintf(stderr,
               "usage: vm-bar-tool read RESOURCE_FILE OFFSET COUNT\n"
               "       vm-bar-tool write RESOURCE_FILE OFFSET WORD...\n");
  return 2;
}

/// Parses a number in C notation; exits with a message naming `what` when it is not one.
std::uint64_t number(const char* text, const char* what) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(text, &end, 0);
  if (errno != 0 || end == text || *end != '\0') {
    std::fprintf(stderr, "vm-bar-tool: %s '%s' is not a number\n", what, text);
    std::exit(2);
  }
  return v;
}

/// A mapping of the pages of a resource file that hold `words` words from `offset`.
class BarWindow {
 public:
  /// Maps the window; exits with the file, offset and reason when that fails.
  BarWindow(const std::string& path, std::uint64_t offset, std::size_t words, bool write) {
    const int fd = ::open(path.c_str(), write ? O_RDWR : O_RDONLY);
    if (fd < 0) {
      std::fprintf(stderr, "vm-bar-tool: cannot open %s: %s\n", path.c_str(), std::strerror(errno));
      std::exit(1);
    }
    const auto page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
    const std::uint64_t start = offset & ~(page - 1);
    length_ = (offset - start) + words * 4;
    void* p = ::mmap(nullptr, length_, write ? PROT_READ | PROT_WRITE : PROT_READ, MAP_SHARED, fd,
                     static_cast<off_t>(start));
    ::close(fd);
    if (p == MAP_FAILED) {
      std::fprintf(stderr,
                   "vm-bar-tool: cannot map %s at 0x%llx (%zu bytes): %s (a Debian kernel needs "
                   "iomem=relaxed to map a BAR its driver holds)\n",
                   path.c_str(), static_cast<unsigned long long>(start), length_,
                   std::strerror(errno));
      std::exit(1);
    }
    base_ = static_cast<char*>(p);
    words_ = reinterpret_cast<volatile std::uint32_t*>(base_ + (offset - start));
  }
  ~BarWindow() { ::munmap(base_, length_); }
  BarWindow(const BarWindow&) = delete;
  BarWindow& operator=(const BarWindow&) = delete;

  /// Word `i` of the window, read with one 32-bit access.
  std::uint32_t read(std::size_t i) const { return words_[i]; }
  /// Writes word `i` of the window with one 32-bit access.
  void write(std::size_t i, std::uint32_t v) { words_[i] = v; }

 private:
  char* base_ = nullptr;
  std::size_t length_ = 0;
  volatile std::uint32_t* words_ = nullptr;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    return usage();
  }
  const std::string verb = argv[1];
  const std::string path = argv[2];
  const std::uint64_t offset = number(argv[3], "offset");
  if (offset % 4 != 0) {
    std::fprintf(stderr, "vm-bar-tool: offset 0x%llx is not a multiple of 4\n",
                 static_cast<unsigned long long>(offset));
    return 2;
  }
  if (verb == "read") {
    const std::uint64_t count = number(argv[4], "count");
    BarWindow bar(path, offset, count, false);
    for (std::size_t i = 0; i < count; ++i) {
      std::printf("%08x%s", bar.read(i), (i % 4 == 3 || i + 1 == count) ? "\n" : " ");
    }
    return 0;
  }
  if (verb == "write") {
    std::vector<std::uint32_t> words;
    for (int i = 4; i < argc; ++i) {
      words.push_back(static_cast<std::uint32_t>(number(argv[i], "word")));
    }
    BarWindow bar(path, offset, words.size(), true);
    for (std::size_t i = 0; i < words.size(); ++i) {
      bar.write(i, words[i]);
    }
    return 0;
  }
  return usage();
}
