// Outgoing DNS calls: UDP with retransmission and TCP fallback, TCP queries and reply streams,
// with timeouts, caps and cancellation. See dns_client.h.
#include "net/dns_client.h"

#include <event2/event.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>

#include "dns/wire.h"
#include "loop/io_event.h"
#include "loop/timer.h"
#include "util/log.h"

namespace r53d::net {
namespace detail {

namespace {

constexpr size_t kReadChunk = 64 * 1024;
constexpr int kReadsPerCallback = 8;      // then yield to other events (level-triggered: we come back)
constexpr int kDatagramsPerCallback = 16;

std::string errno_text(int e) { return std::strerror(e); }

// The question of a message: canonical name, type, class.
struct Question {
  std::vector<uint8_t> name;
  uint16_t type = 0;
  uint16_t qclass = 0;
  bool operator==(const Question&) const = default;
};

// The first question of `wire`, nullopt if it has none or it cannot be read.
std::optional<Question> first_question(std::span<const uint8_t> wire) {
  auto h = dns::read_header(wire);
  if (!h || h->qdcount == 0) return std::nullopt;
  dns::WireReader r(wire, dns::kHeaderSize);
  Question q;
  q.name = r.name_canonical();
  q.type = r.u16();
  q.qclass = r.u16();
  if (!r.ok()) return std::nullopt;
  return q;
}

}  // namespace

class Call {
 public:
  enum class Mode { kQuery, kQueryTcp, kStream };
  enum class State { kIdle, kUdp, kConnecting, kTcp, kDone };

  Call(loop::EventBase& loop, Mode mode, const SocketAddress& server, std::vector<uint8_t> request,
       const DnsCallOptions& options)
      : loop_(loop), mode_(mode), server_(server), request_(std::move(request)), opt_(options),
        later_(loop, [this] { on_later(); }),
        try_timer_(loop, [this] { on_udp_timeout(); }),
        connect_timer_(loop, [this] { on_connect_timeout(); }),
        idle_timer_(loop, [this] { on_idle_timeout(); }),
        total_timer_(loop, [this] { on_total_timeout(); }) {}
  ~Call() { close_socket(); }
  Call(const Call&) = delete;
  Call& operator=(const Call&) = delete;

  void start();
  void cancel() {
    state_ = State::kDone;
    close_socket();
    cancel_timers();
  }
  bool active() const { return state_ != State::kDone; }
  loop::EventBase& loop() { return loop_; }

  DnsClient::ReplyCallback reply_cb_;
  DnsClient::MessageCallback message_cb_;
  DnsClient::EndCallback end_cb_;

 private:
  void start_udp();
  void send_udp();
  void on_udp_readable();
  void on_udp_timeout();
  void start_tcp();
  void on_tcp_io(short what);
  void on_connected();
  void write_some();
  void read_some();
  void parse_frames();
  void deliver(std::span<const uint8_t> msg);
  void on_eof();
  void on_connect_timeout() { fail(Status::deadline_exceeded("connect timed out after " + std::to_string(opt_.connect_timeout_ms) + " ms")); }
  void on_idle_timeout() {
    fail(Status::deadline_exceeded("idle for " + std::to_string(opt_.idle_timeout_ms) + " ms after " +
                                   std::to_string(messages_) + " messages"));
  }
  void on_total_timeout();
  void on_later() { fail(pending_failure_); }

  // Why `reply` is not the answer to request_ (empty if it is).
  std::string mismatch(std::span<const uint8_t> reply) const;
  // Opens a socket of `type` bound to the source (if any) and connects it. -1 and `err` on failure.
  int open_socket(int type, Status& err);
  void fail_soon(Status s) {
    pending_failure_ = std::move(s);
    later_.start_once(0);
  }
  void fail(Status s);
  void complete(Result<DnsReply> r);
  void finish_stream(Status s, bool closed_by_peer);
  void close_socket();
  void cancel_timers() {
    later_.cancel();
    try_timer_.cancel();
    connect_timer_.cancel();
    idle_timer_.cancel();
    total_timer_.cancel();
  }

