// Route 53 XML (2013-04-01) for record sets, change batches, ChangeInfo and HostedZone (pugixml).
//
// Writers emit elements in schema order (route53-api.md §2.1); readers match children by local
// name (any namespace prefix dropped), in any order, and ignore unknown elements, as AWS adds
// fields over time. Values are copied as text, never re-quoted or canonicalised.
//
//   // Client: build a request body.
//   std::string body = r53::build_change_batch_request(batch);
//   // Simulator: parse one.
//   auto parsed = r53::parse_change_batch_request(body);
//   if (!parsed.ok()) reply(400, parsed.error_code, parsed.error_message);
//   // Either side: one element.
//   pugi::xml_document doc;
//   r53::append_rrset(doc.append_child("ResourceRecordSets"), rrset);
//   Result<RecordSet> rs = r53::parse_rrset(node);
#pragma once

#include <string>
#include <string_view>

#include <pugixml.hpp>

#include "r53/model.h"
#include "util/status.h"

namespace r53d::r53 {

// Element name without a namespace prefix ("r53:Name" -> "Name").
std::string_view local_name(const pugi::xml_node& node);
// First child element with that local name (or an empty node).
pugi::xml_node child(const pugi::xml_node& parent, std::string_view local);
// Text of the first child with that local name; empty when absent.
std::string child_text(const pugi::xml_node& parent, std::string_view local);

// Appends <ResourceRecordSet> with every set field of rs, in schema order, to parent; returns
// the new element. Names and values are written as stored in rs (no normalisation).
pugi::xml_node append_rrset(pugi::xml_node parent, const RecordSet& rs);

// Parses a <ResourceRecordSet> element. Name and Type are required; TTL, Weight, Bias must be
// integers; booleans are "true"/"false". An empty <ResourceRecords/> gives no values.
// Errors: kInvalidArgument with a readable message (e.g. "ResourceRecordSet has no Name").
Result<RecordSet> parse_rrset(const pugi::xml_node& node);

// Appends <ChangeInfo> (Id, Status, SubmittedAt, Comment if not empty) to parent.
pugi::xml_node append_change_info(pugi::xml_node parent, const ChangeInfo& ci);
// Parses a <ChangeInfo>. Errors: kInvalidArgument when Id or Status is missing.
Result<ChangeInfo> parse_change_info(const pugi::xml_node& node);

// Appends <HostedZone> (Id, Name, CallerReference, Config{Comment?, PrivateZone},
// ResourceRecordSetCount) to parent.
pugi::xml_node append_hosted_zone(pugi::xml_node parent, const HostedZone& hz);
// Parses a <HostedZone>. Errors: kInvalidArgument when Id or Name is missing.
Result<HostedZone> parse_hosted_zone(const pugi::xml_node& node);

// Serialises a document compactly, with `<?xml version="1.0" encoding="UTF-8"?>` first.
std::string to_xml_string(const pugi::xml_document& doc);

// The full ChangeResourceRecordSetsRequest body for batch (namespace kXmlNamespace, schema
// order, Comment only when not empty).
std::string build_change_batch_request(const ChangeBatch& batch);

// Outcome of parsing a ChangeResourceRecordSetsRequest body. On failure error_code is the AWS
// error code to answer with (HTTP 400): "MalformedInput" when the body is not XML or the root is
// wrong ("ChangeBatch is not valid, expected ChangeResourceRecordSetsRequest"), "InvalidInput"
// for schema problems (missing ChangeBatch/Changes/Action/Name/Type, bad Action, non-numeric
// TTL, ...). Semantic checks ("Expected exactly one of [AliasTarget, ...]", value syntax,
// limits) are NOT done here: the simulator's store does them.
struct ChangeBatchParse {
  ChangeBatch batch;
  std::string error_code;     // empty on success
  std::string error_message;  // exact text for <Message>
  bool ok() const { return error_code.empty(); }
};
ChangeBatchParse parse_change_batch_request(std::string_view body);

}  // namespace r53d::r53
