// Atomic state-file I/O of route53-sim.
#include "sim/state_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace r53d::sim {
namespace {

Status errno_status(const std::string& what) {
  return Status::internal(what + ": " + std::strerror(errno));
}

}  // namespace

Result<std::string> read_state_file(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return Status::not_found(path + ": no such file");
    return errno_status(path);
  }
  std::string out;
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      Status s = errno_status(path);
      close(fd);
      return s;
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return out;
}

Status write_state_file(const std::string& path, const std::string& contents) {
  std::string dir = ".";
  auto slash = path.rfind('/');
  if (slash != std::string::npos) dir = slash == 0 ? "/" : path.substr(0, slash);
  std::string tmp = path + ".tmp." + std::to_string(getpid());
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return errno_status(tmp);
  size_t off = 0;
  while (off < contents.size()) {
    ssize_t n = write(fd, contents.data() + off, contents.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      Status s = errno_status(tmp);
      close(fd);
      unlink(tmp.c_str());
      return s;
    }
    off += static_cast<size_t>(n);
  }
  bool synced = fsync(fd) == 0;
  Status sync_status = synced ? Status() : errno_status(tmp);
  if (close(fd) != 0 && synced) sync_status = errno_status(tmp);
  if (!sync_status.ok()) {
    unlink(tmp.c_str());
    return sync_status;
  }
  if (rename(tmp.c_str(), path.c_str()) != 0) {
    Status s = errno_status(path);
    unlink(tmp.c_str());
    return s;
  }
  int dfd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    (void)fsync(dfd);  // best effort: the rename is already visible
    close(dfd);
  }
  return {};
}

}  // namespace r53d::sim
