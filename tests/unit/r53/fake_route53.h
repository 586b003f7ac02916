// A scripted Route 53 for unit tests: an evhttp server on 127.0.0.1 (kernel-chosen port) that
// records every request and answers from a script or a handler; plus helpers to build replies
// and a Route53Client pointed at it.
#pragma once

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <strings.h>

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "r53/api.h"

namespace r53d::r53::fake {

struct Seen {
  std::string method;
  std::string uri;  // path?query as received
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string header(const std::string& name) const {
    for (auto& [k, v] : headers) {
      if (strcasecmp(k.c_str(), name.c_str()) == 0) return v;
    }
    return "";
  }
};

struct Reply {
  int status = 200;
  std::string body;
};

// Replies from a script (one Reply per request, in order), from a handler function, or later from
// an async handler (a reply held while the test does something else: a request in flight).
class FakeRoute53 {
 public:
  explicit FakeRoute53(event_base* base) {
    http_ = evhttp_new(base);
    evhttp_set_allowed_methods(http_, EVHTTP_REQ_GET | EVHTTP_REQ_POST);
    evhttp_set_gencb(http_, &FakeRoute53::on_request_cb, this);
    evhttp_bound_socket* sock = evhttp_bind_socket_with_handle(http_, "127.0.0.1", 0);
    sockaddr_in sa{};
    socklen_t len = sizeof(sa);
    getsockname(evhttp_bound_socket_get_fd(sock), reinterpret_cast<sockaddr*>(&sa), &len);
    port = ntohs(sa.sin_port);
  }
  ~FakeRoute53() { evhttp_free(http_); }

  std::deque<Reply> script;
  std::function<Reply(const Seen&)> handler;
  // Gets each request and the function that answers it: call that once, from the loop, now or
  // later (harmless if the client has gone meanwhile: libevent then just frees the request).
  // Takes precedence over handler and script.
  std::function<void(const Seen&, std::function<void(const Reply&)>)> async_handler;
  std::vector<Seen> seen;
  uint16_t port = 0;

 private:
  static void on_request_cb(evhttp_request* req, void* arg) {
    auto* self = static_cast<FakeRoute53*>(arg);
    Seen s;
    s.method = evhttp_request_get_command(req) == EVHTTP_REQ_POST ? "POST" : "GET";
    s.uri = evhttp_request_get_uri(req);
    evkeyvalq* hs = evhttp_request_get_input_headers(req);
    for (evkeyval* h = hs->tqh_first; h; h = h->next.tqe_next) s.headers.emplace_back(h->key, h->value);
    evbuffer* in = evhttp_request_get_input_buffer(req);
    s.body.assign(reinterpret_cast<char*>(evbuffer_pullup(in, -1)), evbuffer_get_length(in));
    self->seen.push_back(s);
    if (self->async_handler) {
      self->async_handler(s, [req](const Reply& r) { send(req, r); });
      return;
    }
    Reply r;
    if (self->handler) {
      r = self->handler(s);
    } else if (!self->script.empty()) {
      r = self->script.front();
      self->script.pop_front();
    } else {
      r = {500, ""};
    }
    send(req, r);
  }
  static void send(evhttp_request* req, const Reply& r) {
    evbuffer* out = evbuffer_new();
    evbuffer_add(out, r.body.data(), r.body.size());
    evhttp_add_header(evhttp_request_get_output_headers(req), "x-amzn-RequestId", "hdr-req-id");
    evhttp_send_reply(req, r.status, "X", out);
    evbuffer_free(out);
  }
  evhttp* http_;
};

inline std::string error_body(const std::string& code, const std::string& message) {
  return "<?xml version=\"1.0\"?><ErrorResponse xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\">"
         "<Error><Type>Sender</Type><Code>" + code + "</Code><Message>" + message +
         "</Message></Error><RequestId>body-req-id</RequestId></ErrorResponse>";
}

inline std::string change_info_body(const std::string& root, const std::string& status) {
  return "<" + root + " xmlns=\"https://route53.amazonaws.com/doc/2013-04-01/\"><ChangeInfo>"
         "<Id>/change/C123</Id><Status>" + status + "</Status>"
         "<SubmittedAt>2017-02-10T01:36:41.958Z</SubmittedAt></ChangeInfo></" + root + ">";
}

inline Endpoint endpoint_for(uint16_t port) {
  Endpoint ep;
  ep.scheme = "http";
  ep.host = "127.0.0.1";
  ep.port = port;
  ep.host_header = "127.0.0.1:" + std::to_string(port);
  ep.base_url = "http://" + ep.host_header;
  ep.region = ep.signing_region = "us-east-1";
  ep.partition = "aws";
  return ep;
}

// Fixed test credentials, delivered from the loop.
inline Route53Client::CredentialsFn fixed_credentials(loop::EventBase& loop) {
  return [&loop](std::function<void(Result<Credentials>)> cb) {
    Credentials c{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", 0, "test"};
    loop.defer([cb, c] { cb(c); });
  };
}

}  // namespace r53d::r53::fake
