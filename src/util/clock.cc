// SystemClock and the random sources behind UniformRng.
#include "util/clock.h"

#include <ctime>

#include <memory>

namespace r53d {

int64_t SystemClock::mono_ms() const {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

int64_t SystemClock::wall_ms() const {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1'000'000;
}

SystemClock& SystemClock::instance() {
  static SystemClock c;
  return c;
}

UniformRng make_seeded_rng(uint64_t seed) {
  auto gen = std::make_shared<std::mt19937_64>(seed);
  return [gen] { return std::uniform_real_distribution<double>(0.0, 1.0)(*gen); };
}

UniformRng make_system_rng() {
  std::random_device rd;
  return make_seeded_rng((static_cast<uint64_t>(rd()) << 32) ^ rd());
}

}  // namespace r53d
