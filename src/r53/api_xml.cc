// Route 53 response parsing (pugixml + the shared rrset_xml helpers).
#include "r53/api_xml.h"

#include <pugixml.hpp>
#include <rapidjson/document.h>

#include "r53/rrset_xml.h"
#include "util/text.h"

namespace r53d::r53 {
namespace {

Status bad(std::string_view root, const std::string& why) {
  return Status::invalid_argument(std::string(root) + ": " + why);
}

// Parses body and checks the root element's local name.
Result<pugi::xml_node> load(pugi::xml_document& doc, std::string_view body, std::string_view root) {
  pugi::xml_parse_result pr = doc.load_buffer(body.data(), body.size(), pugi::parse_default,
                                              pugi::encoding_utf8);
  if (!pr) return bad(root, std::string("response is not XML: ") + pr.description());
  pugi::xml_node r = doc.document_element();
  if (local_name(r) != root) {
    return bad(root, "unexpected root element <" + std::string(local_name(r)) + ">");
  }
  return r;
}

bool is_true(const pugi::xml_node& parent, std::string_view name) {
  return child_text(parent, name) == "true";
}

Result<std::vector<HostedZone>> zones_of(const pugi::xml_node& root, std::string_view what) {
  std::vector<HostedZone> zones;
  pugi::xml_node list = child(root, "HostedZones");
  if (!list) return bad(what, "no HostedZones element");
  for (pugi::xml_node z = list.first_child(); z; z = z.next_sibling()) {
    if (z.type() != pugi::node_element || local_name(z) != "HostedZone") continue;
    auto hz = parse_hosted_zone(z);
    if (!hz.ok()) return bad(what, hz.status().message());
    zones.push_back(std::move(*hz));
  }
  return zones;
}

// Caps on what an error body may put in a log line.
constexpr size_t kMaxTextChars = 200;
constexpr size_t kMaxRequestIdChars = 100;

// s as one printable line of at most `max` bytes: runs of white space and control characters
// become one space (a body cannot start a new log line), the ends are trimmed.
std::string one_line(std::string_view s, size_t max) {
  std::string out;
  bool space = false;
  for (char c : s) {
    unsigned char u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    if (out.size() >= max) break;
    out += c;
  }
  if (out.size() > max) out.resize(max);
  return out;
}

// "[a, b]": a <Messages> list in the shape of the standard response's message.
std::string joined(const std::vector<std::string>& messages) {
  std::string out = "[";
  for (size_t i = 0; i < messages.size(); i++) {
    if (i) out += ", ";
    out += messages[i];
  }
  return out + "]";
}

// Fills e.messages from a <Messages><Message>... child of node.
void read_messages(const pugi::xml_node& node, ApiError& e) {
  pugi::xml_node msgs = child(node, "Messages");
  for (pugi::xml_node m = msgs.first_child(); m; m = m.next_sibling()) {
    if (m.type() == pugi::node_element && local_name(m) == "Message") {
      e.messages.push_back(one_line(m.text().get(), 4 * kMaxTextChars));
    }
  }
}

// The first element named `name` at most two levels below node (or node itself): the <Error> of
// <ErrorResponse>, of a bare <Error> root, or of EC2's <Response><Errors><Error>.
pugi::xml_node find_within_two(const pugi::xml_node& node, std::string_view name) {
  if (local_name(node) == name) return node;
  for (pugi::xml_node c = node.first_child(); c; c = c.next_sibling()) {
    if (c.type() != pugi::node_element) continue;
    if (local_name(c) == name) return c;
    if (pugi::xml_node g = child(c, name)) return g;
  }
  return pugi::xml_node();
}

// An XML error body of any shape (route53-api.md §6.1, §6.2): <ErrorResponse><Error>, a bare
// <Error>, a root <InvalidChangeBatch> with <Messages>, or a root named after the code. Elements
// may be missing or extra. False when nothing in it looks like an error (e.g. an HTML page).
bool error_from_xml(const pugi::xml_node& root, ApiError& e) {
  std::string_view root_name = local_name(root);
  pugi::xml_node err = find_within_two(root, "Error");
  std::string rid = child_text(root, "RequestId");
  if (rid.empty()) rid = child_text(root, "RequestID");  // EC2's spelling
  if (rid.empty() && err) rid = child_text(err, "RequestId");
  if (!rid.empty()) e.request_id = one_line(rid, kMaxRequestIdChars);

  // Code and message: in <Error> first, then in the root itself.
  for (const pugi::xml_node& n : {err, root}) {
    if (!n) continue;
    if (e.code.empty()) e.code = one_line(child_text(n, "Code"), kMaxTextChars);
    if (e.message.empty()) e.message = one_line(child_text(n, "Message"), 4 * kMaxTextChars);
    if (e.messages.empty()) read_messages(n, e);
  }
  bool generic_root = root_name == "ErrorResponse" || root_name == "Error" ||
                      root_name == "Response" || root_name == "Errors";
  if (e.code.empty() && !generic_root) {
    // §6.2: the root element is the code (<InvalidChangeBatch>, <InvalidSignatureException>), but
    // only if it reads as one: an HTML page or another document is not an error shape.
    bool named_like_error = root_name.ends_with("Exception") || root_name.ends_with("Error") ||
                            root_name.ends_with("Fault") || root_name == "InvalidChangeBatch";
    if (named_like_error || !e.message.empty() || !e.messages.empty()) e.code = root_name;
  }
  if (!e.messages.empty() && e.message.empty()) e.message = joined(e.messages);
  return !e.code.empty() || !e.message.empty();
}

// A JSON error body (API gateways and the JSON protocols of other AWS services): the code from
// "__type" (its part after '#' and before ':', as botocore reads it), "code" or "Code", or an
// "Error" object holding them; the message from "message" or "Message". False if no code and no
// message.
bool error_from_json(std::string_view body, ApiError& e) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (doc.HasParseError() || !doc.IsObject()) return false;
  auto str = [](const rapidjson::Value& obj, const char* k) -> std::string {
    auto it = obj.FindMember(k);
    return it != obj.MemberEnd() && it->value.IsString()
               ? std::string(it->value.GetString(), it->value.GetStringLength())
               : std::string();
  };
  const rapidjson::Value* obj = &doc;
  auto inner = doc.FindMember("Error");
  if (inner != doc.MemberEnd() && inner->value.IsObject()) obj = &inner->value;
  std::string code = str(*obj, "__type");
  if (code.empty()) code = str(doc, "__type");
  if (size_t hash = code.rfind('#'); hash != std::string::npos) code.erase(0, hash + 1);
  if (size_t colon = code.find(':'); colon != std::string::npos) code.resize(colon);
  for (const char* k : {"code", "Code"}) {
    if (code.empty()) code = str(*obj, k);
  }
  std::string message;
  for (const char* k : {"message", "Message", "errorMessage"}) {
    if (message.empty()) message = str(*obj, k);
    if (message.empty()) message = str(doc, k);
  }
  std::string rid = str(doc, "RequestId");
  if (rid.empty()) rid = str(doc, "requestId");
  if (!rid.empty()) e.request_id = one_line(rid, kMaxRequestIdChars);
  e.code = one_line(code, kMaxTextChars);
  e.message = one_line(message, 4 * kMaxTextChars);
  return !e.code.empty() || !e.message.empty();
}

}  // namespace

