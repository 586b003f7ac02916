// Route53Client: the asynchronous Route 53 API (2013-04-01) on the daemon's event loop.
//
// Every call waits for a token of the shared rate limiter (one per credential set), gets the
// current credentials, is signed afresh (SigV4, new date on every attempt), goes out through
// HttpClient, and is retried with full-jitter exponential back-off on Throttling,
// PriorRequestNotComplete, 5xx, timeouts and connection errors (never on InvalidChangeBatch or
// another 4xx), up to max_attempts. Paginated listings fetch every page.
//
//   loop::EventBase loop;
//   HttpClient http(loop.base());
//   CredentialProvider creds(loop, fetcher, process_environment(), {...});
//   Route53Client r53(loop, http, creds, *endpoint, {.rate = {.requests_per_second = 5}});
//   r53.list_rrsets("/hostedzone/Z1PA6795UKMFR9", [](ApiResult<std::vector<RecordSet>> r) {
//     if (!r.ok()) { log::error("%s", r.status().to_string().c_str()); return; }
//     for (const RecordSet& rs : r.value()) ...;
//   });
//
// Results: ApiResult<T> holds a Result<T> plus, when the final failure was an AWS error
// response, the parsed ApiError (so the commit layer can tell InvalidChangeBatch from the
// rest). Status codes: kUnavailable (retryable failure that ran out of attempts, transport
// errors), kDeadlineExceeded (last attempt timed out), kNotFound (NoSuch*), kPermissionDenied
// (403 auth errors), kInvalidArgument (InvalidChangeBatch, InvalidInput, other 4xx, or a response
// that does not parse), kFailedPrecondition (state conflicts such as HostedZoneNotEmpty). The
// message reads "InvalidChangeBatch: [Tried to ...] (request id 7eb28fd5-...)", "Throttling: Rate
// exceeded (request id 1234-..., after 8 attempts)", "GET 127.0.0.1:8053: Connection refused
// (after 8 attempts)": an AWS error keeps the request ID Route 53 returned (RequestId in the body,
// else the x-amzn-RequestId header), which AWS support asks for.
//
// IDs are accepted with or without the "/hostedzone/" and "/change/" prefixes.
// Callbacks always come from the loop, never before the call returns. Each call returns an id
// for cancel(); after cancel() there is no callback. The client must outlive its calls' loop
// turns only as far as cancel semantics go: destroying it cancels everything silently.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "loop/event_base.h"
#include "loop/timer.h"
#include "r53/api_xml.h"
#include "r53/backoff.h"
#include "r53/credentials.h"
#include "r53/endpoint.h"
#include "r53/http.h"
#include "r53/model.h"
#include "r53/rate_limit.h"
#include "r53/sigv4.h"
#include "util/clock.h"
#include "util/histogram.h"
#include "util/status.h"

namespace r53d::r53 {

template <class T>
struct ApiResult {
  Result<T> result = Status::internal("no result");
  std::optional<ApiError> error;  // the final AWS error response, if that is why it failed
  int attempts = 0;               // HTTP attempts made for the last request of the operation
  int requests = 0;               // API requests made in all (pages included, retries included)
  // Some attempt got no definite answer (network error, timeout, HTTP 5xx, or a reused connection
  // that died and curl re-sent the request on its own) and was retried:
  // Route 53 may have carried that attempt out although this result is an error (a retried
  // ChangeResourceRecordSets then fails because its own first attempt changed the zone).
  bool maybe_applied = false;

  bool ok() const { return result.ok(); }
  const Status& status() const { return result.status(); }
  T& value() { return result.value(); }
  const T& value() const { return result.value(); }
};

struct Route53Options {
  RateLimitOptions rate;      // one bucket shared by every call of this client
  BackoffOptions backoff;     // base 200 ms, cap 20 s, 8 attempts
  int64_t timeout_ms = 30000;          // per HTTP attempt
  int64_t connect_timeout_ms = 5000;
  size_t max_response_bytes = 16u << 20;  // a 300-rrset page is well under 1 MiB
  int list_rrsets_page_size = 300;     // MaxItems (Route 53 allows at most 300)
  int list_zones_page_size = 100;      // MaxItems for zone listings (at most 100)
  UniformRng rng;                      // jitter; empty: seeded from std::random_device
  std::string user_agent = "route53d";
};

// Where ListResourceRecordSets starts (all empty: at the beginning).
struct RrsetStart {
  std::string name;
  std::string type;
  std::string identifier;
};

class Route53Client {
 public:
  // A source of credentials: calls back (later, from the loop) with the current ones.
  using CredentialsFn = std::function<void(std::function<void(Result<Credentials>)>)>;

