// evhttp endpoint: /metrics and /status from a Snapshot.
#include "status/http_endpoint.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <netinet/in.h>

#include <cstring>

#include "status/render.h"
#include "util/log.h"

namespace r53d::status {

void HttpEndpoint::EvhttpFree::operator()(evhttp* h) const noexcept {
  if (h) evhttp_free(h);
}

Result<std::unique_ptr<HttpEndpoint>> HttpEndpoint::create(loop::EventBase& loop, const std::string& host, uint16_t port,
                                                           Allowed allowed, SnapshotFn snapshot) {
  std::string where = (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
  std::unique_ptr<HttpEndpoint> ep(new HttpEndpoint(std::move(allowed), std::move(snapshot)));
  ep->http_.reset(evhttp_new(loop.base()));
  if (!ep->http_) return Status::internal("http-listen " + where + ": evhttp_new failed");
  evhttp* h = ep->http_.get();
  // Small requests only, answered at once: short timeouts keep idle clients from piling up.
  evhttp_set_timeout(h, 10);
  evhttp_set_max_headers_size(h, 8192);
  evhttp_set_max_body_size(h, 0);
  evhttp_set_allowed_methods(h, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
  evhttp_set_gencb(h, &HttpEndpoint::on_request_cb, ep.get());
  errno = 0;
  evhttp_bound_socket* bound = evhttp_bind_socket_with_handle(h, host.c_str(), port);
  if (!bound) {
    int e = errno;
    return Status::unavailable("http-listen " + where + ": cannot bind: " + (e ? std::strerror(e) : "failed"));
  }
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (getsockname(evhttp_bound_socket_get_fd(bound), reinterpret_cast<sockaddr*>(&ss), &len) == 0) {
    ep->port_ = ntohs(ss.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port
                                               : reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  }
  return ep;
}

HttpEndpoint::~HttpEndpoint() = default;

void HttpEndpoint::on_request_cb(evhttp_request* req, void* arg) noexcept {
  auto* self = static_cast<HttpEndpoint*>(arg);
  try {
    self->on_request(req);
  } catch (const std::exception& e) {
    log::error("http: %s", e.what());
    evhttp_send_error(req, HTTP_INTERNAL, nullptr);
  }
}

void HttpEndpoint::on_request(evhttp_request* req) {
  ++stats_.requests;
  evhttp_connection* conn = evhttp_request_get_connection(req);
  const sockaddr* peer = conn ? evhttp_connection_get_addr(conn) : nullptr;
  if (!peer || !allowed_ || !allowed_(peer)) {
    ++stats_.forbidden;
    evhttp_send_error(req, 403, "Forbidden");
    return;
  }
  const evhttp_uri* uri = evhttp_request_get_evhttp_uri(req);
  const char* path = uri ? evhttp_uri_get_path(uri) : nullptr;
  std::string p = path ? path : "";
  std::string body, type;
  if (p == "/metrics") {
    body = render_prometheus(snapshot_());
    type = "text/plain; version=0.0.4; charset=utf-8";
  } else if (p == "/status") {
    body = render_json(snapshot_());
    type = "application/json";
  } else {
    ++stats_.not_found;
    evhttp_send_error(req, HTTP_NOTFOUND, "Not Found (try /metrics or /status)");
    return;
  }
  evkeyvalq* headers = evhttp_request_get_output_headers(req);
  evhttp_add_header(headers, "Content-Type", type.c_str());
  evhttp_add_header(headers, "Cache-Control", "no-store");
  evbuffer_add(evhttp_request_get_output_buffer(req), body.data(), body.size());
  evhttp_send_reply(req, HTTP_OK, "OK", nullptr);
}

}  // namespace r53d::status
