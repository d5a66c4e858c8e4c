// Trust checks of files and the directories above them: owner and write permission.
#include "util/file_trust.hpp"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <set>
#include <system_error>
#include <vector>

namespace fs = std::filesystem;

namespace capstate::core {
namespace {

std::string quoted(const fs::path& path) {
  return "'" + path.string() + "'";
}

// "/", "/a", "/a/b", ... `absolute` itself, in that order (empty parts of a trailing slash are
// skipped).
std::vector<fs::path> prefixes(const fs::path& absolute) {
  std::vector<fs::path> out;
  fs::path prefix;
  for (const fs::path& part : absolute) {
    if (part.empty()) {
      continue;
    }
    prefix /= part;
    out.push_back(prefix);
  }
  return out;
}

// Judges one entry by its stat data. A symbolic link (from lstat) is judged by its owner only;
// what it points to is checked on the resolved path. `above`: a directory above the checked file.
std::optional<TrustFailure> judge(const fs::path& path, const struct stat& st, bool above) {
  const bool link = S_ISLNK(st.st_mode);
  // Others may create entries in a root-owned sticky directory (/tmp), but only an entry's owner
  // (checked on its own) or root may rename or remove it.
  const bool sticky_root_dir = S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX) != 0 && st.st_uid == 0;
  const bool writable = !link && !sticky_root_dir && writable_by_others(st.st_mode);
  const bool owner_ok = trusted_owner(st.st_uid);
  if (!writable && owner_ok) {
    return std::nullopt;
  }
  TrustFailure f;
  f.path = path;
  f.above = above;
  f.owner = st.st_uid;
  f.mode = st.st_mode & 07777;
  if (writable) {
    const bool group = (st.st_mode & S_IWGRP) != 0;
    const bool other = (st.st_mode & S_IWOTH) != 0;
    f.problem = std::string("writable by ") +
                (group && other ? "group and others" : (group ? "group" : "others"));
    f.fix = "chmod go-w " + quoted(path);
  }
  if (!owner_ok) {
    const std::string who = ::geteuid() == 0 ? "not by root" : "neither root nor the running user";
    f.problem += std::string(f.problem.empty() ? "" : " and ") + (link ? "a symbolic link " : "") +
                 "owned by " + owner_text(st.st_uid) + ", " + who;
    f.fix += std::string(f.fix.empty() ? "" : " and ") + (link ? "chown -h root " : "chown root ") +
             quoted(path);
  }
  return f;
}

// A path that could not be examined, with the reason.
TrustFailure unexamined(const fs::path& path, bool above, const std::string& problem) {
  TrustFailure f;
  f.path = path;
  f.above = above;
  f.examined = false;
  f.problem = problem;
  return f;
}

// lstat() and judge().
std::optional<TrustFailure> check_entry(const fs::path& path, bool above) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    return unexamined(path, above, std::string("cannot be examined: ") + std::strerror(errno));
  }
  return judge(path, st, above);
}

}  // namespace

bool trusted_owner(uid_t uid) {
  return uid == 0 || uid == ::geteuid();
}

bool writable_by_others(mode_t mode) {
  return (mode & (S_IWGRP | S_IWOTH)) != 0;
}

std::string owner_text(uid_t uid) {
  std::string text = "uid " + std::to_string(uid);
  struct passwd entry {};
  struct passwd* found = nullptr;
  std::vector<char> buffer(16384);
  if (::getpwuid_r(uid, &entry, buffer.data(), buffer.size(), &found) == 0 && found != nullptr &&
      found->pw_name != nullptr && found->pw_name[0] != '\0') {
    text += std::string(" (") + found->pw_name + ")";
  }
  return text;
}

std::string mode_text(mode_t mode) {
  char text[16];
  std::snprintf(text, sizeof text, "%04o", static_cast<unsigned>(mode & 07777));
  return text;
}

std::string trusted_owners_text() {
  const uid_t euid = ::geteuid();
  return euid == 0 ? "root" : "root or " + owner_text(euid) + ", who runs capstate";
}

std::optional<TrustFailure> check_file_trust(const fs::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return unexamined(path, false, std::string("cannot be examined: ") + std::strerror(errno));
  }
  return judge(path, st, false);
}

std::optional<TrustFailure> check_path_trust(const fs::path& path) {
  std::error_code ec;
  const fs::path lexical = fs::absolute(path, ec);
  if (ec) {
    return unexamined(path, false, "cannot be examined: " + ec.message());
  }
  std::set<fs::path> seen;
  // Nearest first: the file, then each directory above it up to "/".
  const auto walk = [&seen](const fs::path& absolute) -> std::optional<TrustFailure> {
    const std::vector<fs::path> chain = prefixes(absolute);
    for (std::size_t i = chain.size(); i-- > 0;) {
      if (!seen.insert(chain[i]).second) {
        continue;
      }
      if (auto failure = check_entry(chain[i], i + 1 != chain.size())) {
        return failure;
      }
    }
    return std::nullopt;
  };
  if (auto failure = walk(lexical)) {
    return failure;
  }
  const fs::path resolved = fs::canonical(lexical, ec);
  if (ec) {
    return unexamined(lexical, false, "cannot be resolved: " + ec.message());
  }
  return walk(resolved);
}

std::string trust_failure_text(const std::string& what, const fs::path& checked,
                               const TrustFailure& failure) {
  std::error_code ec;
  const fs::path absolute = fs::absolute(checked, ec);
  std::string subject = "it";
  if (failure.above) {
    subject = "the directory " + failure.path.string() + " above it";
  } else if (failure.path != checked && failure.path != absolute) {
    subject = "the file " + failure.path.string() + " it resolves to";
  }
  std::string text = what + " " + checked.string() + " is not trusted: " + subject + " ";
  if (!failure.examined) {
    return text + failure.problem;
  }
  return text + "is " + failure.problem + " (found owner " + owner_text(failure.owner) + ", mode " +
         mode_text(failure.mode) + "; expected owner " + trusted_owners_text() +
         ", not writable by group or others)";
}

}  // namespace capstate::core
