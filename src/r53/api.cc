// Route53Client: request life cycle (credentials, token, sign, send, retry) and the operations.
#include "r53/api.h"

#include "r53/names.h"
#include "r53/rrset_xml.h"
#include "util/log.h"

namespace r53d::r53 {
namespace {

constexpr const char* kVersionPrefix = "/2013-04-01";

bool is_2xx(long status) { return status >= 200 && status < 300; }

}  // namespace

Route53Client::Route53Client(loop::EventBase& loop, HttpClient& http, CredentialsFn creds,
                             Endpoint endpoint, Route53Options options)
    : loop_(loop),
      http_(http),
      creds_(std::move(creds)),
      endpoint_(std::move(endpoint)),
      options_(std::move(options)),
      limiter_(loop, options_.rate),
      backoff_(options_.backoff, options_.rng ? options_.rng : make_system_rng()),
      alive_(std::make_shared<bool>(true)) {}

Route53Client::Route53Client(loop::EventBase& loop, HttpClient& http, CredentialProvider& creds,
                             Endpoint endpoint, Route53Options options)
    : Route53Client(
          loop, http,
          [&creds](std::function<void(Result<Credentials>)> cb) { creds.get(std::move(cb)); },
          std::move(endpoint), std::move(options)) {}

Route53Client::~Route53Client() {
  *alive_ = false;
  while (!ops_.empty()) cancel(ops_.begin()->first);
}

HttpRequest Route53Client::build_http_request(const Endpoint& ep, const Credentials& creds,
                                              int64_t wall_ms, const std::string& method,
                                              const std::string& path, const QueryList& query,
                                              const std::string& body,
                                              const Route53Options& options) {
  SignableRequest s;
  s.method = method;
  s.path = ep.path_prefix + kVersionPrefix + path;
  s.query = query;
  s.headers = {{"Host", ep.host_header}};
  s.body = body;
  sign(s, creds, {.region = ep.signing_region, .service = "route53", .wall_ms = wall_ms});
  HttpRequest req;
  req.method = method;
  req.url = ep.base_url + kVersionPrefix + path;
  if (!query.empty()) req.url += "?" + canonical_query(query);
  req.headers = std::move(s.headers);
  if (!options.user_agent.empty()) req.headers.emplace_back("User-Agent", options.user_agent);
  req.body = body;
  req.timeout_ms = options.timeout_ms;
  req.connect_timeout_ms = options.connect_timeout_ms;
  req.max_response_bytes = options.max_response_bytes;
  return req;
}

// ---- request life cycle ----

uint64_t Route53Client::new_op() {
  uint64_t id = next_op_++;
  ops_[id];
  return id;
}

Route53Client::Call* Route53Client::call_of(uint64_t op_id) {
  auto it = ops_.find(op_id);
  if (it == ops_.end()) return nullptr;
  return it->second.call.get();
}

int Route53Client::finish_op(uint64_t op_id) {
  auto it = ops_.find(op_id);
  if (it == ops_.end()) return 0;
  int n = it->second.requests;
  ops_.erase(it);
  return n;
}

void Route53Client::cancel(uint64_t op_id) {
  auto it = ops_.find(op_id);
  if (it == ops_.end()) return;
  if (Call* c = it->second.call.get()) {
    if (c->ticket) limiter_.cancel(c->ticket);
    if (c->http_id) http_.cancel(c->http_id);
    // A credential fetch cannot be cancelled: its callback finds no op and returns.
  }
  ops_.erase(it);
}

void Route53Client::start_call(
    uint64_t op_id, std::string method, std::string path, QueryList query, std::string body,
    std::string queue_key,
    std::function<void(Result<HttpResponse>, std::optional<ApiError>, int)> done, RateLimiter::Priority priority) {
  auto it = ops_.find(op_id);
  if (it == ops_.end()) return;
  auto call = std::make_unique<Call>();
  call->op_id = op_id;
  call->method = std::move(method);
  call->path = std::move(path);
  call->query = std::move(query);
  call->body = std::move(body);
  call->queue_key = std::move(queue_key);
  call->priority = priority;
  call->done = std::move(done);
  it->second.call = std::move(call);
  attempt(op_id);
}

void Route53Client::attempt(uint64_t op_id) {
  Call* call = call_of(op_id);
  if (!call) return;
  call->attempts++;
  std::weak_ptr<bool> alive = alive_;
  creds_([this, alive, op_id](Result<Credentials> c) {
    auto a = alive.lock();
    if (!a || !*a) return;
    on_credentials(op_id, std::move(c));
  });
}

void Route53Client::on_credentials(uint64_t op_id, Result<Credentials> creds) {
  Call* call = call_of(op_id);
  if (!call) return;
  if (!creds.ok()) {
    const Status& s = creds.status();
    if (is_retryable_transport(s)) {
      retry_or_fail(op_id, s, std::nullopt);
      return;
    }
    call->attempts = std::max(0, call->attempts - 1);  // nothing was sent
    retry_or_fail(op_id, Status(s.code(), "credentials: " + s.message()), std::nullopt);
    return;
  }
  call->ticket = limiter_.acquire(
      call->queue_key, [this, op_id, c = std::move(*creds)]() { on_token(op_id, c); }, call->priority);
}

void Route53Client::on_token(uint64_t op_id, const Credentials& creds) {
  auto it = ops_.find(op_id);
  if (it == ops_.end() || !it->second.call) return;
  Call* call = it->second.call.get();
  call->ticket = 0;
  call->granted_ms = loop_.clock().mono_ms();
  call->sent_ms = call->granted_ms;
  it->second.requests++;
  stats_.requests++;
  // Sign with the time of sending, not the loop's cached time: a retry gets a new date.
  HttpRequest req = build_http_request(endpoint_, creds, loop_.clock().wall_ms(), call->method,
                                       call->path, call->query, call->body, options_);
  call->http_id = http_.start(std::move(req), [this, op_id](Result<HttpResponse> r) {
    on_response(op_id, std::move(r));
  });
}

void Route53Client::on_response(uint64_t op_id, Result<HttpResponse> r) {
  Call* call = call_of(op_id);
  if (!call) return;
  call->http_id = 0;
  // The request may have been carried out without our hearing of it: a transport failure, a 5xx,
  // or curl re-sending it by itself after a reused connection died unanswered.
  if (!r.ok() || r->status >= 500 || r->sends > 1) ops_[op_id].unanswered = true;
  if (!r.ok()) {
    count_attempt(*call, "network");
    retry_or_fail(op_id, r.status(), std::nullopt);
    return;
  }
  if (is_2xx(r->status)) {
    count_attempt(*call, "ok");
    metrics_.last_success_ms = loop_.clock().mono_ms();
    // Success: hand the response to the operation's continuation.
    auto& op = ops_[op_id];
    std::unique_ptr<Call> done_call = std::move(op.call);
    auto done = std::move(done_call->done);
    int attempts = done_call->attempts;
    done_call.reset();
    done(std::move(r), std::nullopt, attempts);
    return;
  }
  ApiError err = parse_error_response(r->status, r->body, r->header("x-amzn-RequestId"));
  count_attempt(*call, is_throttling_code(err.code) || err.http_status == 429 || err.code == "PriorRequestNotComplete"
                           ? "throttled"
                           : err.http_status >= 500 ? "5xx" : "rejected");
  if (is_throttling_code(err.code) || err.http_status == 429) {
    stats_.throttled++;
    // The account's bucket is empty: ours should be too, and our rate lower.
    limiter_.on_throttled(call->granted_ms);
  }
  Code code = code_for_aws_error(err.http_status, err.code);
  Status status(code, err.to_string());  // before err is moved (argument order is unspecified)
  retry_or_fail(op_id, std::move(status), std::move(err));
}

void Route53Client::retry_or_fail(uint64_t op_id, Status status, std::optional<ApiError> err) {
  auto it = ops_.find(op_id);
  if (it == ops_.end() || !it->second.call) return;
  Call* call = it->second.call.get();
  bool retryable = err ? is_retryable_aws_error(err->http_status, err->code)
                       : is_retryable_transport(status);
  if (retryable && backoff_.may_retry(call->attempts)) {
    int64_t delay = backoff_.delay_ms(call->attempts);
    stats_.retries++;
    log::debug("route53: %s %s attempt %d failed (%s), retrying in %lld ms", call->method.c_str(),
               call->path.c_str(), call->attempts, status.to_string().c_str(),
               static_cast<long long>(delay));
    call->backoff = std::make_unique<loop::Timer>(loop_, [this, op_id] { attempt(op_id); });
    call->backoff->start_once(delay);
    return;
  }
  if (retryable && call->attempts > 1) {
    status = Status(status.code(), err ? err->to_string(call->attempts)
                                       : status.message() + " (after " +
                                             std::to_string(call->attempts) + " attempts)");
  }
  std::unique_ptr<Call> done_call = std::move(it->second.call);
  auto done = std::move(done_call->done);
  int attempts = done_call->attempts;
  done_call.reset();
  done(std::move(status), std::move(err), attempts);
}

template <class T>
void Route53Client::deliver(uint64_t op_id, const Callback<T>& cb, Result<T> r,
                            // NOLINTNEXTLINE(performance-unnecessary-value-param): moved below
                            std::optional<ApiError> err, int attempts) {
  auto op = ops_.find(op_id);
  if (op == ops_.end()) return;  // cancelled
  bool unanswered = op->second.unanswered;
  int requests = finish_op(op_id);
  if (!r.ok()) stats_.failures++;
  ApiResult<T> out;
  out.result = std::move(r);
  out.error = std::move(err);
  out.attempts = attempts;
  out.requests = requests;
  out.maybe_applied = unanswered;
  cb(std::move(out));
}

// ---- operations ----

uint64_t Route53Client::list_hosted_zones(Callback<std::vector<HostedZone>> cb) {
  uint64_t op = new_op();
  list_zones_page(op, "", std::make_shared<std::vector<HostedZone>>(), std::move(cb));
  return op;
}

void Route53Client::list_zones_page(uint64_t op_id, std::string marker,
                                    std::shared_ptr<std::vector<HostedZone>> acc,
                                    Callback<std::vector<HostedZone>> cb) {
  QueryList q = {{"maxitems", std::to_string(options_.list_zones_page_size)}};
  if (!marker.empty()) q.emplace_back("marker", marker);
  start_call(op_id, "GET", "/hostedzone", std::move(q), "", "",
             [this, op_id, marker = std::move(marker), acc = std::move(acc), cb = std::move(cb)](
                 Result<HttpResponse> r, std::optional<ApiError> err, int attempts) {
               using V = std::vector<HostedZone>;
               if (!r.ok()) return deliver<V>(op_id, cb, r.status(), std::move(err), attempts);
               auto page = parse_list_hosted_zones_response(r->body);
               if (!page.ok()) return deliver<V>(op_id, cb, page.status(), std::nullopt, attempts);
               for (auto& z : page->zones) acc->push_back(std::move(z));
               if (!page->is_truncated) return deliver<V>(op_id, cb, std::move(*acc), std::nullopt, attempts);
               if (page->next_marker == marker) {
                 return deliver<V>(op_id, cb,
                                   Status::internal("ListHostedZones: NextMarker did not advance"),
                                   std::nullopt, attempts);
               }
               list_zones_page(op_id, page->next_marker, acc, cb);
             });
}

uint64_t Route53Client::list_hosted_zones_by_name(const std::string& dns_name,
                                                  const std::string& hosted_zone_id,
                                                  Callback<HostedZonesPage> cb) {
  uint64_t op = new_op();
  QueryList q;
  if (!dns_name.empty()) q.emplace_back("dnsname", dns_name);
  if (!hosted_zone_id.empty()) q.emplace_back("hostedzoneid", bare_id(hosted_zone_id));
  q.emplace_back("maxitems", std::to_string(options_.list_zones_page_size));
  start_call(op, "GET", "/hostedzonesbyname", std::move(q), "", "",
             [this, op, cb = std::move(cb)](Result<HttpResponse> r, std::optional<ApiError> err, int attempts) {
               if (!r.ok()) return deliver<HostedZonesPage>(op, cb, r.status(), std::move(err), attempts);
               deliver<HostedZonesPage>(op, cb, parse_list_hosted_zones_by_name_response(r->body),
                                        std::nullopt, attempts);
             });
  return op;
}

uint64_t Route53Client::find_hosted_zones_by_name(const std::string& name,
                                                  Callback<std::vector<HostedZone>> cb) {
  uint64_t op = new_op();
  auto stored = normalize_name(name);
  if (!stored.ok()) {
    Status s = Status::invalid_argument("bad zone name '" + name + "': " + stored.status().message());
    std::weak_ptr<bool> alive = alive_;
    loop_.defer([this, alive, op, cb, s] {
      auto a = alive.lock();
      if (a && *a) deliver<std::vector<HostedZone>>(op, cb, s, std::nullopt, 0);
    });
    return op;
  }
  find_zones_page(op, *stored, *stored, "", std::make_shared<std::vector<HostedZone>>(),
                  std::move(cb));
  return op;
}

void Route53Client::find_zones_page(uint64_t op_id, std::string stored_name, std::string dns_name,
                                    std::string zone_id,
                                    std::shared_ptr<std::vector<HostedZone>> acc,
                                    Callback<std::vector<HostedZone>> cb) {
  QueryList q = {{"dnsname", dns_name},
                 {"maxitems", std::to_string(options_.list_zones_page_size)}};
  if (!zone_id.empty()) q.emplace_back("hostedzoneid", zone_id);
  start_call(
      op_id, "GET", "/hostedzonesbyname", std::move(q), "", "",
      [this, op_id, stored_name = std::move(stored_name), dns_name = std::move(dns_name),
       zone_id = std::move(zone_id), acc = std::move(acc), cb = std::move(cb)](
          Result<HttpResponse> r, std::optional<ApiError> err, int attempts) {
        using V = std::vector<HostedZone>;
        if (!r.ok()) return deliver<V>(op_id, cb, r.status(), std::move(err), attempts);
        auto page = parse_list_hosted_zones_by_name_response(r->body);
        if (!page.ok()) return deliver<V>(op_id, cb, page.status(), std::nullopt, attempts);
        // The listing is positional (route53-api.md §2.6): keep exact matches, stop at the
        // first other name.
        bool other = false;
        for (auto& z : page->zones) {
          auto zn = normalize_name(z.name);
          if (zn.ok() && *zn == stored_name) {
            acc->push_back(std::move(z));
          } else {
            other = true;
          }
        }
        if (other || !page->is_truncated) {
          return deliver<V>(op_id, cb, std::move(*acc), std::nullopt, attempts);
        }
        if (page->next_dns_name == dns_name && page->next_hosted_zone_id == zone_id) {
          return deliver<V>(op_id, cb,
                            Status::internal("ListHostedZonesByName: NextDNSName did not advance"),
                            std::nullopt, attempts);
        }
        find_zones_page(op_id, stored_name, page->next_dns_name, page->next_hosted_zone_id, acc,
                        cb);
      });
}

uint64_t Route53Client::get_hosted_zone(const std::string& zone_id, Callback<HostedZoneDetails> cb) {
  uint64_t op = new_op();
  std::string zone = bare_id(zone_id);
  start_call(op, "GET", "/hostedzone/" + zone, {}, "", zone,
             [this, op, cb = std::move(cb)](Result<HttpResponse> r, std::optional<ApiError> err, int attempts) {
               if (!r.ok()) return deliver<HostedZoneDetails>(op, cb, r.status(), std::move(err), attempts);
               deliver<HostedZoneDetails>(op, cb, parse_get_hosted_zone_response(r->body),
                                          std::nullopt, attempts);
             });
  return op;
}

void Route53Client::rrset_page_call(
    uint64_t op_id, const std::string& zone, const RrsetStart& start, int max_items,
    std::function<void(Result<RrsetPage>, std::optional<ApiError>, int)> done, RateLimiter::Priority priority) {
  if (max_items <= 0) max_items = options_.list_rrsets_page_size;
  QueryList q = {{"maxitems", std::to_string(max_items)}};
  // Passed back verbatim; canonical_query percent-encodes '\' of "\052" as %5C.
  if (!start.name.empty()) q.emplace_back("name", start.name);
  if (!start.name.empty() && !start.type.empty()) q.emplace_back("type", start.type);
  if (!start.name.empty() && !start.identifier.empty()) q.emplace_back("identifier", start.identifier);
  start_call(op_id, "GET", "/hostedzone/" + zone + "/rrset", std::move(q), "", zone,
             [done = std::move(done)](Result<HttpResponse> r, std::optional<ApiError> err, int attempts) {
               if (!r.ok()) return done(r.status(), std::move(err), attempts);
               done(parse_list_rrsets_response(r->body), std::nullopt, attempts);
             },
             priority);
}

uint64_t Route53Client::list_rrsets_page(const std::string& zone_id, const RrsetStart& start,
                                         int max_items, Callback<RrsetPage> cb, RateLimiter::Priority priority) {
  uint64_t op = new_op();
  rrset_page_call(
      op, bare_id(zone_id), start, max_items,
      [this, op, cb = std::move(cb)](Result<RrsetPage> p, std::optional<ApiError> err, int attempts) {
        deliver<RrsetPage>(op, cb, std::move(p), std::move(err), attempts);
      },
      priority);
  return op;
}

uint64_t Route53Client::list_rrsets(const std::string& zone_id,
                                    Callback<std::vector<RecordSet>> cb) {
  uint64_t op = new_op();
  list_rrsets_next(op, bare_id(zone_id), RrsetStart{}, std::make_shared<std::vector<RecordSet>>(),
                   std::move(cb));
  return op;
}

void Route53Client::list_rrsets_next(uint64_t op_id, const std::string& zone, const RrsetStart& start,
                                     std::shared_ptr<std::vector<RecordSet>> acc,
                                     Callback<std::vector<RecordSet>> cb) {
  rrset_page_call(
      op_id, zone, start, 0,
      [this, op_id, zone, start, acc = std::move(acc), cb = std::move(cb)](
          Result<RrsetPage> p, std::optional<ApiError> err, int attempts) {
        using V = std::vector<RecordSet>;
        if (!p.ok()) return deliver<V>(op_id, cb, p.status(), std::move(err), attempts);
        for (auto& rs : p->rrsets) acc->push_back(std::move(rs));
        if (!p->is_truncated) return deliver<V>(op_id, cb, std::move(*acc), std::nullopt, attempts);
        RrsetStart next{p->next_name, p->next_type, p->next_identifier};
        if (next.name == start.name && next.type == start.type &&
            next.identifier == start.identifier) {
          return deliver<V>(op_id, cb,
                            Status::internal("ListResourceRecordSets: NextRecordName did not advance"),
                            std::nullopt, attempts);
        }
        list_rrsets_next(op_id, zone, next, acc, cb);
      });
}

uint64_t Route53Client::change_rrsets(const std::string& zone_id, const ChangeBatch& batch,
                                      Callback<ChangeInfo> cb) {
  uint64_t op = new_op();
  std::string zone = bare_id(zone_id);
  size_t records = 0;
  for (const Change& c : batch.changes) records += std::max<size_t>(1, c.rrset.values.size());
  auto [h, fresh] = metrics_.batch_records.try_emplace(zone, batch_records_bounds());
  h->second.observe(static_cast<double>(records));
  start_call(op, "POST", "/hostedzone/" + zone + "/rrset/", {}, build_change_batch_request(batch),
             zone, [this, op, cb = std::move(cb)](Result<HttpResponse> r, std::optional<ApiError> err, int attempts) {
               if (!r.ok()) return deliver<ChangeInfo>(op, cb, r.status(), std::move(err), attempts);
               deliver<ChangeInfo>(
                   op, cb, parse_change_info_response(r->body, "ChangeResourceRecordSetsResponse"),
                   std::nullopt, attempts);
             });
  return op;
}

uint64_t Route53Client::get_change(const std::string& change_id, Callback<ChangeInfo> cb) {
  uint64_t op = new_op();
  start_call(op, "GET", "/change/" + bare_id(change_id), {}, "", "",
             [this, op, cb = std::move(cb)](Result<HttpResponse> r, std::optional<ApiError> err, int attempts) {
               if (!r.ok()) return deliver<ChangeInfo>(op, cb, r.status(), std::move(err), attempts);
               deliver<ChangeInfo>(op, cb, parse_change_info_response(r->body, "GetChangeResponse"),
                                   std::nullopt, attempts);
             });
  return op;
}

// ---- metrics ----

std::string Route53Client::operation_name(const std::string& method, const std::string& path) {
  if (path.rfind("/change/", 0) == 0) return "GetChange";
  if (path == "/hostedzonesbyname") return "ListHostedZonesByName";
  if (path == "/hostedzone") return "ListHostedZones";
  if (path.rfind("/hostedzone/", 0) == 0) {
    if (path.find("/rrset") == std::string::npos) return "GetHostedZone";
    return method == "POST" ? "ChangeResourceRecordSets" : "ListResourceRecordSets";
  }
  return method + " " + path;
}

void Route53Client::count_attempt(const Call& call, const char* outcome) {
  std::string op = operation_name(call.method, call.path);
  ++metrics_.attempts[{op, outcome}];
  auto [h, fresh] = metrics_.latency_s.try_emplace(op, latency_bounds_s());
  h->second.observe(static_cast<double>(std::max<int64_t>(0, loop_.clock().mono_ms() - call.sent_ms)) / 1000.0);
}

void Route53Client::set_max_attempts(int n) {
  BackoffOptions o = backoff_.options();
  o.max_attempts = std::max(1, n);
  options_.backoff = o;
  backoff_.set_options(o);
}

}  // namespace r53d::r53