  loop::EventBase& loop_;
  Mode mode_;
  SocketAddress server_;
  std::vector<uint8_t> request_;
  DnsCallOptions opt_;
  State state_ = State::kIdle;
  int fd_ = -1;
  std::unique_ptr<loop::IoEvent> io_;
  loop::Timer later_, try_timer_, connect_timer_, idle_timer_, total_timer_;
  Status pending_failure_;
  std::optional<Question> question_;
  uint16_t id_ = 0;
  int udp_sends_ = 0;
  bool truncated_udp_ = false;
  std::vector<uint8_t> out_;  // framed request
  size_t out_pos_ = 0;
  std::vector<uint8_t> in_;
  size_t in_pos_ = 0;
  size_t messages_ = 0;
  size_t bytes_ = 0;
};

void Call::start() {
  if (request_.size() < dns::kHeaderSize || request_.size() > dns::kMaxMessageSize) {
    fail_soon(Status::invalid_argument("request of " + std::to_string(request_.size()) + " octets"));
    return;
  }
  id_ = static_cast<uint16_t>(request_[0] << 8 | request_[1]);
  question_ = first_question(request_);
  total_timer_.start_once(opt_.total_timeout_ms);
  if (mode_ == Mode::kQuery) {
    start_udp();
  } else {
    start_tcp();
  }
}

int Call::open_socket(int type, Status& err) {
  int fd = ::socket(server_.family(), type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    err = Status::internal(std::string("socket: ") + errno_text(errno));
    return -1;
  }
  if (opt_.source) {
    if (opt_.source->family() != server_.family()) {
      ::close(fd);
      err = Status::invalid_argument("source address " + opt_.source->to_string() + " is not of the server's family");
      return -1;
    }
    if (::bind(fd, opt_.source->sa(), opt_.source->len) != 0) {
      int e = errno;
      ::close(fd);
      err = Status::unavailable("bind to " + opt_.source->to_string() + ": " + errno_text(e));
      return -1;
    }
  }
  if (::connect(fd, server_.sa(), server_.len) != 0 && errno != EINPROGRESS) {
    int e = errno;
    ::close(fd);
    err = Status::unavailable("connect: " + errno_text(e));
    return -1;
  }
  return fd;
}

void Call::close_socket() {
  if (io_) {
    io_->disable();
    // Possibly inside io_'s own callback: free it after the callback returns.
    loop_.defer_delete(std::move(io_));
  }
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

// --- UDP -------------------------------------------------------------------------------------------

void Call::start_udp() {
  Status err;
  // A connected UDP socket: the kernel drops datagrams from other sources and reports ICMP port
  // unreachable as ECONNREFUSED; on_udp_readable() checks the source again anyway.
  fd_ = open_socket(SOCK_DGRAM, err);
  if (fd_ < 0) {
    fail_soon(err);
    return;
  }
  state_ = State::kUdp;
  io_ = std::make_unique<loop::IoEvent>(loop_, fd_, EV_READ, [this](short) { on_udp_readable(); });
  io_->enable();
  send_udp();
}

void Call::send_udp() {
  ssize_t n = ::send(fd_, request_.data(), request_.size(), 0);
  if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != ENOBUFS) {
    // ENOBUFS/EAGAIN: the datagram is lost like one dropped on the way; the timer retransmits.
    fail_soon(Status::unavailable("send: " + errno_text(errno)));
    return;
  }
  ++udp_sends_;
  int shift = std::min(udp_sends_ - 1, 20);
  try_timer_.start_once(opt_.udp_timeout_ms << shift);
}

void Call::on_udp_timeout() {
  if (state_ != State::kUdp) return;
  if (udp_sends_ < std::max(opt_.udp_tries, 1)) {
    send_udp();
    return;
  }
  fail(Status::deadline_exceeded("no reply to " + std::to_string(udp_sends_) + " UDP queries"));
}

void Call::on_udp_readable() {
  std::vector<uint8_t> buf(dns::kMaxMessageSize);
  for (int i = 0; i < kDatagramsPerCallback && state_ == State::kUdp; ++i) {
    SocketAddress from;
    from.len = sizeof from.storage;
    ssize_t n = ::recvfrom(fd_, buf.data(), buf.size(), 0, from.sa(), &from.len);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
      if (errno == ECONNREFUSED) {
        fail(Status::unavailable("port unreachable (" + errno_text(errno) + ")"));
      } else {
        fail(Status::unavailable("recv: " + errno_text(errno)));
      }
      return;
    }
    std::span<const uint8_t> reply(buf.data(), static_cast<size_t>(n));
    if (!same_endpoint(from, server_)) {
      log::debug("dns client: ignored a datagram from %s (asked %s)", from.to_string().c_str(), server_.to_string().c_str());
      continue;
    }
    std::string why = mismatch(reply);
    if (!why.empty()) {
      log::debug("dns client: ignored a datagram from %s: %s", from.to_string().c_str(), why.c_str());
      continue;
    }
    if (dns::read_header(reply)->flags & dns::kFlagTc) {
      // RFC 1035 §4.2.1, RFC 7766 §5: truncated, ask again over TCP at once.
      truncated_udp_ = true;
      try_timer_.cancel();
      close_socket();
      start_tcp();
      return;
    }
    DnsReply r;
    r.wire.assign(reply.begin(), reply.end());
    r.transport = Transport::kUdp;
    r.udp_sends = udp_sends_;
    complete(std::move(r));
    return;
  }
}

std::string Call::mismatch(std::span<const uint8_t> reply) const {
  auto h = dns::read_header(reply);
  if (!h) return "shorter than a DNS header";
  if (!h->qr()) return "QR clear";
  if (h->id != id_) return "ID " + std::to_string(h->id) + ", expected " + std::to_string(id_);
  auto q = first_question(reply);
  if (h->qdcount == 0 && h->rcode() != dns::kNoError) return {};  // error replies may omit it
  if (h->qdcount != 1 || !q) return "question count " + std::to_string(h->qdcount);
  if (!question_ || !(*q == *question_)) return "another question (" + dns::name_to_text(q->name) + ")";
  return {};
}

// --- TCP -------------------------------------------------------------------------------------------

void Call::start_tcp() {
  Status err;
  fd_ = open_socket(SOCK_STREAM, err);
  if (fd_ < 0) {
    fail_soon(err);
    return;
  }
  state_ = State::kConnecting;
  out_.clear();
  dns::put_u16(out_, static_cast<uint16_t>(request_.size()));
  out_.insert(out_.end(), request_.begin(), request_.end());
  out_pos_ = 0;
  io_ = std::make_unique<loop::IoEvent>(loop_, fd_, EV_WRITE, [this](short what) { on_tcp_io(what); });
  io_->enable();
  connect_timer_.start_once(opt_.connect_timeout_ms);
}

void Call::on_tcp_io(short what) {
  if (state_ == State::kConnecting) {
    if (!(what & EV_WRITE)) return;
    int e = 0;
    socklen_t len = sizeof e;
    if (::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &e, &len) != 0) e = errno;
    if (e != 0) {
      fail(Status::unavailable("connect: " + errno_text(e)));
      return;
    }
    on_connected();
    return;
  }
  if (state_ != State::kTcp) return;
  if (what & EV_WRITE) write_some();
  if (state_ == State::kTcp && (what & EV_READ)) read_some();
}

