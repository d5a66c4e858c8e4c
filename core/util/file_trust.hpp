// Whether a file may be trusted: who owns it and who may write it, for the file alone or for the
// file and every directory above it (as sshd's StrictModes does). Policy files, state files
// restored onto hardware and plugins are checked with these rules.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <optional>
#include <string>

namespace capstate::core {

/// True for an owner capstate trusts: root, or the effective user running it.
bool trusted_owner(uid_t uid);

/// True when group or others may write (mode bits 020 or 002).
bool writable_by_others(mode_t mode);

/// "uid 0 (root)"; "uid 12345" when the user database knows no name for it.
std::string owner_text(uid_t uid);

/// The permission bits in octal, four digits: "0644", "1777".
std::string mode_text(mode_t mode);

/// The owners trusted in this process, for "expected" in messages: "root" when running as root,
/// else "root or uid 1000 (alice), who runs capstate".
std::string trusted_owners_text();

/// A file or directory that failed a trust check, and what was found there.
struct TrustFailure {
  std::filesystem::path path;  ///< what failed: the checked file or a directory above it
  bool above = false;          ///< true when `path` is a directory above the checked file
  bool examined = true;        ///< false when it could not be examined (owner and mode unknown)
  uid_t owner = 0;             ///< its owner (when examined)
  mode_t mode = 0;             ///< its permission bits, 07777 (when examined)
  /// What is wrong: "writable by group and others", "owned by uid 1000 (alice), neither root
  /// nor the running user", both joined by " and ", or why it could not be examined.
  std::string problem;
  /// The commands that fix it, e.g. "chmod go-w '/etc/capstate'"; empty when not examined.
  std::string fix;
};

/// Checks `path` itself (following symbolic links): it must be owned by root or the effective
/// user and not be writable by group or others. nullopt when it is trusted.
std::optional<TrustFailure> check_file_trust(const std::filesystem::path& path);

/// Checks `path` and every directory above it, up to "/", both along the path as given (made
/// absolute; a symbolic link met on the way must be owned by root or the effective user) and
/// along its resolved path. Each must be owned by root or the effective user and not be
/// writable by group or others; a directory owned by root with the sticky bit (like /tmp) may be
/// writable by others, since only the owner of an entry may then rename or remove it. The file
/// is checked first, then the directories from the nearest up. nullopt when all are trusted.
std::optional<TrustFailure> check_path_trust(const std::filesystem::path& path);

/// One sentence about `failure` of the `what` (e.g. "policy file") at `checked`: "policy file F
/// is not trusted: the directory D above it is writable by group (found owner uid 1000 (alice),
/// mode 0775; expected owner root, not writable by group or others)". The caller adds what it
/// did not do and how to go on (`failure.fix`).
std::string trust_failure_text(const std::string& what, const std::filesystem::path& checked,
                               const TrustFailure& failure);

}  // namespace capstate::core
