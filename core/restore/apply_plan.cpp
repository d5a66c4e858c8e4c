#include "restore/apply_plan.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <thread>

#include "util/target_text.hpp"

namespace capstate::core {
namespace {

std::uint32_t read_back(Device& device, const PlannedWrite& w) {
  if (w.target == Target::bar) {
    return device.bars->read32(w.bar, w.offset);
  }
  return device.config->read(static_cast<std::uint16_t>(w.offset), w.width);
}

bool same_register(const PlannedWrite& a, const PlannedWrite& b) {
  return a.upstream == b.upstream && a.target == b.target && a.bar == b.bar && a.offset == b.offset;
}

void write_once(Device& device, const PlannedWrite& w) {
  if (w.target == Target::bar) {
    if (!device.bars) {
      throw AccessError(fmt::format("{}: no BAR access from this source", device.address.str()));
    }
    device.bars->write32(w.bar, w.offset, w.value);
    return;
  }
  device.config->write(static_cast<std::uint16_t>(w.offset), w.width, w.value);
}

// Writes `w`; with retries, writes it again 1 ms apart while its written bits do not read back
// (as the kernel does for BARs that do not stick at once), then waits the step's delay.
void do_write(Device& device, const PlannedWrite& w) {
  write_once(device, w);
  const std::uint32_t check = w.mask & ~w.w1c & ~w.clears;
  for (unsigned attempt = 0; attempt < w.retries; ++attempt) {
    if (((read_back(device, w) ^ w.value) & check) == 0) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    write_once(device, w);
  }
  if (w.delay_us != 0) {
    std::this_thread::sleep_for(std::chrono::microseconds(w.delay_us));
  }
}

// Polls the step's condition after its write: at once, then 1, 2, 4 ... ms apart until it holds
// or the timeout has passed. Returns what the register held last when it never held.
std::optional<std::uint32_t> wait_for(Device& device, const WaitStep& wait) {
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::microseconds(wait.timeout_us);
  std::chrono::milliseconds pause(1);
  for (;;) {
    const std::uint32_t now = device.config->read(wait.offset, wait.width);
    if ((now & wait.mask) == wait.value) {
      return std::nullopt;
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return now;
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::milliseconds(100));
  }
}

}  // namespace

std::string write_text(const PlannedWrite& w) {
  const std::string where = w.target == Target::bar
                                ? fmt::format("BAR {} offset 0x{:x}", w.bar, w.offset)
                                : fmt::format("0x{:03x}", w.offset);
  return fmt::format("{} {} at {}{} ({}-bit)", w.plugin, w.name, where,
                     w.upstream ? " of the upstream port" : "", width_bits(w.width));
}

ApplyResult apply_plan(Device& own, const DevicePlan& plan, bool verify, Device* upstream) {
  const bool reaches_up = std::any_of(plan.writes.begin(), plan.writes.end(),
                                      [](const PlannedWrite& w) { return w.write && w.upstream; });
  if (reaches_up && upstream == nullptr) {
    throw RestoreWriteError(fmt::format(
        "{}: the plan writes its upstream port {}, which is not open in this restore; nothing "
        "was written",
        own.address.str(), plan.upstream ? plan.upstream->str() : std::string("(unknown)")));
  }
  // The device a write goes to: the plan's own, or its upstream port.
  const auto device_of = [&](const PlannedWrite& w) -> Device& {
    return w.upstream ? *upstream : own;
  };
  ApplyResult result;
  std::vector<const PlannedWrite*> done;
  for (std::size_t i = 0; i < plan.writes.size(); ++i) {
    const PlannedWrite& w = plan.writes[i];
    if (!w.write) {
      continue;
    }
    Device& device = device_of(w);
    try {
      do_write(device, w);
    } catch (const std::exception& e) {
      std::string done_text;
      for (const PlannedWrite* d : done) {
        done_text += fmt::format("\n  done:     {} = 0x{:0{}x}", write_text(*d), d->value,
                                 2 * width_bytes(d->width));
      }
      for (std::size_t j = i; j < plan.writes.size(); ++j) {
        if (plan.writes[j].write) {
          done_text += fmt::format("\n  not done: {} = 0x{:0{}x}", write_text(plan.writes[j]),
                                   plan.writes[j].value, 2 * width_bytes(plan.writes[j].width));
        }
      }
      throw RestoreWriteError(fmt::format(
          "{}: restore stopped: writing {} failed: {}{}\nRestore the undo file to go back to the "
          "state before this restore",
          device.address.str(), write_text(w), e.what(), done_text));
    }
    done.push_back(&w);
    ++result.written;
    if (w.wait) {
      // The kernel logs a load that never completes and goes on; so does capstate, reporting it.
      if (const auto last = wait_for(device, *w.wait)) {
        result.mismatches.push_back(fmt::format(
            "{}: after {}: {} did not happen within {} us (0x{:03x} & 0x{:x} reads 0x{:x}, "
            "expected 0x{:x}); the restore went on",
            device.address.str(), write_text(w), w.wait->name, w.wait->timeout_us, w.wait->offset,
            w.wait->mask, *last & w.wait->mask, w.wait->value));
      }
    }
  }
  if (!verify) {
    return result;
  }
  // Only the last write of a register decides what it should hold; it is compared under the
  // verify masks of every write to that register (one restored in two phases has two).
  for (std::size_t i = 0; i < plan.writes.size(); ++i) {
    const PlannedWrite& w = plan.writes[i];
    if (!w.write) {
      continue;
    }
    bool later = false;
    for (std::size_t j = i + 1; j < plan.writes.size() && !later; ++j) {
      later = plan.writes[j].write && same_register(plan.writes[j], w);
    }
    std::uint32_t verify_bits = 0;
    std::uint32_t w1c_bits = 0;
    for (std::size_t j = 0; j <= i && !later; ++j) {
      if (plan.writes[j].write && same_register(plan.writes[j], w)) {
        verify_bits |= plan.writes[j].verify;
        w1c_bits |= plan.writes[j].w1c;
      }
    }
    if (later || verify_bits == 0) {
      continue;
    }
    Device& device = device_of(w);
    const std::uint32_t found = read_back(device, w);
    ++result.verified;
    const std::uint32_t verify = verify_bits & ~w1c_bits;
    if (((found ^ w.value) & verify) != 0) {
      result.mismatches.push_back(
          fmt::format("{}: {} ({}): expected 0x{:0{}x}, found 0x{:0{}x} (verify mask 0x{:0{}x})",
                      device.address.str(), write_text(w), target_text(w.capability),
                      w.value & verify, 2 * width_bytes(w.width), found & verify,
                      2 * width_bytes(w.width), verify, 2 * width_bytes(w.width)));
    }
  }
  return result;
}

}  // namespace capstate::core
