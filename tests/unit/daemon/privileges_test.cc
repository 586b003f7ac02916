// Tests for the privilege drop (daemon/privileges.h) with scripted system calls: the order of the
// calls as root, each failure stopping start-up, the refusal when not root, the same-user case.
#include "daemon/privileges.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <string>
#include <vector>

namespace r53d::daemon {
namespace {

class FakeOps : public PrivilegeOps {
 public:
  std::optional<User> lookup(const std::string& name) override {
    calls.push_back("lookup " + name);
    if (name != "nobody") return std::nullopt;
    return User{"nobody", 65534, 65533};
  }
  uid_t getuid() override { return uid; }
  uid_t geteuid() override { return euid; }
  gid_t getgid() override { return gid; }
  int initgroups(const std::string& name, gid_t g) override { return call("initgroups " + name + " " + std::to_string(g)); }
  int setresgid(gid_t g) override { return call("setresgid " + std::to_string(g)); }
  int setresuid(uid_t u) override { return call("setresuid " + std::to_string(u)); }
  int setuid_root() override { return call("setuid 0"); }

  int call(const std::string& what) {
    calls.push_back(what);
    std::string name = what.substr(0, what.find(' '));
    if (name == fail_on) {
      errno = EPERM;
      return -1;
    }
    if (name == "setuid" && root_regainable) return 0;
    if (name == "setuid") {
      errno = EPERM;
      return -1;
    }
    return 0;
  }

  uid_t uid = 0, euid = 0;
  gid_t gid = 0;
  std::string fail_on;
  bool root_regainable = false;
  std::vector<std::string> calls;
};

TEST(DropPrivileges, NoUserDoesNothing) {
  FakeOps ops;
  EXPECT_TRUE(drop_privileges("", ops).ok());
  EXPECT_TRUE(ops.calls.empty());
}

TEST(DropPrivileges, AsRootSetsGroupsThenGidThenUidAndChecks) {
  FakeOps ops;
  Status s = drop_privileges("nobody", ops);
  EXPECT_TRUE(s.ok()) << s.to_string();
  EXPECT_EQ(ops.calls, (std::vector<std::string>{"lookup nobody", "initgroups nobody 65533", "setresgid 65533",
                                                 "setresuid 65534", "setuid 0"}));
}

TEST(DropPrivileges, EachFailedCallStopsAndIsNamed) {
  for (const char* call : {"initgroups", "setresgid", "setresuid"}) {
    FakeOps ops;
    ops.fail_on = call;
    Status s = drop_privileges("nobody", ops);
    EXPECT_EQ(s.code(), Code::kPermissionDenied) << call;
    EXPECT_NE(s.message().find(std::string("user = nobody: ") + call + "("), std::string::npos) << s.message();
    EXPECT_NE(s.message().find("Operation not permitted"), std::string::npos) << s.message();
    EXPECT_EQ(ops.calls.back().substr(0, ops.calls.back().find(' ')), call) << "nothing after the failed call";
  }
}

TEST(DropPrivileges, RootStillReachableIsAnError) {
  FakeOps ops;
  ops.root_regainable = true;
  Status s = drop_privileges("nobody", ops);
  EXPECT_EQ(s.code(), Code::kInternal);
  EXPECT_NE(s.message().find("setuid(0) still succeeds"), std::string::npos) << s.message();
}

TEST(DropPrivileges, UnknownUser) {
  FakeOps ops;
  Status s = drop_privileges("nosuchuser", ops);
  EXPECT_EQ(s.code(), Code::kNotFound);
  EXPECT_EQ(s.message(), "user = nosuchuser: no such user");
}

TEST(DropPrivileges, NotRootAndAnotherUserIsRefused) {
  FakeOps ops;
  ops.uid = ops.euid = 1000;
  ops.gid = 1000;
  Status s = drop_privileges("nobody", ops);
  EXPECT_EQ(s.code(), Code::kFailedPrecondition);
  EXPECT_EQ(s.message(), "user = nobody: cannot switch to nobody (uid 65534) when not started as root (running as uid 1000)");
  EXPECT_EQ(ops.calls, std::vector<std::string>{"lookup nobody"}) << "no set*id call attempted";
}

TEST(DropPrivileges, NotRootButAlreadyThatUserGoesOn) {
  FakeOps ops;
  ops.uid = ops.euid = 65534;
  ops.gid = 65533;
  EXPECT_TRUE(drop_privileges("nobody", ops).ok());
  EXPECT_EQ(ops.calls, std::vector<std::string>{"lookup nobody"});
}

TEST(DropPrivileges, NotRootWithThatUidButAnotherGroupIsRefused) {
  FakeOps ops;
  ops.uid = ops.euid = 65534;
  ops.gid = 100;
  EXPECT_EQ(drop_privileges("nobody", ops).code(), Code::kFailedPrecondition);
}

}  // namespace
}  // namespace r53d::daemon
