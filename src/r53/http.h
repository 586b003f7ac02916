// Asynchronous HTTP(S) client: a libcurl multi handle driven by a libevent loop.
//
// The bridge follows PgBouncer's c-ares bridge (STYLE.md §3): curl tells us which sockets to
// watch (CURLMOPT_SOCKETFUNCTION) and when to wake it (CURLMOPT_TIMERFUNCTION); we keep one
// libevent event per curl socket and one timer, call curl_multi_socket_action from those
// events, and collect the finished transfers after each action. Nothing blocks the loop.
//
// Connections are reused (keep-alive, the multi handle's connection cache), TLS peers are
// verified, every transfer has a connect and a total timeout and a cap on the response size.
//
// Usage:
//   r53d::r53::HttpClient http(base);      // base: the daemon's event_base, outlives http
//   HttpRequest req;
//   req.url = "http://127.0.0.1:8053/2013-04-01/hostedzone";
//   uint64_t id = http.start(std::move(req), [](Result<HttpResponse> r) {
//     if (!r.ok()) { log::warning("%s", r.status().to_string().c_str()); return; }
//     use(r->status, r->body);
//   });
//   http.cancel(id);                       // optional: no callback after this
//
// Callbacks: always from the loop (never before start() returns), exactly once per started
// transfer unless cancelled. A callback may call start() and cancel(); it must not destroy the
// HttpClient (hand it to loop::EventBase::defer_delete instead).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <curl/curl.h>

#include "util/status.h"

struct event_base;
struct event;

namespace r53d::r53 {

struct HttpRequest {
  std::string method = "GET";  // GET, HEAD, POST, PUT, DELETE, ...
  std::string url;             // http:// or https:// only
  // Sent as given (after curl's own Host unless one is given here). curl adds no Content-Type
  // and no "Expect: 100-continue"; "Accept-Encoding" is negotiated by curl (gzip/deflate).
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;                 // sent for any method when non-empty; PUT/POST may be empty
  int64_t timeout_ms = 30000;       // whole transfer, connect included
  int64_t connect_timeout_ms = 5000;
  size_t max_response_bytes = 64u << 20;  // body (decoded) + headers; exceeded -> transfer aborted
};

struct HttpResponse {
  long status = 0;  // HTTP status code of the final response
  // Headers of the final response, in order, names as received.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // Times curl sent the request (0: unknown, curl < 7.80). More than 1: a reused connection died
  // before any answer and curl sent the request again on a fresh one, by itself; the server may
  // have carried the first copy out (a non-idempotent request may have taken effect twice).
  int sends = 0;
  // Value of the first header with this name (case-insensitive), or "" if absent.
  std::string header(std::string_view name) const;
};

class HttpClient {
 public:
  // base must outlive the client. Calls curl_global_init once per process.
  explicit HttpClient(event_base* base);
  // Cancels every transfer in flight without calling back.
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Result: an HttpResponse for any HTTP status (4xx/5xx included: the caller reads the body).
  // Transport failures: kUnavailable (refused, reset, DNS, TLS, ...), kDeadlineExceeded
  // (connect or total timeout), kResourceExhausted (response larger than max_response_bytes),
  // kInvalidArgument (bad URL or scheme). The message names the URL's host and curl's reason.
  using Callback = std::function<void(Result<HttpResponse>)>;

  // Starts a transfer; returns its id (never 0). Never calls back before returning.
  uint64_t start(HttpRequest req, Callback cb);
  // Aborts a transfer; its callback is not called. Unknown or finished ids are ignored.
  void cancel(uint64_t id);

  size_t in_flight() const { return transfers_.size() + failed_.size(); }

  // Counters for tests and the status endpoint.
  struct Stats {
    uint64_t started = 0;
    uint64_t completed = 0;        // got an HTTP response
    uint64_t failed = 0;           // transport failure
    uint64_t connections_opened = 0;  // new TCP connections (reuse = completed - opened)
  };
  const Stats& stats() const { return stats_; }

 private:
  struct Transfer;
  struct Socket;

  static size_t write_body_cb(char* data, size_t size, size_t n, void* userp) noexcept;
  static size_t write_header_cb(char* data, size_t size, size_t n, void* userp) noexcept;
  static int socket_cb(CURL* easy, curl_socket_t fd, int what, void* userp, void* socketp) noexcept;
  static int timer_cb(CURLM* multi, long timeout_ms, void* userp) noexcept;
  static void on_socket_event_cb(int fd, short what, void* arg) noexcept;
  static void on_timer_event_cb(int fd, short what, void* arg) noexcept;
  static void on_deferred_event_cb(int fd, short what, void* arg) noexcept;

  int on_socket(int fd, int what, Socket* sock);
  void on_socket_event(int fd, short what);
  void on_timer_event();
  void check_done();
  void finish(std::unique_ptr<Transfer> t, Result<HttpResponse> r);
  void fail_later(uint64_t id, Callback cb, Status s);

  event_base* base_;
  CURLM* multi_ = nullptr;  // owned; cleaned up in the destructor, after the easy handles
  event* timer_ = nullptr;     // owned
  event* deferred_ = nullptr;  // owned: delivers failures found inside start()
  uint64_t next_id_ = 1;
  std::map<uint64_t, std::unique_ptr<Transfer>> transfers_;
  std::map<int, std::unique_ptr<Socket>> sockets_;
  struct Failed {
    uint64_t id;
    Callback cb;
    Status status;
  };
  std::vector<Failed> failed_;
  Stats stats_;
};

}  // namespace r53d::r53
