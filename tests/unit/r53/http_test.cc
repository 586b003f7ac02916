// Tests for HttpClient against a real evhttp server on 127.0.0.1 (port chosen by the kernel).
#include "r53/http.h"

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/socket.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <set>
#include <string>

namespace r53d::r53 {
namespace {

// A tiny HTTP server on the test's loop: /hello, /echo, /slow (answers after 2 s), /big?n=BYTES.
class TestServer {
 public:
  explicit TestServer(event_base* base) : base_(base) {
    http_ = evhttp_new(base);
    evhttp_set_gencb(http_, &TestServer::on_request_cb, this);
    evhttp_bound_socket* sock = evhttp_bind_socket_with_handle(http_, "127.0.0.1", 0);
    EXPECT_NE(sock, nullptr);
    sockaddr_storage ss{};
    socklen_t len = sizeof(ss);
    getsockname(evhttp_bound_socket_get_fd(sock), reinterpret_cast<sockaddr*>(&ss), &len);
    port_ = ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  }
  ~TestServer() {
    for (event* ev : timers_) event_free(ev);
    evhttp_free(http_);
  }
  std::string url(const std::string& path) const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  size_t connections() const { return conns_.size(); }
  int requests = 0;
  int resets = 0;

 private:
  static void on_request_cb(evhttp_request* req, void* arg) {
    static_cast<TestServer*>(arg)->on_request(req);
  }
  void on_request(evhttp_request* req) {
    requests++;
    bool seen_before = !conns_.insert(evhttp_request_get_connection(req)).second;
    std::string uri = evhttp_request_get_uri(req);
    evbuffer* out = evbuffer_new();
    if (uri == "/hello") {
      evbuffer_add_printf(out, "hello");
      evhttp_add_header(evhttp_request_get_output_headers(req), "X-Amzn-RequestId", "req-1");
      evhttp_send_reply(req, 200, "OK", out);
    } else if (uri == "/echo") {
      std::string text;
      switch (evhttp_request_get_command(req)) {
        case EVHTTP_REQ_GET: text = "GET"; break;
        case EVHTTP_REQ_POST: text = "POST"; break;
        case EVHTTP_REQ_PUT: text = "PUT"; break;
        case EVHTTP_REQ_DELETE: text = "DELETE"; break;
        default: text = "OTHER"; break;
      }
      text += "\n";
      evkeyvalq* in_headers = evhttp_request_get_input_headers(req);
      for (evkeyval* h = in_headers->tqh_first; h; h = h->next.tqe_next) {
        text += std::string(h->key) + "=" + h->value + "\n";
      }
      evbuffer* body = evhttp_request_get_input_buffer(req);
      size_t n = evbuffer_get_length(body);
      text += "body=" + std::string(reinterpret_cast<char*>(evbuffer_pullup(body, -1)), n);
      evbuffer_add(out, text.data(), text.size());
      evhttp_send_reply(req, 200, "OK", out);
    } else if (uri == "/slow") {
      event* ev = evtimer_new(base_, &TestServer::on_slow_cb, req);
      timers_.push_back(ev);
      timeval tv{2, 0};
      evtimer_add(ev, &tv);
    } else if (uri.rfind("/big?n=", 0) == 0) {
      std::string body(std::stoul(uri.substr(7)), 'x');
      evbuffer_add(out, body.data(), body.size());
      evhttp_send_reply(req, 200, "OK", out);
    } else if (uri == "/reset-reused") {
      // Carried out (counted), then a reset instead of the answer, but only on a connection that
      // already served a request: curl sends the request again on a fresh connection. Once only
      // (the fresh connection may get the freed one's address).
      if (seen_before && resets == 0) {
        resets++;
        int fd = bufferevent_getfd(evhttp_connection_get_bufferevent(evhttp_request_get_connection(req)));
        linger l{1, 0};
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
        timeval now{0, 0};
        event_base_once(base_, -1, EV_TIMEOUT, [](int, short, void* c) {
          evhttp_connection_free(static_cast<evhttp_connection*>(c));
        }, evhttp_request_get_connection(req), &now);
      } else {
        evbuffer_add_printf(out, "fresh");
        evhttp_send_reply(req, 200, "OK", out);
      }
    } else if (uri == "/notfound") {
      evbuffer_add_printf(out, "<ErrorResponse/>");
      evhttp_send_reply(req, 404, "Not Found", out);
    } else {
      evhttp_send_reply(req, 500, "Internal", out);
    }
    evbuffer_free(out);
  }
  static void on_slow_cb(int, short, void* arg) {
    auto* req = static_cast<evhttp_request*>(arg);
    evhttp_send_reply(req, 200, "OK", nullptr);
  }

