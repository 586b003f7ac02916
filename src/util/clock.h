// Injected time and randomness, so rate limiters, back-off and TSIG time checks are testable.
//
//   SystemClock clock;             // production
//   FakeClock fake(1'000'000);     // tests: fake.advance_ms(200);
#pragma once

#include <cstdint>
#include <functional>
#include <random>

namespace r53d {

class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic milliseconds (arbitrary epoch); use for timers, rates, deadlines.
  virtual int64_t mono_ms() const = 0;
  // Wall-clock milliseconds since the Unix epoch; use for TSIG time, SigV4 dates, logs.
  virtual int64_t wall_ms() const = 0;
};

class SystemClock final : public Clock {
 public:
  int64_t mono_ms() const override;
  int64_t wall_ms() const override;
  static SystemClock& instance();
};

class FakeClock final : public Clock {
 public:
  explicit FakeClock(int64_t wall_ms = 1'440'938'160'000, int64_t mono_ms = 1'000'000)
      : wall_(wall_ms), mono_(mono_ms) {}
  int64_t mono_ms() const override { return mono_; }
  int64_t wall_ms() const override { return wall_; }
  void advance_ms(int64_t d) { mono_ += d; wall_ += d; }
  void set_wall_ms(int64_t w) { wall_ = w; }

 private:
  int64_t wall_;
  int64_t mono_;
};

// Uniform random double in [0, 1). Production: seeded from std::random_device; tests: fixed.
using UniformRng = std::function<double()>;
UniformRng make_system_rng();
UniformRng make_seeded_rng(uint64_t seed);

}  // namespace r53d