std::string ApiError::to_string(int attempts) const {
  std::string out = message.empty() ? code : code + ": " + message;
  std::string notes;
  if (!request_id.empty()) notes = "request id " + request_id;
  if (attempts > 1) {
    notes += (notes.empty() ? "after " : ", after ") + std::to_string(attempts) + " attempts";
  }
  if (!notes.empty()) out += " (" + notes + ")";
  return out;
}

ApiError parse_error_response(long http_status, std::string_view body,
                              std::string_view request_id_header) {
  ApiError e;
  e.http_status = http_status;
  e.request_id = one_line(request_id_header, kMaxRequestIdChars);
  std::string_view trimmed = body;
  while (!trimmed.empty() && is_ascii_space(trimmed.front())) trimmed.remove_prefix(1);
  bool done = false;
  if (!trimmed.empty() && trimmed.front() == '{') {
    done = error_from_json(trimmed, e);
  } else if (!trimmed.empty() && trimmed.front() == '<') {
    pugi::xml_document doc;
    if (doc.load_buffer(body.data(), body.size(), pugi::parse_default, pugi::encoding_utf8) &&
        doc.document_element()) {
      done = error_from_xml(doc.document_element(), e);
    }
  }
  if (!done) {
    // No code anywhere (no body, plain text, HTML, JSON or XML of another shape): the HTTP status
    // is the code, as botocore does; the start of the body stays in the message.
    e.code = std::to_string(http_status);
    e.message = "HTTP " + std::to_string(http_status);
    std::string text = one_line(body, kMaxTextChars);
    if (!text.empty()) e.message += ": " + text;
  }
  if (e.code.empty()) e.code = std::to_string(http_status);
  return e;
}

