// Runs build/bin/capstate with its standard error on a pseudo-terminal, as when a person runs it.
#pragma once

#include <string>
#include <vector>

#include "cli_runner.hpp"

namespace capstate::clitest {

/// What one run with a terminal as stderr produced.
struct TtyRunResult {
  int exit_code = -1;  ///< the process exit status, -1 if it did not exit normally
  std::string out;     ///< standard output (a file, not the terminal)
  std::string tty;     ///< every byte written to the terminal (raw mode: no newline translation)
};

/// Runs capstate with `args`, standard error on a fresh pseudo-terminal in raw mode, standard
/// output to a file in `tmp`, and CAPSTATE_PLUGIN_PATH unset; throws when the terminal or the
/// process cannot be created.
TtyRunResult run_capstate_on_tty(const TempDir& tmp, const std::vector<std::string>& args);

}  // namespace capstate::clitest
