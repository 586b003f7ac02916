// Dropping root after start-up (`[server] user`), as NSD and Unbound do: once every listener is
// bound and the key files and AWS credentials are read, switch to the configured user for good.
//
//   auto s = daemon::drop_privileges(cfg.server.user);   // SystemPrivilegeOps by default
//   if (!s.ok()) { log::error("%s", s.message().c_str()); return 1; }
//
// Rules (what NSD does, nsd.c "Drop the permissions"):
//   - user empty: nothing happens.
//   - started as root (effective uid 0): initgroups(user, its gid), setresgid(gid, gid, gid),
//     setresuid(uid, uid, uid), in that order (real, effective and saved ids, so root cannot be
//     regained); each failure stops start-up naming the call and errno; afterwards setuid(0) must
//     fail, else start-up stops. Logged at info level: "dropped privileges: running as nobody
//     (uid 65534, gid 65534)".
//   - not root, already running as that user and its group: nothing to switch, logged at info.
//   - not root and another user: refused (NSD's setresgid/setresuid would fail with EPERM and it
//     stops): kFailedPrecondition "user = NAME: cannot switch to NAME (uid U) when not started as
//     root (running as uid V)".
// A user that does not exist (any more) is kNotFound.
//
// What needs the old privileges after the drop must not exist: the daemon reads its key files
// and static AWS credentials (environment, INI, shared credentials/config files) before this
// point and never again; container credentials re-read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE on
// each refresh, so that file must be readable by the user (documented in route53d.ini(5)).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "util/status.h"

namespace r53d::daemon {

// The system calls involved, replaceable in tests. Each returns 0 or -1 with errno set, as the
// libc call of the same name.
class PrivilegeOps {
 public:
  struct User {
    std::string name;
    uid_t uid = 0;
    gid_t gid = 0;
  };
  virtual ~PrivilegeOps() = default;
  virtual std::optional<User> lookup(const std::string& name) = 0;  // getpwnam
  virtual uid_t getuid() = 0;
  virtual uid_t geteuid() = 0;
  virtual gid_t getgid() = 0;
  virtual int initgroups(const std::string& name, gid_t gid) = 0;
  virtual int setresgid(gid_t gid) = 0;  // real, effective and saved
  virtual int setresuid(uid_t uid) = 0;  // real, effective and saved
  virtual int setuid_root() = 0;         // setuid(0): the check that root is gone
};

// The real calls.
class SystemPrivilegeOps final : public PrivilegeOps {
 public:
  std::optional<User> lookup(const std::string& name) override;
  uid_t getuid() override;
  uid_t geteuid() override;
  gid_t getgid() override;
  int initgroups(const std::string& name, gid_t gid) override;
  int setresgid(gid_t gid) override;
  int setresuid(uid_t uid) override;
  int setuid_root() override;
};

// See the rules above. Logs the outcome at info level on success.
Status drop_privileges(const std::string& user, PrivilegeOps& ops);
Status drop_privileges(const std::string& user);

}  // namespace r53d::daemon
