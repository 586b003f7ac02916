// Domain names as the zone mirror keys them: canonical (lower-case) uncompressed wire form.
//
//   zone::Name n = zone::Name::from_rdf(ldns_rr_owner(rr));     // copies, lower-cases
//   auto z = zone::Name::from_text("Example.COM");              // Result<Name>
//   n.is_at_or_below(*z);   n.to_text() == "www.example.com."
//
// Two names are equal iff they are the same DNS name compared case-insensitively (RFC 4343);
// the ordering is byte order of the canonical wire form: good for map keys, it is NOT the RFC
// 4034 canonical zone order. Also declares the owners of ldns objects used by zone/ and update/.
#pragma once

// <stdbool.h> first: without it ldns/common.h defines `bool` as a macro, which breaks C++ headers.
#include <stdbool.h>

#include <ldns/ldns.h>

#include <compare>
#include <memory>
#include <string>
#include <string_view>

#include "util/c_ptr.h"
#include "util/status.h"

namespace r53d::zone {

using RrPtr = CPtr<ldns_rr, &ldns_rr_free>;
using RdfPtr = CPtr<ldns_rdf, &ldns_rdf_deep_free>;
using RrListPtr = CPtr<ldns_rr_list, &ldns_rr_list_deep_free>;
using PktPtr = CPtr<ldns_pkt, &ldns_pkt_free>;

class Name {
 public:
  Name();  // the root name "."

  // From an ldns DNAME rdf (borrowed; copied and lower-cased). A non-DNAME rdf gives the root.
  static Name from_rdf(const ldns_rdf* rdf);
  // From presentation text (ldns syntax: "\DDD" decimal and "\." escapes; trailing dot optional).
  static Result<Name> from_text(std::string_view text);

  // Canonical wire form including the root label: "\3www\7example\3com\0".
  const std::string& wire() const { return wire_; }
  // A new DNAME rdf (caller owns it).
  RdfPtr to_rdf() const;
  // Presentation form with trailing dot, as ldns prints it ("www.example.com.", "\052" stays "*").
  std::string to_text() const;

  // True if this name equals zone or lies below it (the RFC 2136 "in zone" test).
  bool is_at_or_below(const Name& zone) const;
  // Number of labels, not counting the root ("example.com." has 2).
  size_t label_count() const;
  // The first label is exactly "*".
  bool is_wildcard() const;

  bool operator==(const Name& o) const { return wire_ == o.wire_; }
  std::strong_ordering operator<=>(const Name& o) const { return wire_ <=> o.wire_; }

 private:
  std::string wire_;
};

}  // namespace r53d::zone