  // loop, http and creds must outlive the client.
  Route53Client(loop::EventBase& loop, HttpClient& http, CredentialProvider& creds,
                Endpoint endpoint, Route53Options options = {});
  // Same, with any credential source (tests: fixed keys).
  Route53Client(loop::EventBase& loop, HttpClient& http, CredentialsFn creds, Endpoint endpoint,
                Route53Options options = {});
  ~Route53Client();  // cancels every call; no callback afterwards
  Route53Client(const Route53Client&) = delete;
  Route53Client& operator=(const Route53Client&) = delete;

  template <class T>
  using Callback = std::function<void(ApiResult<T>)>;

  // Every hosted zone of the account (all pages of ListHostedZones).
  uint64_t list_hosted_zones(Callback<std::vector<HostedZone>> cb);
  // One page of ListHostedZonesByName starting at dns_name (and hosted_zone_id for later pages).
  uint64_t list_hosted_zones_by_name(const std::string& dns_name, const std::string& hosted_zone_id,
                                     Callback<HostedZonesPage> cb);
  // Every hosted zone whose name equals `name` (any spelling; compared in stored form), by
  // paging ListHostedZonesByName while the names match. Empty vector: none.
  uint64_t find_hosted_zones_by_name(const std::string& name, Callback<std::vector<HostedZone>> cb);
  uint64_t get_hosted_zone(const std::string& zone_id, Callback<HostedZoneDetails> cb);
  // Every record set of the zone (all pages, NextRecordIdentifier honoured), in API order.
  uint64_t list_rrsets(const std::string& zone_id, Callback<std::vector<RecordSet>> cb);
  // One page starting at `start` with max_items (0: options.list_rrsets_page_size). kBackground:
  // its rate-limit token yields to every other call (RateLimiter), retries included.
  uint64_t list_rrsets_page(const std::string& zone_id, const RrsetStart& start, int max_items,
                            Callback<RrsetPage> cb, RateLimiter::Priority priority = RateLimiter::Priority::kNormal);
  uint64_t change_rrsets(const std::string& zone_id, const ChangeBatch& batch,
                         Callback<ChangeInfo> cb);
  uint64_t get_change(const std::string& change_id, Callback<ChangeInfo> cb);

  // Stops an operation (any page, any attempt); its callback is not called. Unknown ids: no-op.
  void cancel(uint64_t op_id);

  RateLimiter& limiter() { return limiter_; }
  const Endpoint& endpoint() const { return endpoint_; }

  struct Stats {
    uint64_t requests = 0;   // HTTP attempts sent
    uint64_t retries = 0;
    uint64_t throttled = 0;  // Throttling responses seen
    uint64_t failures = 0;   // operations that ended in an error
  };
  const Stats& stats() const { return stats_; }

  // What the metrics endpoint shows: every HTTP attempt by operation ("ChangeResourceRecordSets",
  // "GetChange", ...) and outcome ("ok", "throttled" (Throttling, 429, PriorRequestNotComplete),
  // "5xx", "network" (no HTTP answer: refused, reset, timeout), "rejected" (any other 4xx)), the
  // latency of each attempt from its send to its answer, the records of each change request sent
  // (by bare zone id), and when Route 53 last answered 2xx.
  struct RequestMetrics {
    std::map<std::pair<std::string, std::string>, uint64_t> attempts;  // (operation, outcome)
    std::map<std::string, Histogram> latency_s;                        // by operation
    std::map<std::string, Histogram> batch_records;                    // by bare zone id
    int64_t last_success_ms = 0;                                       // loop clock (monotonic); 0: never
  };
  const RequestMetrics& metrics() const { return metrics_; }
  // The attempts per request from now on (a reload of `[aws] max-attempts`); n >= 1.
  void set_max_attempts(int n);
  // "ListResourceRecordSets" for GET /hostedzone/Z/rrset, ...; the method and path as sent.
  static std::string operation_name(const std::string& method, const std::string& path);

