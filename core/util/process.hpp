// Running other programs: kexec-tools' kexec, systemctl, the capstate of another root file system.
#pragma once

#include <string>
#include <vector>

namespace capstate::core {

/// Runs `argv` (argv[0] looked up in PATH unless it holds a '/') with exactly the environment
/// `env` ("NAME=value" entries; the library passes on nothing of its own) and waits for it; its
/// output goes to ours. Returns the exit status (128 + signal when killed). Throws FileError when
/// it cannot be started.
int run_command(const std::vector<std::string>& argv, const std::vector<std::string>& env);

/// The command line `argv` as one line of text, for messages.
std::string command_text(const std::vector<std::string>& argv);

}  // namespace capstate::core
