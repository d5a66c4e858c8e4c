// guarded_call() (engine/plugin_call.hpp, and its PluginEntry overload in registry/registry.hpp):
// plugin exceptions reach core only as PluginFailure, with plugin, device, action; an AccessError
// (the device could not be read) passes through as an AccessError.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <utility>

#include "capstate/sdk/access.hpp"
#include "engine/plugin_call.hpp"
#include "registry/registry.hpp"  // the PluginEntry overload

namespace capstate::core {
namespace {

std::string failure_text(auto&& fn) {
  try {
    fn();
  } catch (const PluginFailure& e) {
    return e.what();
  }
  return "no PluginFailure";
}

TEST(GuardedCall, ReturnsWhatTheFunctionReturns) {
  EXPECT_EQ(guarded_call("pcie", "0000:00:1c.0", "saving", [] { return 42; }), 42);
  int calls = 0;
  guarded_call("pcie", "0000:00:1c.0", "saving", [&calls] { ++calls; });
  EXPECT_EQ(calls, 1);
}

TEST(GuardedCall, StdExceptionBecomesPluginFailure) {
  EXPECT_EQ(failure_text([] {
              guarded_call("msix", "0000:03:00.0", "saving extra bytes",
                           []() -> int { throw std::out_of_range("vector 7 beyond table"); });
            }),
            "plugin 'msix' failed while saving extra bytes on 0000:03:00.0: vector 7 beyond table");
}

// The core's config and BAR spaces throw AccessError naming the device and offset; read by a
// plugin's code, such an error is the device's, not the plugin's: it passes through as itself.
std::string access_error_text(auto&& fn) {
  try {
    fn();
  } catch (const PluginFailure& e) {
    return std::string("PluginFailure: ") + e.what();
  } catch (const AccessError& e) {
    return e.what();
  }
  return "no exception";
}

TEST(GuardedCall, AccessErrorPassesThroughAsTheDevicesAccessError) {
  EXPECT_EQ(access_error_text([] {
              guarded_call("ltr", "dump.txt", "restoring", [] {
                throw AccessError("0000:00:1c.0: 32-bit read at 0x1000 is beyond the end");
              });
            }),
            "0000:00:1c.0: 32-bit read at 0x1000 is beyond the end");
}

// A derived error (the sysfs BarMapError is one) keeps its text; what leaves is the core's own
// AccessError object, never the one thrown (which may live in a plugin library).
class DerivedAccessError : public AccessError {
 public:
  using AccessError::AccessError;
};

TEST(GuardedCall, DerivedAccessErrorLeavesAsAFreshAccessErrorWithItsText) {
  try {
    guarded_call("msix", "0000:03:00.0", "saving",
                 [] { throw DerivedAccessError("0000:03:00.0: cannot map BAR 2"); });
    FAIL() << "no exception";
  } catch (const DerivedAccessError&) {
    FAIL() << "the thrown object itself escaped";
  } catch (const AccessError& e) {
    EXPECT_STREQ(e.what(), "0000:03:00.0: cannot map BAR 2");
  }
}

TEST(GuardedCall, LazyVariantPassesAccessErrorThroughWithoutDescribing) {
  int described = 0;
  const auto describe = [&described] {
    ++described;
    return std::pair<std::string, std::string>{"dev", "saving"};
  };
  EXPECT_EQ(access_error_text([&] {
              guarded_call_lazy("pcie", describe, []() -> int { throw AccessError("dev: gone"); });
            }),
            "dev: gone");
  EXPECT_EQ(described, 0);
  EXPECT_EQ(access_error_text([&] {
              guarded_call_lazy("pcie", describe,
                                []() -> int { throw std::logic_error("bad field"); });
            }),
            "PluginFailure: plugin 'pcie' failed while saving on dev: bad field");
  EXPECT_EQ(described, 1);
}

TEST(GuardedCall, EntryOverloadPassesAccessErrorThroughToo) {
  PluginEntry entry;
  entry.name = "pm";
  EXPECT_EQ(access_error_text([&] {
              guarded_call(entry, "0000:00:02.0", "planning the restore",
                           [] { throw AccessError("0000:00:02.0: BAR 0 read failed"); });
            }),
            "0000:00:02.0: BAR 0 read failed");
}

TEST(GuardedCall, AnythingElseIsWrapped) {
  EXPECT_EQ(failure_text([] { guarded_call("x", "dev", "decoding", [] { throw 7; }); }),
            "plugin 'x' failed while decoding on dev: unknown exception (not derived from "
            "std::exception)");
}

TEST(GuardedCall, PluginFailurePassesThroughUnchanged) {
  EXPECT_EQ(failure_text([] {
              guarded_call("outer", "dev", "a", [] {
                guarded_call("inner", "dev", "b", [] { throw std::runtime_error("boom"); });
              });
            }),
            "plugin 'inner' failed while b on dev: boom");
}

TEST(GuardedCall, NamesThePluginOfAnEntry) {
  PluginEntry entry;
  entry.name = "pm";
  try {
    guarded_call(entry, "0000:00:02.0", "saving", [] { throw std::runtime_error("x"); });
    FAIL() << "no exception";
  } catch (const PluginFailure& e) {
    EXPECT_STREQ(e.what(), "plugin 'pm' failed while saving on 0000:00:02.0: x");
    EXPECT_EQ(e.plugin(), "pm");
  }
}

}  // namespace
}  // namespace capstate::core