  event_base* base_;
  evhttp* http_;
  uint16_t port_ = 0;
  std::set<evhttp_connection*> conns_;
  std::vector<event*> timers_;
};

class HttpClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = event_base_new();
    server_ = std::make_unique<TestServer>(base_);
    client_ = std::make_unique<HttpClient>(base_);
  }
  void TearDown() override {
    client_.reset();
    server_.reset();
    event_base_free(base_);
  }
  // Runs the loop until `pending` reaches 0 or 10 s pass.
  void run_until_done(int& pending) {
    pending_ = &pending;
    event* guard = evtimer_new(base_, [](int, short, void* b) {
      event_base_loopbreak(static_cast<event_base*>(b));
    }, base_);
    timeval tv{10, 0};
    evtimer_add(guard, &tv);
    while (pending > 0) {
      if (event_base_loop(base_, EVLOOP_ONCE) != 0) break;
      if (event_base_got_break(base_)) break;
    }
    event_free(guard);
  }

  event_base* base_ = nullptr;
  std::unique_ptr<TestServer> server_;
  std::unique_ptr<HttpClient> client_;
  int* pending_ = nullptr;
};

TEST_F(HttpClientTest, GetReturnsStatusBodyAndHeaders) {
  int pending = 1;
  Result<HttpResponse> got = Status::internal("not called");
  HttpRequest req;
  req.url = server_->url("/hello");
  client_->start(std::move(req), [&](Result<HttpResponse> r) {
    got = std::move(r);
    pending--;
  });
  run_until_done(pending);
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  EXPECT_EQ(got->status, 200);
  EXPECT_EQ(got->body, "hello");
  EXPECT_EQ(got->header("x-amzn-requestid"), "req-1");
  EXPECT_EQ(got->header("X-AMZN-REQUESTID"), "req-1");
  EXPECT_EQ(got->header("X-Missing"), "");
}

TEST_F(HttpClientTest, CountsTheRequestCurlSendsAgainAfterAReusedConnectionDies) {
  auto fetch = [&](const std::string& path) {
    int pending = 1;
    Result<HttpResponse> got = Status::internal("not called");
    HttpRequest req;
    req.method = "POST";
    req.body = "<x/>";
    req.url = server_->url(path);
    client_->start(std::move(req), [&](Result<HttpResponse> r) {
      got = std::move(r);
      pending--;
    });
    run_until_done(pending);
    return got;
  };
  auto first = fetch("/hello");
  ASSERT_TRUE(first.ok()) << first.status().to_string();
  EXPECT_EQ(first->sends, 1);
  // Same connection (kept alive): the server reads the request, then resets. curl retries on a
  // fresh connection without telling the caller, except through `sends`.
  auto again = fetch("/reset-reused");
  ASSERT_TRUE(again.ok()) << again.status().to_string();
  EXPECT_EQ(again->status, 200);
  EXPECT_EQ(again->body, "fresh");
  EXPECT_EQ(server_->resets, 1);
  EXPECT_EQ(server_->requests, 3) << "the server saw the request twice";
  EXPECT_EQ(again->sends, 2);
}

