// Dropping root after start-up: initgroups, setresgid, setresuid, and the check. See privileges.h.
#include "daemon/privileges.h"

#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/log.h"

namespace r53d::daemon {

std::optional<PrivilegeOps::User> SystemPrivilegeOps::lookup(const std::string& name) {
  errno = 0;
  const passwd* pw = ::getpwnam(name.c_str());
  if (pw == nullptr) return std::nullopt;
  User u{pw->pw_name, pw->pw_uid, pw->pw_gid};
  ::endpwent();
  return u;
}
uid_t SystemPrivilegeOps::getuid() { return ::getuid(); }
uid_t SystemPrivilegeOps::geteuid() { return ::geteuid(); }
gid_t SystemPrivilegeOps::getgid() { return ::getgid(); }
int SystemPrivilegeOps::initgroups(const std::string& name, gid_t gid) { return ::initgroups(name.c_str(), gid); }
int SystemPrivilegeOps::setresgid(gid_t gid) { return ::setresgid(gid, gid, gid); }
int SystemPrivilegeOps::setresuid(uid_t uid) { return ::setresuid(uid, uid, uid); }
int SystemPrivilegeOps::setuid_root() { return ::setuid(0); }

Status drop_privileges(const std::string& user, PrivilegeOps& ops) {
  if (user.empty()) return {};
  auto u = ops.lookup(user);
  if (!u) return Status::not_found("user = " + user + ": no such user");
  std::string ids = "uid " + std::to_string(u->uid) + ", gid " + std::to_string(u->gid);
  if (ops.geteuid() != 0) {
    if (ops.getuid() == u->uid && ops.geteuid() == u->uid && ops.getgid() == u->gid) {
      log::info("already running as %s (%s): no privileges to drop", user.c_str(), ids.c_str());
      return {};
    }
    return Status::failed_precondition("user = " + user + ": cannot switch to " + user + " (uid " +
                                       std::to_string(u->uid) + ") when not started as root (running as uid " +
                                       std::to_string(ops.geteuid()) + ")");
  }
  auto failed = [&](const std::string& call) {
    int e = errno;
    return Status::permission_denied("user = " + user + ": " + call + ": " + std::strerror(e));
  };
  // Groups first: once the uid is no longer 0 they cannot be changed.
  if (ops.initgroups(u->name, u->gid) != 0) return failed("initgroups(" + u->name + ", " + std::to_string(u->gid) + ")");
  if (ops.setresgid(u->gid) != 0) return failed("setresgid(" + std::to_string(u->gid) + ")");
  if (ops.setresuid(u->uid) != 0) return failed("setresuid(" + std::to_string(u->uid) + ")");
  if (u->uid != 0 && ops.setuid_root() == 0) {
    return Status::internal("user = " + user + ": setuid(0) still succeeds after dropping privileges");
  }
  log::info("dropped privileges: running as %s (%s)", user.c_str(), ids.c_str());
  return {};
}

Status drop_privileges(const std::string& user) {
  SystemPrivilegeOps ops;
  return drop_privileges(user, ops);
}

}  // namespace r53d::daemon
