// ZoneBackend on the real Route 53 client: ChangeResourceRecordSets, and the re-reads a lost
// compare-and-swap needs (ListResourceRecordSets from each name, or every page of the zone).
//
//   commit::Route53Backend backend(r53_client);
//   commit::ZoneCommitter zc(loop, std::move(mirror), "Z0123", backend);
#pragma once

#include <memory>

#include "commit/backend.h"
#include "r53/api.h"

namespace r53d::commit {

class Route53Backend final : public ZoneBackend {
 public:
  // client must outlive the backend. Destroying the backend drops callbacks not yet delivered.
  explicit Route53Backend(r53::Route53Client& client) : client_(client), alive_(std::make_shared<bool>(true)) {}
  ~Route53Backend() override { *alive_ = false; }

  void change_rrsets(const std::string& zone_id, const r53::ChangeBatch& batch,
                     std::function<void(ChangeOutcome)> cb) override;
  // One ListResourceRecordSets per name (StartRecordName = the name, pages followed while they
  // still hold that name).
  void read_names(const std::string& zone_id, const std::vector<zone::Name>& names,
                  RecordSetsCallback cb) override;
  void read_zone(const std::string& zone_id, RecordSetsCallback cb) override;

 private:
  r53::Route53Client& client_;
  std::shared_ptr<bool> alive_;
};

}  // namespace r53d::commit