  // The signed HTTP request for one attempt (exposed for tests).
  static HttpRequest build_http_request(const Endpoint& ep, const Credentials& creds,
                                        int64_t wall_ms, const std::string& method,
                                        const std::string& path, const QueryList& query,
                                        const std::string& body, const Route53Options& options);

 private:
  // One API request with its retries.
  struct Call {
    uint64_t op_id = 0;
    std::string method;
    std::string path;  // after /2013-04-01, e.g. "/hostedzone/Z1/rrset"
    QueryList query;
    std::string body;
    std::string queue_key;  // rate-limiter queue (zone id or "")
    RateLimiter::Priority priority = RateLimiter::Priority::kNormal;
    int attempts = 0;
    uint64_t ticket = 0;   // limiter ticket while waiting for a token
    int64_t granted_ms = 0;  // loop clock (monotonic) when the last attempt got its token
    int64_t sent_ms = 0;     // monotonic clock when the last attempt went out
    uint64_t http_id = 0;  // while in flight
    std::unique_ptr<loop::Timer> backoff;
    // Final outcome of this request: the 2xx response, or the failure.
    std::function<void(Result<HttpResponse>, std::optional<ApiError>, int attempts)> done;
  };
  struct Op {
    int requests = 0;
    bool unanswered = false;     // an attempt ended without a definite answer (see maybe_applied)
    std::unique_ptr<Call> call;  // the request in progress
  };

  uint64_t new_op();
  // Starts (or restarts for the next page) the request of op_id.
  void start_call(uint64_t op_id, std::string method, std::string path, QueryList query,
                  std::string body, std::string queue_key,
                  std::function<void(Result<HttpResponse>, std::optional<ApiError>, int)> done,
                  RateLimiter::Priority priority = RateLimiter::Priority::kNormal);
  void attempt(uint64_t op_id);
  void on_credentials(uint64_t op_id, Result<Credentials> creds);
  void on_token(uint64_t op_id, const Credentials& creds);
  void on_response(uint64_t op_id, Result<HttpResponse> r);
  void retry_or_fail(uint64_t op_id, Status status, std::optional<ApiError> err);
  Call* call_of(uint64_t op_id);
  // Removes the op and returns its request count; used right before the final callback.
  int finish_op(uint64_t op_id);

  template <class T>
  void deliver(uint64_t op_id, const Callback<T>& cb, Result<T> r, std::optional<ApiError> err,
               int attempts);

  void list_zones_page(uint64_t op_id, std::string marker,
                       std::shared_ptr<std::vector<HostedZone>> acc,
                       Callback<std::vector<HostedZone>> cb);
  void find_zones_page(uint64_t op_id, std::string stored_name, std::string dns_name,
                       std::string zone_id, std::shared_ptr<std::vector<HostedZone>> acc,
                       Callback<std::vector<HostedZone>> cb);
  void list_rrsets_next(uint64_t op_id, const std::string& zone, const RrsetStart& start,
                        std::shared_ptr<std::vector<RecordSet>> acc,
                        Callback<std::vector<RecordSet>> cb);
  void rrset_page_call(uint64_t op_id, const std::string& zone, const RrsetStart& start,
                       int max_items, std::function<void(Result<RrsetPage>, std::optional<ApiError>, int)> done,
                       RateLimiter::Priority priority = RateLimiter::Priority::kNormal);

  loop::EventBase& loop_;
  HttpClient& http_;
  CredentialsFn creds_;
  Endpoint endpoint_;
  Route53Options options_;
  RateLimiter limiter_;
  Backoff backoff_;
  uint64_t next_op_ = 1;
  std::map<uint64_t, Op> ops_;
  std::shared_ptr<bool> alive_;  // callbacks from the credential provider check it
  Stats stats_;
  RequestMetrics metrics_;
  // Counts one finished attempt of `call` (see RequestMetrics).
  void count_attempt(const Call& call, const char* outcome);
};

}  // namespace r53d::r53
