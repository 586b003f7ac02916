// libcurl multi on the libevent loop: the socket/timer bridge and transfer bookkeeping.
#include "r53/http.h"

#include <event2/event.h>
#include <strings.h>

#include <cstring>
#include <exception>
#include <mutex>

#include "util/c_ptr.h"
#include "util/log.h"

namespace r53d::r53 {
namespace {

using EasyPtr = CPtr<CURL, &curl_easy_cleanup>;
using SlistPtr = CPtr<curl_slist, &curl_slist_free_all>;

std::string host_of(const std::string& url) {
  auto p = url.find("://");
  size_t b = p == std::string::npos ? 0 : p + 3;
  size_t e = url.find_first_of("/?#", b);
  return url.substr(b, e == std::string::npos ? std::string::npos : e - b);
}

void trim(std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  size_t e = s.find_last_not_of(" \t\r\n");
  s = b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

#if LIBCURL_VERSION_NUM >= 0x075000
// CURLOPT_PREREQFUNCTION: called each time curl is about to send the request on a connection.
int count_send_cb(void* clientp, char*, char*, int, int) noexcept {
  ++*static_cast<int*>(clientp);
  return CURL_PREREQFUNC_OK;
}
#endif

}  // namespace

std::string HttpResponse::header(std::string_view name) const {
  for (const auto& [k, v] : headers) {
    if (k.size() == name.size() && strncasecmp(k.data(), name.data(), k.size()) == 0) return v;
  }
  return "";
}

struct HttpClient::Transfer {
  uint64_t id = 0;
  EasyPtr easy;
  SlistPtr header_list;
  HttpRequest req;  // kept alive: curl reads the body from req.body without copying
  HttpResponse resp;
  Callback cb;
  size_t received = 0;  // header + body bytes, against req.max_response_bytes
  bool too_big = false;
  bool in_multi = false;  // added to the multi handle and not yet removed
  CURLcode result = CURLE_OK;
  char errbuf[CURL_ERROR_SIZE] = {0};
};

struct HttpClient::Socket {
  HttpClient* client = nullptr;
  curl_socket_t fd = CURL_SOCKET_BAD;
  event* ev = nullptr;  // owned
  ~Socket() {
    if (ev) event_free(ev);
  }
};

size_t HttpClient::write_body_cb(char* data, size_t size, size_t n, void* userp) noexcept {
  auto* t = static_cast<HttpClient::Transfer*>(userp);
  size_t len = size * n;
  if (t->received + len > t->req.max_response_bytes) {
    t->too_big = true;
    return 0;  // short write: curl aborts with CURLE_WRITE_ERROR
  }
  try {
    t->resp.body.append(data, len);
  } catch (const std::exception&) {
    return 0;
  }
  t->received += len;
  return len;
}

size_t HttpClient::write_header_cb(char* data, size_t size, size_t n, void* userp) noexcept {
  auto* t = static_cast<HttpClient::Transfer*>(userp);
  size_t len = size * n;
  if (t->received + len > t->req.max_response_bytes) {
    t->too_big = true;
    return 0;
  }
  t->received += len;
  try {
    std::string line(data, len);
    if (line.rfind("HTTP/", 0) == 0) {
      // A new status line (after 100 Continue or a 401 retry): only the final headers count.
      t->resp.headers.clear();
      return len;
    }
    auto colon = line.find(':');
    if (colon == std::string::npos) return len;  // the blank line that ends the block
    std::string name = line.substr(0, colon);
    std::string value = line.substr(colon + 1);
    trim(name);
    trim(value);
    t->resp.headers.emplace_back(std::move(name), std::move(value));
  } catch (const std::exception&) {
    return 0;
  }
  return len;
}

HttpClient::HttpClient(event_base* base) : base_(base) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  multi_ = curl_multi_init();
  curl_multi_setopt(multi_, CURLMOPT_SOCKETFUNCTION, &HttpClient::socket_cb);
  curl_multi_setopt(multi_, CURLMOPT_SOCKETDATA, this);
  curl_multi_setopt(multi_, CURLMOPT_TIMERFUNCTION, &HttpClient::timer_cb);
  curl_multi_setopt(multi_, CURLMOPT_TIMERDATA, this);
  // Keep enough idle connections for bursts of concurrent requests to one endpoint.
  curl_multi_setopt(multi_, CURLMOPT_MAXCONNECTS, 32L);
  timer_ = evtimer_new(base_, &HttpClient::on_timer_event_cb, this);
  deferred_ = evtimer_new(base_, &HttpClient::on_deferred_event_cb, this);
}

HttpClient::~HttpClient() {
  // Easy handles leave the multi before either is freed (STYLE.md: owners in order).
  for (auto& [id, t] : transfers_) {
    if (t->in_multi) curl_multi_remove_handle(multi_, t->easy.get());
  }
  transfers_.clear();
  failed_.clear();
  curl_multi_cleanup(multi_);  // may call socket_cb(REMOVE): sockets_ is still alive
  sockets_.clear();
  event_free(timer_);
  event_free(deferred_);
}

uint64_t HttpClient::start(HttpRequest req, Callback cb) {
  uint64_t id = next_id_++;
  stats_.started++;
  auto t = std::make_unique<Transfer>();
  t->id = id;
  t->req = std::move(req);
  t->cb = std::move(cb);
  t->easy.reset(curl_easy_init());
  CURL* e = t->easy.get();
  if (!e) {
    fail_later(id, std::move(t->cb), Status::internal("curl_easy_init failed"));
    return id;
  }
  const HttpRequest& r = t->req;
  curl_easy_setopt(e, CURLOPT_PRIVATE, t.get());
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t->errbuf);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, static_cast<long>(r.timeout_ms));
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(r.connect_timeout_ms));
  curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(r.max_response_bytes));
  curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, &HttpClient::write_body_cb);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, t.get());
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, &HttpClient::write_header_cb);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, t.get());
#if LIBCURL_VERSION_NUM >= 0x075000
  curl_easy_setopt(e, CURLOPT_PREREQFUNCTION, &count_send_cb);
  curl_easy_setopt(e, CURLOPT_PREREQDATA, &t->resp.sends);