void Call::on_connected() {
  connect_timer_.cancel();
  state_ = State::kTcp;
  idle_timer_.start_once(opt_.idle_timeout_ms);
  write_some();
}

void Call::write_some() {
  while (out_pos_ < out_.size()) {
    ssize_t n = ::send(fd_, out_.data() + out_pos_, out_.size() - out_pos_, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) break;
      fail(Status::unavailable("send: " + errno_text(errno)));
      return;
    }
    out_pos_ += static_cast<size_t>(n);
  }
  io_->set_interest(out_pos_ < out_.size() ? EV_READ | EV_WRITE : EV_READ);
}

void Call::read_some() {
  for (int i = 0; i < kReadsPerCallback && state_ == State::kTcp; ++i) {
    size_t old = in_.size();
    in_.resize(old + kReadChunk);
    ssize_t n = ::recv(fd_, in_.data() + old, kReadChunk, 0);
    in_.resize(old + (n > 0 ? static_cast<size_t>(n) : 0));
    if (n < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) return;
      if (errno == ECONNRESET) {
        fail(Status::unavailable("connection reset by the server after " + std::to_string(messages_) + " messages"));
      } else {
        fail(Status::unavailable("recv: " + errno_text(errno)));
      }
      return;
    }
    if (n == 0) {
      on_eof();
      return;
    }
    bytes_ += static_cast<size_t>(n);
    if (bytes_ > opt_.max_stream_bytes) {
      fail(Status::resource_exhausted("more than " + std::to_string(opt_.max_stream_bytes) + " octets received"));
      return;
    }
    idle_timer_.start_once(opt_.idle_timeout_ms);
    parse_frames();
  }
}

void Call::parse_frames() {
  while (state_ == State::kTcp && in_.size() - in_pos_ >= 2) {
    size_t len = size_t{in_[in_pos_]} << 8 | in_[in_pos_ + 1];
    if (len < dns::kHeaderSize) {
      fail(Status::invalid_argument("message length " + std::to_string(len) + " is shorter than a DNS header"));
      return;
    }
    if (len > opt_.max_message_size) {
      fail(Status::resource_exhausted("message of " + std::to_string(len) + " octets exceeds the limit of " +
                                      std::to_string(opt_.max_message_size)));
      return;
    }
    if (in_.size() - in_pos_ < 2 + len) break;
    std::span<const uint8_t> msg(in_.data() + in_pos_ + 2, len);
    in_pos_ += 2 + len;
    ++messages_;
    deliver(msg);
  }
  if (state_ != State::kTcp) return;
  // Keep the unparsed tail at the front (cheap: at most one partial message).
  in_.erase(in_.begin(), in_.begin() + static_cast<std::ptrdiff_t>(in_pos_));
  in_pos_ = 0;
}

