// Status and Result<T>: the one error vocabulary of route53d (modelled on absl::Status).
//
// The code says what the caller should do:
//   kUnavailable        throttled, 5xx, network trouble: back off and retry
//   kAborted            compare-and-swap lost: re-read the names involved, rebuild
//   kInvalidArgument    bad input (UPDATE, config value, XML): do not retry
//   kFailedPrecondition the request is valid but the state forbids it: do not retry
//   kResourceExhausted  too big (batch over the limits): split
//   kNotFound, kAlreadyExists, kPermissionDenied, kDeadlineExceeded, kInternal
//
// Usage:
//   Result<int> parse_port(std::string_view s);
//   auto r = parse_port("53");
//   if (!r.ok()) return r.status();
//   int port = *r;
#pragma once

#include <cassert>
#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace r53d {

enum class Code {
  kOk = 0,
  kInvalidArgument,
  kNotFound,
  kAlreadyExists,
  kPermissionDenied,
  kFailedPrecondition,
  kAborted,
  kResourceExhausted,
  kUnavailable,
  kDeadlineExceeded,
  kInternal,
};

// The only code -> text table.
std::string_view code_name(Code c);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok_status() { return Status(); }
  static Status invalid_argument(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
  static Status not_found(std::string m) { return {Code::kNotFound, std::move(m)}; }
  static Status already_exists(std::string m) { return {Code::kAlreadyExists, std::move(m)}; }
  static Status permission_denied(std::string m) { return {Code::kPermissionDenied, std::move(m)}; }
  static Status failed_precondition(std::string m) { return {Code::kFailedPrecondition, std::move(m)}; }
  static Status aborted(std::string m) { return {Code::kAborted, std::move(m)}; }
  static Status resource_exhausted(std::string m) { return {Code::kResourceExhausted, std::move(m)}; }
  static Status unavailable(std::string m) { return {Code::kUnavailable, std::move(m)}; }
  static Status deadline_exceeded(std::string m) { return {Code::kDeadlineExceeded, std::move(m)}; }
  static Status internal(std::string m) { return {Code::kInternal, std::move(m)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // "UNAVAILABLE: Throttling: Rate exceeded" (or "OK").
  std::string to_string() const;

  bool operator==(const Status& o) const { return code_ == o.code_ && message_ == o.message_; }

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

// Writes to_string(); lets GoogleTest print a Status in a failed EXPECT_EQ (in every test file
// alike: a printer declared in only some of them would break the one-definition rule).
std::ostream& operator<<(std::ostream& os, const Status& s);

// A value or the Status that explains why there is none. Never holds an OK status without a value.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}                // NOLINT(implicit)
  Result(Status status) : v_(std::move(status)) {           // NOLINT(implicit)
    assert(!std::get<Status>(v_).ok() && "Result from an OK Status has no value");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { assert(ok()); return std::get<T>(v_); }
  const T& value() const& { assert(ok()); return std::get<T>(v_); }
  T&& value() && { assert(ok()); return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace r53d

// Propagate a non-OK Status: R53D_RETURN_IF_ERROR(do_thing());
#define R53D_RETURN_IF_ERROR(expr)            \
  do {                                        \
    ::r53d::Status r53d_status_ = (expr);     \
    if (!r53d_status_.ok()) return r53d_status_; \
  } while (0)
