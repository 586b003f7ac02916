// route53-sim HTTP server: evhttp plumbing, request pipeline, delayed answers, resets, stats.
#include "sim/server.h"

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/keyvalq_struct.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <chrono>
#include <cstring>
#include <exception>

#include "sim/state_file.h"
#include "util/log.h"

namespace r53d::sim {
namespace {

constexpr size_t kMaxBodyBytes = 16 * 1024 * 1024;  // 1,000 records x 4,000 chars fit easily

const char* reason_phrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
  }
  return "Unknown";
}

const char* method_name(evhttp_cmd_type t) {
  switch (t) {
    case EVHTTP_REQ_GET: return "GET";
    case EVHTTP_REQ_POST: return "POST";
    case EVHTTP_REQ_HEAD: return "HEAD";
    case EVHTTP_REQ_PUT: return "PUT";
    case EVHTTP_REQ_DELETE: return "DELETE";
    case EVHTTP_REQ_OPTIONS: return "OPTIONS";
    case EVHTTP_REQ_TRACE: return "TRACE";
    case EVHTTP_REQ_CONNECT: return "CONNECT";
    case EVHTTP_REQ_PATCH: return "PATCH";
  }
  return "?";
}

uint64_t splitmix64(uint64_t& s) {
  uint64_t z = (s += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

double elapsed_ms(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

struct Server::Pending {
  Server* server = nullptr;
  evhttp_request* req = nullptr;
  evhttp_connection* conn = nullptr;
  EventPtr timer;
  bool reset = false;
  int status = 0;
  std::string body;
  std::string location;
  std::string request_id;
};

Server::Server(event_base* base, const Options& options, Store& store, const Clock& clock)
    : base_(base),
      options_(options),
      store_(store),
      clock_(clock),
      api_(store),
      auth_(options.credentials, clock),
      rate_(options.rate, options.burst, clock),
      faults_(options.faults,
              options.seed ? make_seeded_rng(options.seed) : make_system_rng()),
      rid_state_(static_cast<uint64_t>(clock.wall_ms()) ^ 0x5eed5eed5eedULL) {}

Server::~Server() {
  pending_.clear();  // timers first; the connections go with http_
  http_.reset();
}

Status Server::start() {
  http_.reset(evhttp_new(base_));
  if (!http_) return Status::internal("evhttp_new failed");
  evhttp_set_allowed_methods(http_.get(), EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_DELETE |
                                              EVHTTP_REQ_PUT | EVHTTP_REQ_HEAD);
  evhttp_set_max_body_size(http_.get(), kMaxBodyBytes);
  evhttp_set_timeout(http_.get(), 120);
  evhttp_set_gencb(http_.get(), &Server::on_request_cb, this);
  evhttp_bound_socket* bound =
      evhttp_bind_socket_with_handle(http_.get(), options_.listen_host.c_str(),
                                     static_cast<uint16_t>(options_.listen_port));
  if (!bound) {
    return Status::unavailable("cannot listen on " + options_.listen_host + ":" +
                               std::to_string(options_.listen_port) + ": " + std::strerror(errno));
  }
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (getsockname(evhttp_bound_socket_get_fd(bound), reinterpret_cast<sockaddr*>(&ss), &len) != 0) {
    return Status::internal(std::string("getsockname: ") + std::strerror(errno));
  }
  port_ = ss.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port)
                                   : ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  return {};
}

std::string Server::address() const {
  bool v6 = options_.listen_host.find(':') != std::string::npos;
  return (v6 ? "[" + options_.listen_host + "]" : options_.listen_host) + ":" +
         std::to_string(port_);
}

std::string Server::new_request_id() {
  uint64_t a = splitmix64(rid_state_);
  uint64_t b = splitmix64(rid_state_);
  // UUID version 4 layout, as Route 53 request IDs look.
  a = (a & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
  b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  char buf[40];
  snprintf(buf, sizeof buf, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(a >> 32),
           static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xffff),
           static_cast<unsigned>(b >> 48),
           static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

Status Server::save_state() {
  if (options_.state_file.empty()) return {};
  return write_state_file(options_.state_file, store_.to_json());
}

void Server::on_request_cb(evhttp_request* req, void* arg) noexcept {
  auto* self = static_cast<Server*>(arg);
  try {
    self->on_request(req);
  } catch (const std::exception& e) {
    log::error("request failed: %s", e.what());
    std::string rid = self->new_request_id();
    self->reply(req, 500, error_body(500, "InternalFailure", "We encountered an internal error. Please try again.", rid),
                "", rid, 0);
  }
}

void Server::on_timer_cb(evutil_socket_t, short, void* arg) noexcept {
  auto* p = static_cast<Pending*>(arg);
  try {
    p->server->on_timer(p);
  } catch (const std::exception& e) {
    log::error("delayed answer failed: %s", e.what());
  }
}

void Server::on_close_cb(evhttp_connection* conn, void* arg) noexcept {
  // The connection is going away (peer closed or evhttp freed it): forget what we planned for it.
  static_cast<Server*>(arg)->pending_.erase(conn);
}

void Server::schedule(std::unique_ptr<Pending> p, int64_t delay_ms) {
  p->server = this;
  p->conn = evhttp_request_get_connection(p->req);
  p->timer.reset(evtimer_new(base_, &Server::on_timer_cb, p.get()));
  timeval tv{static_cast<time_t>(delay_ms / 1000), static_cast<suseconds_t>((delay_ms % 1000) * 1000)};
  evtimer_add(p->timer.get(), &tv);
  evhttp_connection_set_closecb(p->conn, &Server::on_close_cb, this);
  pending_[p->conn] = std::move(p);
}

void Server::on_timer(Pending* p) {
  auto node = pending_.extract(p->conn);
  if (node.empty()) return;
  std::unique_ptr<Pending> owned = std::move(node.mapped());
  evhttp_connection_set_closecb(owned->conn, nullptr, nullptr);
  if (owned->reset) {
    evhttp_connection_free(owned->conn);  // SO_LINGER 0 was set: the peer sees a reset
    return;
  }
  reply(owned->req, owned->status, owned->body, owned->location, owned->request_id, 0);
}

void Server::reset_connection(evhttp_request* req, int64_t delay_ms) {
  evhttp_connection* conn = evhttp_request_get_connection(req);
  int fd = bufferevent_getfd(evhttp_connection_get_bufferevent(conn));
  linger l{1, 0};
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  // Freeing the connection inside its own request callback is unsafe: do it on the next turn.
  auto p = std::make_unique<Pending>();
  p->req = req;
  p->reset = true;
  schedule(std::move(p), delay_ms);
}

void Server::reply(evhttp_request* req, int status, const std::string& body,
                   const std::string& location, const std::string& request_id, int64_t delay_ms) {
  if (delay_ms > 0) {
    auto p = std::make_unique<Pending>();
    p->req = req;
    p->status = status;
    p->body = body;
    p->location = location;
    p->request_id = request_id;
    schedule(std::move(p), delay_ms);
    return;
  }
  evkeyvalq* h = evhttp_request_get_output_headers(req);
  evhttp_add_header(h, "Content-Type", "text/xml");
  evhttp_add_header(h, "x-amzn-RequestId", request_id.c_str());
  if (!location.empty()) evhttp_add_header(h, "Location", location.c_str());
  evbuffer_add(evhttp_request_get_output_buffer(req), body.data(), body.size());
  evhttp_send_reply(req, status, reason_phrase(status), nullptr);
}

void Server::serve_stats(evhttp_request* req) {
  StoreStats ss = store_.stats();
  Stats s = stats_;
  std::string body = s.to_json(ss.zones, ss.rrsets);
  evkeyvalq* h = evhttp_request_get_output_headers(req);
  evhttp_add_header(h, "Content-Type", "application/json");
  evbuffer_add(evhttp_request_get_output_buffer(req), body.data(), body.size());
  evhttp_send_reply(req, 200, "OK", nullptr);
}

void Server::on_request(evhttp_request* req) {
  auto t0 = std::chrono::steady_clock::now();
  // evhttp leaves Nagle on: a multi-segment answer would then wait for the client's delayed ACK
  // (~40 ms per page of ListResourceRecordSets). evhttp 2.1 has no accept hook, so set it here.
  if (evhttp_connection* conn = evhttp_request_get_connection(req)) {
    int fd = bufferevent_getfd(evhttp_connection_get_bufferevent(conn));
    int one = 1;
    if (fd >= 0) setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  const char* method = method_name(evhttp_request_get_command(req));
  std::string uri = evhttp_request_get_uri(req);
  // Absolute-form request target ("http://host/path"): keep the path.
  if (uri.rfind("http://", 0) == 0 || uri.rfind("https://", 0) == 0) {
    auto slash = uri.find('/', uri.find("//") + 2);
    uri = slash == std::string::npos ? "/" : uri.substr(slash);
  }
  std::string raw_path = uri;
  std::string raw_query;
  if (auto q = uri.find('?'); q != std::string::npos) {
    raw_path = uri.substr(0, q);
    raw_query = uri.substr(q + 1);
  }
  if (raw_path == "/_sim/stats") {
    serve_stats(req);
    return;
  }

  Route rt = route(method, raw_path);
  stats_.count_request(rt.op);
  std::string rid = new_request_id();
  int64_t latency = faults_.latency_ms();
  Fault fault = faults_.enabled() ? faults_.draw() : Fault::kNone;

  auto finish = [&](int status, const std::string& body, const std::string& location,
                    const std::string& code, const std::string& zone) {
    if (fault == Fault::kLost) {
      // Carried out (and counted) like any request; only the answer never reaches the client.
      ++stats_.faults;
      ++stats_.faults_lost;
      if (!options_.quiet) log::info("%s %s zone=%s status=%d%s%s answer lost (injected reset)", method,
                                     rt.op.c_str(), zone.empty() ? "-" : zone.c_str(), status,
                                     code.empty() ? "" : " ", code.c_str());
      reset_connection(req, latency);
      return;
    }
    reply(req, status, body, location, rid, latency);
    if (!options_.quiet) {
      log::info("%s %s zone=%s status=%d%s%s %.2fms%s", method, rt.op.c_str(),
                zone.empty() ? "-" : zone.c_str(), status, code.empty() ? "" : " ",
                code.c_str(), elapsed_ms(t0),
                latency > 0 ? (" +" + std::to_string(latency) + "ms latency").c_str() : "");
    }
  };
  auto fail = [&](int status, const std::string& code, const std::string& message) {
    finish(status, error_body(status, code, message, rid), "", code, rt.id);
  };

  // 1. Injected connection reset: no answer at all.
  if (fault == Fault::kReset) {
    ++stats_.faults;
    ++stats_.faults_reset;
    if (!options_.quiet) log::info("%s %s zone=%s reset (injected)", method, rt.op.c_str(),
                                   rt.id.empty() ? "-" : rt.id.c_str());
    reset_connection(req, 0);
    return;
  }

  // 2. SigV4.
  r53::SignableRequest sreq;
  sreq.method = method;
  sreq.path = raw_path;
  if (!raw_query.empty()) {
    auto q = r53::parse_query(raw_query);
    if (!q.ok()) {
      fail(400, "InvalidInput", "Invalid request: malformed query string");
      return;
    }
    sreq.query = std::move(*q);
  }
  const evkeyvalq* in_headers = evhttp_request_get_input_headers(req);
  for (const evkeyval* kv = in_headers->tqh_first; kv; kv = kv->next.tqe_next) {
    sreq.headers.emplace_back(kv->key, kv->value);
  }
  evbuffer* in = evhttp_request_get_input_buffer(req);
  size_t n = evbuffer_get_length(in);
  sreq.body.resize(n);
  if (n > 0) evbuffer_copyout(in, sreq.body.data(), n);

  AuthOutcome a = auth_.verify(sreq);
  if (!a.ok) {
    ++stats_.auth_failures;
    fail(a.http_status, a.code, a.message);
    return;
  }

  // 3. Rate limit per access key, then injected throttling and server errors.
  if (!rate_.allow(a.access_key_id)) {
    ++stats_.throttled;
    fail(400, "Throttling", "Rate exceeded");
    return;
  }
  if (fault == Fault::kThrottle) {
    ++stats_.throttled;
    ++stats_.faults;
    fail(400, "Throttling", "Rate exceeded");
    return;
  }
  if (fault == Fault::kError500 || fault == Fault::kError503) {
    ++stats_.faults;
    ++stats_.faults_error;
    if (fault == Fault::kError500) {
      fail(500, "InternalFailure", "We encountered an internal error. Please try again.");
    } else {
      fail(503, "ServiceUnavailable", "Service is unavailable. Please try again later.");
    }
    return;
  }

  // 4. The operation.
  ApiRequest areq;
  areq.query = std::move(sreq.query);
  areq.body = std::move(sreq.body);
  if (const std::string* host = find_header(sreq.headers, "Host")) areq.host = *host;
  areq.request_id = rid;
  areq.now_ms = clock_.wall_ms();
  int64_t records_before = store_.stats().records_changed;
  ApiResponse resp = api_.handle(rt, areq);
  if (rt.op == "ChangeResourceRecordSets") {
    if (resp.status == 200) {
      ++stats_.changes_accepted;
      stats_.records_changed += store_.stats().records_changed - records_before;
    } else {
      ++stats_.changes_rejected;
    }
  }
  if (resp.error_code == "PriorRequestNotComplete") ++stats_.prior_request_not_complete;
  if (resp.state_changed) {
    Status s = save_state();
    if (!s.ok()) log::error("cannot save state: %s", s.message().c_str());
  }
  finish(resp.status, resp.body, resp.location, resp.error_code, resp.zone_id);
}

}  // namespace r53d::sim