void Call::deliver(std::span<const uint8_t> msg) {
  if (mode_ == Mode::kStream) {
    StreamStep step = message_cb_(msg);  // may cancel this call
    if (state_ != State::kTcp) return;
    if (step.action == StreamStep::Action::kDone) {
      finish_stream(Status(), false);
    } else if (step.action == StreamStep::Action::kAbort) {
      finish_stream(step.error.ok() ? Status::internal("stream aborted without a reason") : std::move(step.error), false);
    }
    return;
  }
  std::string why = mismatch(msg);
  if (!why.empty()) {
    fail(Status::invalid_argument("reply over TCP does not match the query: " + why));
    return;
  }
  DnsReply r;
  r.wire.assign(msg.begin(), msg.end());
  r.transport = Transport::kTcp;
  r.udp_sends = udp_sends_;
  r.truncated_udp = truncated_udp_;
  complete(std::move(r));
}

void Call::on_eof() {
  std::string where = in_.size() > in_pos_ ? " in the middle of a message" : "";
  if (mode_ == Mode::kStream) {
    finish_stream(Status::unavailable("connection closed by the server after " + std::to_string(messages_) +
                                      " messages" + where),
                  true);
  } else {
    fail(Status::unavailable("connection closed by the server before the reply" + where));
  }
}

void Call::on_total_timeout() {
  if (mode_ == Mode::kStream) {
    fail(Status::deadline_exceeded("not finished within " + std::to_string(opt_.total_timeout_ms) + " ms (" +
                                   std::to_string(messages_) + " messages)"));
  } else {
    fail(Status::deadline_exceeded("no reply within " + std::to_string(opt_.total_timeout_ms) + " ms"));
  }
}

// --- Completion ------------------------------------------------------------------------------------

void Call::fail(Status s) {
  if (mode_ == Mode::kStream) {
    finish_stream(std::move(s), false);
  } else {
    complete(std::move(s));
  }
}

void Call::complete(Result<DnsReply> r) {
  if (state_ == State::kDone) return;
  cancel();
  auto cb = std::move(reply_cb_);
  if (cb) cb(std::move(r));
}

void Call::finish_stream(Status s, bool closed_by_peer) {
  if (state_ == State::kDone) return;
  cancel();
  StreamEnd end;
  end.status = std::move(s);
  end.closed_by_peer = closed_by_peer;
  end.messages = messages_;
  end.bytes = bytes_;
  auto cb = std::move(end_cb_);
  if (cb) cb(std::move(end));
}

}  // namespace detail

// --- DnsCall / DnsClient -----------------------------------------------------------------------------

DnsCall::DnsCall(std::unique_ptr<detail::Call> call) : call_(std::move(call)) {}
DnsCall::DnsCall() noexcept = default;
DnsCall::DnsCall(DnsCall&& o) noexcept = default;

DnsCall& DnsCall::operator=(DnsCall&& o) noexcept {
  if (this != &o) {
    DnsCall old(std::move(*this));  // cancelled and freed when `old` goes
    call_ = std::move(o.call_);
  }
  return *this;
}

DnsCall::~DnsCall() {
  if (!call_) return;
  call_->cancel();
  // Possibly inside one of the call's own callbacks: free it at the end of the loop turn.
  loop::EventBase& loop = call_->loop();
  loop.defer_delete(std::move(call_));
}

void DnsCall::cancel() {
  if (call_) call_->cancel();
}

bool DnsCall::active() const { return call_ && call_->active(); }

DnsCall DnsClient::query(const SocketAddress& server, std::vector<uint8_t> request, const DnsCallOptions& options,
                         ReplyCallback done) {
  auto call = std::make_unique<detail::Call>(loop_, detail::Call::Mode::kQuery, server, std::move(request), options);
  call->reply_cb_ = std::move(done);
  call->start();
  return DnsCall(std::move(call));
}

DnsCall DnsClient::query_tcp(const SocketAddress& server, std::vector<uint8_t> request, const DnsCallOptions& options,
                             ReplyCallback done) {
  auto call = std::make_unique<detail::Call>(loop_, detail::Call::Mode::kQueryTcp, server, std::move(request), options);
  call->reply_cb_ = std::move(done);
  call->start();
  return DnsCall(std::move(call));
}

DnsCall DnsClient::stream(const SocketAddress& server, std::vector<uint8_t> request, const DnsCallOptions& options,
                          MessageCallback on_message, EndCallback done) {
  auto call = std::make_unique<detail::Call>(loop_, detail::Call::Mode::kStream, server, std::move(request), options);
  call->message_cb_ = std::move(on_message);
  call->end_cb_ = std::move(done);
  call->start();
  return DnsCall(std::move(call));
}

}  // namespace r53d::net
