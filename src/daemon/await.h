// Waiting for one asynchronous call in the one-shot modes: start it, turn the loop until its
// callback has run, return what it got. Only for the one-shot modes (the daemon never waits).
//
//   auto zones = daemon::await<r53::ApiResult<std::vector<r53::HostedZone>>>(
//       loop, [&](auto done) { client.list_hosted_zones(std::move(done)); });
//   if (!zones) ...;   // nullopt: the loop ran dry before the callback
#pragma once

#include <optional>
#include <utility>

#include "loop/event_base.h"

namespace r53d::daemon {

template <class R, class Start>
std::optional<R> await(loop::EventBase& loop, Start start) {
  std::optional<R> out;
  bool done = false;
  start([&](R r) {
    out = std::move(r);
    done = true;
    loop.stop();
  });
  while (!done && loop.run_once()) {
  }
  return out;
}

}  // namespace r53d::daemon