#endif
  if (curl_easy_setopt(e, CURLOPT_URL, r.url.c_str()) != CURLE_OK) {
    fail_later(id, std::move(t->cb), Status::invalid_argument("bad URL: " + r.url));
    return id;
  }

  if (r.method == "GET") {
    curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
  } else if (r.method == "HEAD") {
    curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
  }
  if (r.method == "POST" || r.method == "PUT" || (!r.body.empty() && r.method != "GET")) {
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, r.body.data());
  }
  if (r.method != "GET" && r.method != "POST" && r.method != "HEAD") {
    curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, r.method.c_str());
  }

  curl_slist* list = nullptr;
  bool has_content_type = false;
  for (const auto& [k, v] : r.headers) {
    if (strcasecmp(k.c_str(), "Content-Type") == 0) has_content_type = true;
    // "Name;" is curl's way to send a header with an empty value.
    std::string line = v.empty() ? k + ";" : k + ": " + v;
    list = curl_slist_append(list, line.c_str());
  }
  // curl would add "Content-Type: application/x-www-form-urlencoded" to a POST and
  // "Expect: 100-continue" to big bodies; "Name:" removes a header curl adds itself.
  if (!has_content_type) list = curl_slist_append(list, "Content-Type:");
  list = curl_slist_append(list, "Expect:");
  t->header_list.reset(list);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, list);

  // add_handle only arms the timer (timer_cb); the transfer runs from the loop, so no
  // callback can happen before start() returns.
  CURLMcode mc = curl_multi_add_handle(multi_, e);
  if (mc != CURLM_OK) {
    fail_later(id, std::move(t->cb),
               Status::internal(std::string("curl_multi_add_handle: ") + curl_multi_strerror(mc)));
    return id;
  }
  t->in_multi = true;
  transfers_.emplace(id, std::move(t));
  return id;
}

void HttpClient::cancel(uint64_t id) {
  auto it = transfers_.find(id);
  if (it != transfers_.end()) {
    if (it->second->in_multi) curl_multi_remove_handle(multi_, it->second->easy.get());
    transfers_.erase(it);  // also covers a finished transfer whose callback is still queued
    return;
  }
  for (auto f = failed_.begin(); f != failed_.end(); ++f) {
    if (f->id == id) {
      failed_.erase(f);
      return;
    }
  }
}

void HttpClient::fail_later(uint64_t id, Callback cb, Status s) {
  stats_.failed++;
  failed_.push_back(Failed{id, std::move(cb), std::move(s)});
  timeval zero{0, 0};
  evtimer_add(deferred_, &zero);
}

void HttpClient::on_deferred_event_cb(int, short, void* arg) noexcept {
  auto* self = static_cast<HttpClient*>(arg);
  try {
    auto failed = std::move(self->failed_);
    self->failed_.clear();
    for (auto& f : failed) f.cb(std::move(f.status));
  } catch (const std::exception& ex) {
    log::error("http: callback threw: %s", ex.what());
  }
}

int HttpClient::socket_cb(CURL*, curl_socket_t fd, int what, void* userp, void* socketp) noexcept {
  auto* self = static_cast<HttpClient*>(userp);
  try {
    return self->on_socket(fd, what, static_cast<Socket*>(socketp));
  } catch (const std::exception& ex) {
    log::error("http: socket callback: %s", ex.what());
    return -1;
  }
}