TEST_F(HttpClientTest, NeverCallsBackBeforeStartReturns) {
  bool returned = false;
  bool called_early = false;
  int pending = 2;
  HttpRequest ok;
  ok.url = server_->url("/hello");
  client_->start(std::move(ok), [&](Result<HttpResponse>) { called_early |= !returned; pending--; });
  HttpRequest bad;
  bad.url = "ftp://127.0.0.1/x";  // refused by the protocol list, reported from the loop
  Status bad_status;
  client_->start(std::move(bad), [&](Result<HttpResponse> r) {
    called_early |= !returned;
    bad_status = r.status();
    pending--;
  });
  returned = true;
  run_until_done(pending);
  EXPECT_FALSE(called_early);
  EXPECT_FALSE(bad_status.ok());
}

TEST_F(HttpClientTest, PostSendsBodyAndHeadersWithoutCurlDefaults) {
  int pending = 1;
  Result<HttpResponse> got = Status::internal("not called");
  HttpRequest req;
  req.method = "POST";
  req.url = server_->url("/echo");
  req.headers = {{"X-Amz-Date", "20150830T123600Z"}, {"Host", "route53.amazonaws.com"}};
  req.body = std::string(5000, 'b');  // big enough for curl's automatic Expect: 100-continue
  client_->start(std::move(req), [&](Result<HttpResponse> r) { got = std::move(r); pending--; });
  run_until_done(pending);
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  const std::string& b = got->body;
  EXPECT_EQ(b.rfind("POST\n", 0), 0u) << b;
  EXPECT_NE(b.find("X-Amz-Date=20150830T123600Z\n"), std::string::npos) << b;
  EXPECT_NE(b.find("Host=route53.amazonaws.com\n"), std::string::npos) << b;
  EXPECT_EQ(b.find("Content-Type"), std::string::npos) << b;
  EXPECT_EQ(b.find("Expect"), std::string::npos) << b;
  EXPECT_NE(b.find("body=" + std::string(5000, 'b')), std::string::npos);
}

TEST_F(HttpClientTest, PutWithEmptyBodySendsContentLengthZero) {
  int pending = 1;
  Result<HttpResponse> got = Status::internal("not called");
  HttpRequest req;
  req.method = "PUT";
  req.url = server_->url("/echo");
  req.headers = {{"X-aws-ec2-metadata-token-ttl-seconds", "21600"}};
  client_->start(std::move(req), [&](Result<HttpResponse> r) { got = std::move(r); pending--; });
  run_until_done(pending);
  ASSERT_TRUE(got.ok()) << got.status().to_string();
  EXPECT_EQ(got->body.rfind("PUT\n", 0), 0u) << got->body;
  EXPECT_NE(got->body.find("Content-Length=0\n"), std::string::npos) << got->body;
  EXPECT_NE(got->body.find("X-aws-ec2-metadata-token-ttl-seconds=21600"), std::string::npos);
}

TEST_F(HttpClientTest, ErrorStatusIsAResponseNotAFailure) {
  int pending = 1;
  Result<HttpResponse> got = Status::internal("not called");
  HttpRequest req;
  req.url = server_->url("/notfound");
  client_->start(std::move(req), [&](Result<HttpResponse> r) { got = std::move(r); pending--; });
  run_until_done(pending);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->status, 404);
  EXPECT_EQ(got->body, "<ErrorResponse/>");
}

TEST_F(HttpClientTest, ManyConcurrentRequestsReuseFewConnections) {
  constexpr int kRequests = 200;
  int pending = kRequests;
  int ok = 0;
  int issued = 10;
  // Issue in waves of 10 from the callbacks, so finished connections can be reused.
  std::function<void()> issue = [&] {
    HttpRequest req;
    req.url = server_->url("/hello");
    client_->start(std::move(req), [&](Result<HttpResponse> r) {
      if (r.ok() && r->status == 200 && r->body == "hello") ok++;
      pending--;
      if (issued < kRequests) {
        issued++;
        issue();
      }
    });
  };
  for (int i = 0; i < 10; i++) issue();
  run_until_done(pending);
  EXPECT_EQ(ok, kRequests);
  EXPECT_EQ(server_->requests, kRequests);
  // Keep-alive: at most a handful of connections for 200 requests with 10 in flight.
  EXPECT_LE(server_->connections(), 12u);
  EXPECT_LE(client_->stats().connections_opened, 12u);
  EXPECT_EQ(client_->stats().completed, static_cast<uint64_t>(kRequests));
}

