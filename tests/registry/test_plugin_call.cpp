// guarded_call() (engine/plugin_call.hpp, and its PluginEntry overload in registry/registry.hpp):
// plugin exceptions reach core only as PluginFailure, with plugin, device, action.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

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

TEST(GuardedCall, AccessErrorIsWrappedToo) {
  EXPECT_EQ(failure_text([] {
              guarded_call("ltr", "dump.txt", "restoring",
                           [] { throw AccessError("offset 0x1000 beyond 4096"); });
            }),
            "plugin 'ltr' failed while restoring on dump.txt: offset 0x1000 beyond 4096");
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