int HttpClient::on_socket(int fd, int what, Socket* sock) {
  if (what == CURL_POLL_REMOVE) {
    curl_multi_assign(multi_, fd, nullptr);
    sockets_.erase(fd);  // frees the event; safe inside that event's own callback
    return 0;
  }
  if (!sock) {
    auto owned = std::make_unique<Socket>();
    owned->client = this;
    owned->fd = fd;
    sock = owned.get();
    sockets_[fd] = std::move(owned);
    curl_multi_assign(multi_, fd, sock);
  }
  short kind = EV_PERSIST;
  if (what & CURL_POLL_IN) kind |= EV_READ;
  if (what & CURL_POLL_OUT) kind |= EV_WRITE;
  if (sock->ev) event_free(sock->ev);
  sock->ev = event_new(base_, fd, kind, &HttpClient::on_socket_event_cb, sock);
  event_add(sock->ev, nullptr);
  return 0;
}

int HttpClient::timer_cb(CURLM*, long timeout_ms, void* userp) noexcept {
  auto* self = static_cast<HttpClient*>(userp);
  if (timeout_ms < 0) {
    evtimer_del(self->timer_);
  } else {
    // Never call curl_multi_socket_action from here (curl forbids it): arm the timer,
    // even for 0 ms, and act from the loop.
    timeval tv{timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    evtimer_add(self->timer_, &tv);
  }
  return 0;
}

void HttpClient::on_socket_event_cb(int fd, short what, void* arg) noexcept {
  auto* sock = static_cast<Socket*>(arg);
  HttpClient* self = sock->client;  // sock may be freed during the action below
  try {
    self->on_socket_event(fd, what);
  } catch (const std::exception& ex) {
    log::error("http: %s", ex.what());
  }
}

void HttpClient::on_socket_event(int fd, short what) {
  int flags = 0;
  if (what & EV_READ) flags |= CURL_CSELECT_IN;
  if (what & EV_WRITE) flags |= CURL_CSELECT_OUT;
  int running = 0;
  curl_multi_socket_action(multi_, fd, flags, &running);
  check_done();
}

void HttpClient::on_timer_event_cb(int, short, void* arg) noexcept {
  auto* self = static_cast<HttpClient*>(arg);
  try {
    self->on_timer_event();
  } catch (const std::exception& ex) {
    log::error("http: %s", ex.what());
  }
}

void HttpClient::on_timer_event() {
  int running = 0;
  curl_multi_socket_action(multi_, CURL_SOCKET_TIMEOUT, 0, &running);
  check_done();
}

void HttpClient::check_done() {
  // First collect every finished transfer, then call back: a callback may start or cancel
  // transfers, which must not disturb curl_multi_info_read's queue.
  std::vector<uint64_t> done;
  CURLMsg* msg;
  int left = 0;
  while ((msg = curl_multi_info_read(multi_, &left))) {
    if (msg->msg != CURLMSG_DONE) continue;
    Transfer* t = nullptr;
    curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &t);
    t->result = msg->data.result;
    curl_multi_remove_handle(multi_, msg->easy_handle);
    t->in_multi = false;
    done.push_back(t->id);
  }
  for (uint64_t id : done) {
    auto it = transfers_.find(id);
    if (it == transfers_.end()) continue;  // cancelled by an earlier callback of this round
    std::unique_ptr<Transfer> t = std::move(it->second);
    transfers_.erase(it);
    CURLcode code = t->result;
    long connects = 0;
    curl_easy_getinfo(t->easy.get(), CURLINFO_NUM_CONNECTS, &connects);
    stats_.connections_opened += static_cast<uint64_t>(connects);
    std::string where = t->req.method + " " + host_of(t->req.url);
    if (code == CURLE_OK) {
      curl_easy_getinfo(t->easy.get(), CURLINFO_RESPONSE_CODE, &t->resp.status);
      stats_.completed++;
      HttpResponse resp = std::move(t->resp);
      finish(std::move(t), std::move(resp));
      continue;
    }
    stats_.failed++;
    std::string reason = t->errbuf[0] ? t->errbuf : curl_easy_strerror(code);
    Status s;
    if (t->too_big || code == CURLE_FILESIZE_EXCEEDED) {
      s = Status::resource_exhausted(where + ": response larger than " +
                                     std::to_string(t->req.max_response_bytes) + " bytes");
    } else if (code == CURLE_OPERATION_TIMEDOUT) {
      s = Status::deadline_exceeded(where + ": " + reason);
    } else if (code == CURLE_URL_MALFORMAT || code == CURLE_UNSUPPORTED_PROTOCOL) {
      s = Status::invalid_argument(where + ": " + reason);
    } else {
      s = Status::unavailable(where + ": " + reason);
    }
    finish(std::move(t), std::move(s));
  }
}

void HttpClient::finish(std::unique_ptr<Transfer> t, Result<HttpResponse> r) {
  Callback cb = std::move(t->cb);
  t.reset();  // the easy handle goes back before the callback can start new transfers
  try {
    cb(std::move(r));
  } catch (const std::exception& ex) {
    log::error("http: callback threw: %s", ex.what());
  }
}

}  // namespace r53d::r53
