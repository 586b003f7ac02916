// An RFC 2136 UPDATE as an edit of the commit pipeline (edit.h): update::apply on the working
// copy, the names of its prerequisite and update sections, retransmissions recognised by
// (message bytes, client, message ID).
//
//   commit::UpdateRequest req{.client = "192.0.2.1#5300", .id = 0x1234, .wire = bytes,
//                             .pkt = std::move(pkt), .grant = grant, .key = "update-key."};
//   committer.submit(std::make_unique<commit::UpdateEdit>(std::move(req)), done);
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "commit/edit.h"
#include "update/grant.h"
#include "update/update.h"

namespace r53d::commit {

// One UPDATE handed over by the DNS side.
struct UpdateRequest {
  std::string client;                          // "192.0.2.1#5300": logs and retransmission key
  uint16_t id = 0;                             // DNS message ID
  std::vector<uint8_t> wire;                   // the message as received (retransmission key)
  zone::PktPtr pkt;                            // the parsed message (owned)
  std::shared_ptr<const update::Grant> grant;  // what this client may change (non-null)
  std::string key;                             // TSIG key name for logs, "" if unsigned
  update::Options options;                     // the zone's choices (DHCID emulation)
};

class UpdateEdit final : public Edit {
 public:
  explicit UpdateEdit(UpdateRequest req);

  std::string describe() const override;
  EditResult apply(zone::WorkingCopy& wc) override;
  std::vector<zone::Name> names_read(const zone::Name& apex) const override;
  std::vector<zone::Name> absence_names(const zone::Name& apex) const override;
  bool asserts_reads() const override { return true; }  // update::apply's rely_* calls
  // RFC 2136 clients retransmit the identical message (same ID, same TSIG time and MAC).
  std::string dedup_key() const override { return dedup_key_; }

  const UpdateRequest& request() const { return req_; }

 private:
  UpdateRequest req_;
  std::string dedup_key_;
};

}  // namespace r53d::commit
