// RFC 2136 UPDATE as a commit-pipeline edit.
#include "commit/update_edit.h"

#include <string_view>

#include "update/update.h"
#include "util/crypto.h"

namespace r53d::commit {

UpdateEdit::UpdateEdit(UpdateRequest req) : req_(std::move(req)) {
  // The digest first: map lookups then differ in the first octets instead of after a long shared
  // "127.0.0.1#" prefix.
  dedup_key_ = sha256(std::string_view(reinterpret_cast<const char*>(req_.wire.data()), req_.wire.size())) + "|" +
               req_.client + "|" + std::to_string(req_.id);
}

std::string UpdateEdit::describe() const {
  return "UPDATE id " + std::to_string(req_.id) + " from " + req_.client;
}

EditResult UpdateEdit::apply(zone::WorkingCopy& wc) {
  update::Outcome o = update::apply(req_.pkt.get(), *req_.grant, wc, req_.options);
  EditResult r;
  r.rcode = o.rcode;
  if (!o.ok()) r.reason = o.reason();
  r.changed = o.changed;
  return r;
}

std::vector<zone::Name> UpdateEdit::names_read(const zone::Name& apex) const {
  return update::names_read(req_.pkt.get(), apex, req_.options);
}

std::vector<zone::Name> UpdateEdit::absence_names(const zone::Name& apex) const {
  return update::absence_names(req_.pkt.get(), apex, req_.options);
}

}  // namespace r53d::commit
