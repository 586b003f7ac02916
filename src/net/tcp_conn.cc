// One TCP connection of the DNS listeners (net/server_internal.h): reading and framing
// pipelined requests, the idle timeout, writing replies back in order of completion, closing.
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "net/server_internal.h"

namespace r53d::net::detail {

TcpConn::TcpConn(Core& core, uint64_t id, int fd, const SocketAddress& client, const SocketAddress& local)
    : core_(core), id_(id), fd_(fd), client_(client), local_(local) {}

TcpConn::~TcpConn() {
  read_io_.reset();
  write_io_.reset();
  if (fd_ >= 0) ::close(fd_);
}

void TcpConn::start() {
  read_io_ = std::make_unique<loop::IoEvent>(core_.loop(), fd_, EV_READ, [this](short) { on_readable(); });
  write_io_ = std::make_unique<loop::IoEvent>(core_.loop(), fd_, EV_WRITE, [this](short) { on_writable(); });
  idle_ = std::make_unique<loop::Timer>(core_.loop(), [this] { on_idle(); });
  read_io_->enable();
  arm_idle();
}

void TcpConn::arm_idle() { idle_->start_once(core_.options().tcp_idle_timeout_ms); }

void TcpConn::on_idle() {
  if (closed()) return;
  if (pending_ > 0 || unsent_ > 0) {
    // The client waits for an asynchronous answer (or is reading it): not idle.
    arm_idle();
    return;
  }
  ++core_.counters().tcp_closed_idle;
  close("idle timeout");
}

void TcpConn::on_readable() {
  if (closed()) return;
  // Level-triggered: read one chunk per callback; libevent calls again while data remains.
  size_t old = in_.size();
  in_.resize(old + kTcpReadChunk);
  ssize_t n = ::recv(fd_, in_.data() + old, kTcpReadChunk, 0);
  if (n < 0) {
    in_.resize(old);
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
    close(("read error: " + errno_text(errno)).c_str());
    return;
  }
  in_.resize(old + static_cast<size_t>(n));
  if (n == 0) {
    read_eof_ = true;
    read_io_->disable();
    if (!in_.empty()) {
      close("connection closed in the middle of a message");
      return;
    }
    maybe_finish();
    return;
  }
  parse_messages();
}

void TcpConn::parse_messages() {
  // The handler may answer inside dispatch_tcp(), which calls request_done(): do not re-enter.
  if (parsing_) return;
  parsing_ = true;
  size_t off = 0;
  while (!closed() && !stopped_ && pending_ < core_.options().max_tcp_pipelined && in_.size() - off >= 2) {
    size_t len = (size_t{in_[off]} << 8) | in_[off + 1];
    if (len > core_.options().max_tcp_message) {
      ++core_.counters().tcp_closed_oversize;
      parsing_ = false;
      close(("message of " + std::to_string(len) + " octets exceeds the limit of " +
             std::to_string(core_.options().max_tcp_message)).c_str());
      return;
    }
    if (in_.size() - off - 2 < len) break;
    std::vector<uint8_t> msg(in_.begin() + off + 2, in_.begin() + off + 2 + len);
    off += 2 + len;
    arm_idle();  // a complete message is activity; a trickle of bytes is not
    auto hdr = dns::read_header(msg);
    if (!hdr || hdr->qr()) {
      ++core_.counters().tcp_dropped_garbage;
      core_.garbage(Transport::kTcp, client_, hdr ? "a response (QR set)" : "shorter than a DNS header");
      continue;
    }
    ++pending_;
    ++core_.counters().tcp_messages;
    core_.dispatch_tcp(*this, std::move(msg), client_, local_);  // may respond (and even close) at once
  }
  parsing_ = false;
  if (closed()) return;
  in_.erase(in_.begin(), in_.begin() + static_cast<std::ptrdiff_t>(off));
  update_reading();
}

void TcpConn::update_reading() {
  if (closed() || read_eof_) return;
  bool want = !stopped_ && pending_ < core_.options().max_tcp_pipelined;
  if (want && !read_io_->enabled()) read_io_->enable();
  if (!want && read_io_->enabled()) read_io_->disable();
}

void TcpConn::send(const std::vector<uint8_t>& wire) {
  if (closed()) return;
  std::vector<uint8_t> frame;
  frame.reserve(wire.size() + 2);
  frame.push_back(static_cast<uint8_t>(wire.size() >> 8));
  frame.push_back(static_cast<uint8_t>(wire.size()));
  frame.insert(frame.end(), wire.begin(), wire.end());
  unsent_ += frame.size();
  out_.push_back(std::move(frame));
  if (unsent_ > core_.options().max_tcp_unsent) {
    ++core_.counters().tcp_closed_unsent;
    close("client does not read its replies");
    return;
  }
  on_writable();
}

void TcpConn::on_writable() {
  while (!closed() && !out_.empty()) {
    auto& f = out_.front();
    ssize_t n = ::send(fd_, f.data() + out_offset_, f.size() - out_offset_, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        if (!write_io_->enabled()) write_io_->enable();
        return;
      }
      close(("write error: " + errno_text(errno)).c_str());
      return;
    }
    out_offset_ += static_cast<size_t>(n);
    unsent_ -= static_cast<size_t>(n);
    if (out_offset_ == f.size()) {
      out_.pop_front();
      out_offset_ = 0;
      arm_idle();
    }
  }
  if (closed()) return;
  if (write_io_->enabled()) write_io_->disable();
  maybe_finish();
}

void TcpConn::request_done() {
  if (closed()) return;
  if (pending_ > 0) --pending_;
  if (parsing_) return;  // the parse loop in progress picks up from here
  if (!in_.empty() && !stopped_) {
    // Pipelined messages buffered while at the cap: parse them after this callback, so that
    // Responder::respond() never calls back into the Handler.
    core_.schedule_parse(id_);
  } else {
    update_reading();
  }
  maybe_finish();
}

void TcpConn::maybe_finish() {
  if (closed()) return;
  // The client closed its side (or we are shutting down): close once everything is answered.
  if ((read_eof_ || stopped_) && pending_ == 0 && out_.empty()) close(read_eof_ ? "closed by client" : "shutdown");
}

void TcpConn::stop_reading() {
  stopped_ = true;
  if (read_io_) read_io_->disable();
  maybe_finish();
}

void TcpConn::close(const char* why) {
  if (closed()) return;
  log::debug("tcp %s (conn %llu): %s", client_.client_string().c_str(), static_cast<unsigned long long>(id_), why);
  read_io_->disable();
  write_io_->disable();
  idle_->cancel();
  ::close(fd_);
  fd_ = -1;
  core_.conn_closed(*this);  // frees this object at the end of the turn
}

}  // namespace r53d::net::detail
