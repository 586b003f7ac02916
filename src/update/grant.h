// Permission filters for RFC 2136 UPDATE (RFC 2136 §3.3): what one `allow-update` grant lets a
// client change. The caller (who matched the TSIG key or the source address against the zone's
// allow-update rules) builds the Grant from configuration; update::apply asks it about every
// name and type the UPDATE would change, and REFUSES the whole message if one is not covered.
//
//   allow-update = key update-key                          -> update::AllowAll
//   allow-update = address 192.0.2.0/24                    -> update::AllowAll (caller checks the address)
//   allow-update = key acme names _acme-challenge.example.com,*.acme.example.com types TXT
//       auto g = update::NamesTypesGrant::parse({"_acme-challenge.example.com", "*.acme.example.com"},
//                                               {"TXT"});   // Result<NamesTypesGrant>
//   several allow-update lines for one key                 -> update::AnyOfGrant({&g1, &g2})
//
// Prerequisites are not filtered by grants (as in BIND): they only read the zone, and the client
// already holds a grant for it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "util/status.h"
#include "zone/name.h"

namespace r53d::update {

class Grant {
 public:
  virtual ~Grant() = default;
  // May the client change the RRset of `type` at `owner`? (owner is in the zone; type is a real
  // type, never ANY: a "delete all RRsets at a name" asks once per type present there.)
  virtual bool allows(const zone::Name& owner, uint16_t type) const = 0;
  // Does the grant cover `owner` at all? (asked for a "delete all RRsets" at a name holding none)
  virtual bool allows_name(const zone::Name& owner) const = 0;
  // For log lines: "any name and type", "names _acme-challenge.example.com. types TXT".
  virtual std::string describe() const = 0;
};

// Any name and any type in the zone (`key NAME`, `address CIDR`).
class AllowAll final : public Grant {
 public:
  bool allows(const zone::Name&, uint16_t) const override { return true; }
  bool allows_name(const zone::Name&) const override { return true; }
  std::string describe() const override { return "any name and type"; }
};

// A grant limited to names and/or types (`key NAME names P[,P] types T[,T]`).
class NamesTypesGrant final : public Grant {
 public:
  struct Pattern {
    zone::Name name;
    bool below = false;  // "*.name": any name strictly below name; otherwise exactly name
  };

  // patterns: "www.example.com" (exact, case-insensitive, dot optional) or "*.example.com"
  // (strictly below example.com; not example.com itself). types: mnemonics ("TXT", "a").
  // An empty list means "any". kInvalidArgument names the bad pattern or type.
  static Result<NamesTypesGrant> parse(const std::vector<std::string>& patterns,
                                       const std::vector<std::string>& types);
  NamesTypesGrant(std::vector<Pattern> patterns, std::vector<uint16_t> types)
      : patterns_(std::move(patterns)), types_(std::move(types)) {}

  bool allows(const zone::Name& owner, uint16_t type) const override;
  bool allows_name(const zone::Name& owner) const override;
  std::string describe() const override;

 private:
  std::vector<Pattern> patterns_;
  std::vector<uint16_t> types_;
};

// Several grants for one client: a change is allowed if any of them allows it. Borrows the
// grants, which must outlive it.
class AnyOfGrant final : public Grant {
 public:
  explicit AnyOfGrant(std::vector<const Grant*> grants) : grants_(std::move(grants)) {}
  bool allows(const zone::Name& owner, uint16_t type) const override;
  bool allows_name(const zone::Name& owner) const override;
  std::string describe() const override;

 private:
  std::vector<const Grant*> grants_;
};

}  // namespace r53d::update