Result<HostedZonesPage> parse_list_hosted_zones_response(std::string_view body) {
  constexpr std::string_view kRoot = "ListHostedZonesResponse";
  pugi::xml_document doc;
  auto root = load(doc, body, kRoot);
  if (!root.ok()) return root.status();
  HostedZonesPage page;
  auto zones = zones_of(*root, kRoot);
  if (!zones.ok()) return zones.status();
  page.zones = std::move(*zones);
  page.is_truncated = is_true(*root, "IsTruncated");
  page.next_marker = child_text(*root, "NextMarker");
  if (page.is_truncated && page.next_marker.empty()) return bad(kRoot, "truncated without NextMarker");
  return page;
}

Result<HostedZonesPage> parse_list_hosted_zones_by_name_response(std::string_view body) {
  constexpr std::string_view kRoot = "ListHostedZonesByNameResponse";
  pugi::xml_document doc;
  auto root = load(doc, body, kRoot);
  if (!root.ok()) return root.status();
  HostedZonesPage page;
  auto zones = zones_of(*root, kRoot);
  if (!zones.ok()) return zones.status();
  page.zones = std::move(*zones);
  page.is_truncated = is_true(*root, "IsTruncated");
  page.next_dns_name = child_text(*root, "NextDNSName");
  page.next_hosted_zone_id = child_text(*root, "NextHostedZoneId");
  if (page.is_truncated && page.next_dns_name.empty()) {
    return bad(kRoot, "truncated without NextDNSName");
  }
  return page;
}

Result<HostedZoneDetails> parse_get_hosted_zone_response(std::string_view body) {
  constexpr std::string_view kRoot = "GetHostedZoneResponse";
  pugi::xml_document doc;
  auto root = load(doc, body, kRoot);
  if (!root.ok()) return root.status();
  pugi::xml_node hz = child(*root, "HostedZone");
  if (!hz) return bad(kRoot, "no HostedZone element");
  auto zone = parse_hosted_zone(hz);
  if (!zone.ok()) return bad(kRoot, zone.status().message());
  HostedZoneDetails d;
  d.zone = std::move(*zone);
  pugi::xml_node ns = child(child(*root, "DelegationSet"), "NameServers");
  for (pugi::xml_node n = ns.first_child(); n; n = n.next_sibling()) {
    if (n.type() == pugi::node_element && local_name(n) == "NameServer") {
      d.name_servers.emplace_back(n.text().get());
    }
  }
  return d;
}

Result<RrsetPage> parse_list_rrsets_response(std::string_view body) {
  constexpr std::string_view kRoot = "ListResourceRecordSetsResponse";
  pugi::xml_document doc;
  auto root = load(doc, body, kRoot);
  if (!root.ok()) return root.status();
  RrsetPage page;
  pugi::xml_node list = child(*root, "ResourceRecordSets");
  if (!list) return bad(kRoot, "no ResourceRecordSets element");
  for (pugi::xml_node n = list.first_child(); n; n = n.next_sibling()) {
    if (n.type() != pugi::node_element || local_name(n) != "ResourceRecordSet") continue;
    auto rs = parse_rrset(n);
    if (!rs.ok()) return bad(kRoot, rs.status().message());
    page.rrsets.push_back(std::move(*rs));
  }
  page.is_truncated = is_true(*root, "IsTruncated");
  page.next_name = child_text(*root, "NextRecordName");
  page.next_type = child_text(*root, "NextRecordType");
  page.next_identifier = child_text(*root, "NextRecordIdentifier");
  if (page.is_truncated && page.next_name.empty()) {
    return bad(kRoot, "truncated without NextRecordName");
  }
  return page;
}

Result<ChangeInfo> parse_change_info_response(std::string_view body, std::string_view root_name) {
  pugi::xml_document doc;
  auto root = load(doc, body, root_name);
  if (!root.ok()) return root.status();
  pugi::xml_node ci = child(*root, "ChangeInfo");
  if (!ci) return bad(root_name, "no ChangeInfo element");
  auto info = parse_change_info(ci);
  if (!info.ok()) return bad(root_name, info.status().message());
  return info;
}

}  // namespace r53d::r53