TEST_F(HttpClientTest, ManyParallelRequestsAllComplete) {
  constexpr int kRequests = 100;
  int pending = kRequests;
  int ok = 0;
  for (int i = 0; i < kRequests; i++) {
    HttpRequest req;
    req.url = server_->url("/hello");
    client_->start(std::move(req), [&](Result<HttpResponse> r) {
      if (r.ok() && r->status == 200) ok++;
      pending--;
    });
  }
  EXPECT_EQ(client_->in_flight(), static_cast<size_t>(kRequests));
  run_until_done(pending);
  EXPECT_EQ(ok, kRequests);
  EXPECT_EQ(client_->in_flight(), 0u);
}

TEST_F(HttpClientTest, TotalTimeoutGivesDeadlineExceeded) {
  int pending = 1;
  Result<HttpResponse> got = Status::internal("not called");
  HttpRequest req;
  req.url = server_->url("/slow");
  req.timeout_ms = 200;
  client_->start(std::move(req), [&](Result<HttpResponse> r) { got = std::move(r); pending--; });
  run_until_done(pending);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), Code::kDeadlineExceeded) << got.status().to_string();
  EXPECT_NE(got.status().message().find("127.0.0.1"), std::string::npos);
}

TEST_F(HttpClientTest, ResponseOverTheCapIsAborted) {
  int pending = 2;
  Result<HttpResponse> small = Status::internal("not called");
  Result<HttpResponse> big = Status::internal("not called");
  HttpRequest a;
  a.url = server_->url("/big?n=1000");
  a.max_response_bytes = 4096;
  client_->start(std::move(a), [&](Result<HttpResponse> r) { small = std::move(r); pending--; });
  HttpRequest b;
  b.url = server_->url("/big?n=100000");
  b.max_response_bytes = 4096;
  client_->start(std::move(b), [&](Result<HttpResponse> r) { big = std::move(r); pending--; });
  run_until_done(pending);
  ASSERT_TRUE(small.ok()) << small.status().to_string();
  EXPECT_EQ(small->body.size(), 1000u);
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.status().code(), Code::kResourceExhausted) << big.status().to_string();
}

TEST_F(HttpClientTest, ConnectionRefusedIsUnavailable) {
  // Find a port nobody listens on: bind, read the port, close.
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)), 0);
  socklen_t len = sizeof(sa);
  getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  int port = ntohs(sa.sin_port);
  close(fd);

  int pending = 1;
  Result<HttpResponse> got = Status::internal("not called");
  HttpRequest req;
  req.url = "http://127.0.0.1:" + std::to_string(port) + "/";
  client_->start(std::move(req), [&](Result<HttpResponse> r) { got = std::move(r); pending--; });
  run_until_done(pending);
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), Code::kUnavailable) << got.status().to_string();
}

TEST_F(HttpClientTest, CancelledTransferNeverCallsBack) {
  int pending = 1;
  bool slow_called = false;
  HttpRequest slow;
  slow.url = server_->url("/slow");
  uint64_t id = client_->start(std::move(slow), [&](Result<HttpResponse>) { slow_called = true; });
  HttpRequest bad;
  bad.url = "gopher://x/";
  uint64_t bad_id = client_->start(std::move(bad), [&](Result<HttpResponse>) { slow_called = true; });
  client_->cancel(bad_id);
  // Cancel the slow one from the callback of a quick one, after the request reached the server.
  HttpRequest quick;
  quick.url = server_->url("/hello");
  client_->start(std::move(quick), [&](Result<HttpResponse>) {
    client_->cancel(id);
    pending--;
  });
  run_until_done(pending);
  // Give a would-be callback time to arrive.
  int wait = 1;
  event* ev = evtimer_new(base_, [](int, short, void* p) { (*static_cast<int*>(p))--; }, &wait);
  timeval tv{0, 300000};
  evtimer_add(ev, &tv);
  run_until_done(wait);
  event_free(ev);
  EXPECT_FALSE(slow_called);
  EXPECT_EQ(client_->in_flight(), 0u);
}

