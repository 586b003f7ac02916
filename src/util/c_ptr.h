// Owners for C library objects: std::unique_ptr with a stateless deleter, one alias per type.
//
//   PktPtr pkt(ldns_pkt_new());        // freed with ldns_pkt_free
//   ldns_pkt_push_rr(p, s, rr.release());  // the packet takes ownership: release() here
#pragma once

#include <cstdio>
#include <memory>

namespace r53d {

template <auto Fn>
struct CFree {
  template <class T>
  void operator()(T* p) const noexcept {
    if (p) Fn(p);
  }
};

template <class T, auto Fn>
using CPtr = std::unique_ptr<T, CFree<Fn>>;

using FilePtr = CPtr<FILE, &fclose>;

}  // namespace r53d