TEST_F(HttpClientTest, CancelInsideCallbackOfSameRoundSuppressesTheOther) {
  // Two transfers finishing in the same round: the first callback cancels the second.
  int pending = 1;
  int calls = 0;
  uint64_t second = 0;
  HttpRequest a;
  a.url = server_->url("/hello");
  HttpRequest b = a;
  client_->start(std::move(a), [&](Result<HttpResponse>) {
    calls++;
    client_->cancel(second);
    pending--;
  });
  second = client_->start(std::move(b), [&](Result<HttpResponse>) {
    calls++;
    client_->cancel(1);
    pending--;
  });
  run_until_done(pending);
  EXPECT_EQ(calls, 1);
}

TEST_F(HttpClientTest, DestructorWithTransfersInFlightIsClean) {
  for (int i = 0; i < 5; i++) {
    HttpRequest req;
    req.url = server_->url("/slow");
    client_->start(std::move(req), [](Result<HttpResponse>) { FAIL() << "no callback"; });
  }
  // Run briefly so connections are open, then destroy the client.
  int wait = 1;
  event* ev = evtimer_new(base_, [](int, short, void* p) { (*static_cast<int*>(p))--; }, &wait);
  timeval tv{0, 100000};
  evtimer_add(ev, &tv);
  run_until_done(wait);
  event_free(ev);
  client_.reset();
}

TEST_F(HttpClientTest, TlsPeerIsVerified) {
  // A TLS server with a self-signed certificate (openssl s_server): the transfer must fail
  // verification instead of talking to it.
  if (access("/usr/bin/openssl", X_OK) != 0) GTEST_SKIP() << "no openssl binary";
  char dir[] = "/tmp/r53d-tls.XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string d(dir);
  std::string gen = "/usr/bin/openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
                    "-keyout " + d + "/key.pem -out " + d + "/cert.pem >/dev/null 2>&1";
  ASSERT_EQ(std::system(gen.c_str()), 0);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)), 0);
  socklen_t len = sizeof(sa);
  getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  int port = ntohs(sa.sin_port);
  close(fd);
  pid_t pid = fork();
  if (pid == 0) {
    int null = open("/dev/null", O_RDWR);
    dup2(null, 0);
    dup2(null, 1);
    dup2(null, 2);
    std::string accept = "127.0.0.1:" + std::to_string(port);
    std::string cert = d + "/cert.pem", key = d + "/key.pem";
    execl("/usr/bin/openssl", "openssl", "s_server", "-accept", accept.c_str(), "-cert",
          cert.c_str(), "-key", key.c_str(), "-www", "-quiet", static_cast<char*>(nullptr));
    _exit(127);
  }
  // Wait until it listens (up to 5 s).
  for (int i = 0; i < 100; i++) {
    int c = socket(AF_INET, SOCK_STREAM, 0);
    bool up = connect(c, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) == 0;
    close(c);
    if (up) break;
    usleep(50000);
  }
  int pending = 1;
  Result<HttpResponse> got = Status::internal("not called");
  HttpRequest req;
  req.url = "https://127.0.0.1:" + std::to_string(port) + "/";
  client_->start(std::move(req), [&](Result<HttpResponse> r) { got = std::move(r); pending--; });
  run_until_done(pending);
  kill(pid, SIGTERM);
  waitpid(pid, nullptr, 0);
  std::system(("rm -rf " + d).c_str());
  ASSERT_FALSE(got.ok()) << "talked to a server with a self-signed certificate";
  EXPECT_EQ(got.status().code(), Code::kUnavailable);
  EXPECT_NE(got.status().message().find("certificate"), std::string::npos) << got.status().message();
}

}  // namespace
}  // namespace r53d::r53
