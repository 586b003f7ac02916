// Endpoint and signing-region resolution for Route 53 (route53-api.md §1.1, §1.5).
#include "r53/endpoint.h"

#include <curl/curl.h>

#include <string_view>

#include "util/c_ptr.h"
#include "util/text.h"

namespace r53d::r53 {
namespace {

struct Partition {
  std::string_view name;
  std::string_view region_prefix;  // "" for the default partition
  std::string_view host;
  std::string_view signing_region;
};

// Most specific prefix first ("us-isob-" before "us-iso-" would not matter, they differ at
// the fourth character, but "us-gov-" must come before the default).
constexpr Partition kPartitions[] = {
    {"aws-cn", "cn-", "route53.amazonaws.com.cn", "cn-northwest-1"},
    {"aws-us-gov", "us-gov-", "route53.us-gov.amazonaws.com", "us-gov-west-1"},
    {"aws-iso", "us-iso-", "route53.c2s.ic.gov", "us-iso-east-1"},
    {"aws-iso-b", "us-isob-", "route53.sc2s.sgov.gov", "us-isob-east-1"},
    {"aws-iso-e", "eu-isoe-", "route53.cloud.adc-e.uk", "eu-isoe-west-1"},
    {"aws-iso-f", "us-isof-", "route53.csp.hci.ic.gov", "us-isof-south-1"},
    {"aws-eusc", "eusc-", "route53.amazonaws.eu", "eusc-de-east-1"},
    {"aws", "", "route53.amazonaws.com", "us-east-1"},
};

// Every Route 53 host of route53-api.md §1.1 (standard, FIPS, dual-stack) -> signing region.
struct KnownHost {
  std::string_view host;
  std::string_view signing_region;
};
constexpr KnownHost kKnownHosts[] = {
    {"route53.amazonaws.com", "us-east-1"},
    {"route53-fips.amazonaws.com", "us-east-1"},
    {"route53.global.api.aws", "us-east-1"},
    {"route53-fips.global.api.aws", "us-east-1"},
    {"route53.amazonaws.com.cn", "cn-northwest-1"},
    {"route53.global.api.amazonwebservices.com.cn", "cn-northwest-1"},
    {"route53.us-gov.amazonaws.com", "us-gov-west-1"},
    {"route53.us-gov.api.aws", "us-gov-west-1"},
    {"route53.c2s.ic.gov", "us-iso-east-1"},
    {"route53.sc2s.sgov.gov", "us-isob-east-1"},
    {"route53.cloud.adc-e.uk", "eu-isoe-west-1"},
    {"route53.csp.hci.ic.gov", "us-isof-south-1"},
    {"route53.amazonaws.eu", "eusc-de-east-1"},
    {"route53.global.api.amazonwebservices.eu", "eusc-de-east-1"},
};

const Partition& partition_for(const std::string& region) {
  for (const auto& p : kPartitions) {
    if (!p.region_prefix.empty() && region.compare(0, p.region_prefix.size(), p.region_prefix) == 0) {
      return p;
    }
  }
  return kPartitions[std::size(kPartitions) - 1];
}

using UrlPtr = CPtr<CURLU, &curl_url_cleanup>;

// One part of a parsed URL, or "" when absent.
bool url_part(CURLU* u, CURLUPart part, std::string* out, unsigned flags = 0) {
  char* s = nullptr;
  if (curl_url_get(u, part, &s, flags) != CURLUE_OK) return false;
  *out = s;
  curl_free(s);
  return true;
}

Status parse_url(const std::string& url, const std::string& source, Endpoint* ep) {
  auto bad = [&](const std::string& why) {
    return Status::invalid_argument(source + ": " + why + ": " + url);
  };
  UrlPtr u(curl_url());
  if (!u) return Status::internal("curl_url failed");
  if (curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK) {
    return bad("not a valid URL (want http:// or https://host[:port])");
  }
  std::string scheme, host, port, path, ignored;
  url_part(u.get(), CURLUPART_SCHEME, &scheme);
  scheme = ascii_lower(scheme);
  if (scheme != "http" && scheme != "https") return bad("scheme must be http or https");
  if (!url_part(u.get(), CURLUPART_HOST, &host) || host.empty()) return bad("no host");
  if (url_part(u.get(), CURLUPART_USER, &ignored)) return bad("user information not allowed");
  if (url_part(u.get(), CURLUPART_QUERY, &ignored)) return bad("query not allowed");
  if (url_part(u.get(), CURLUPART_FRAGMENT, &ignored)) return bad("fragment not allowed");
  url_part(u.get(), CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
  url_part(u.get(), CURLUPART_PATH, &path);
  while (!path.empty() && path.back() == '/') path.pop_back();

  ep->scheme = scheme;
  ep->host = ascii_lower(host);
  ep->port = std::stoi(port);
  bool default_port = (scheme == "https" && ep->port == 443) || (scheme == "http" && ep->port == 80);
  ep->host_header = default_port ? ep->host : ep->host + ":" + std::to_string(ep->port);
  ep->path_prefix = path;
  ep->base_url = scheme + "://" + ep->host_header + path;
  return Status();
}

}  // namespace

std::string partition_of_region(const std::string& region) {
  return std::string(partition_for(region).name);
}

Result<Endpoint> resolve_endpoint(const EndpointOptions& opts, const Env& env) {
  Endpoint ep;
  // An explicit INI setting beats the environment (as `[aws] endpoint` does); the profile's
  // region comes after it, as in the AWS SDKs.
  ep.region = opts.region;
  if (ep.region.empty()) ep.region = env_get(env, "AWS_REGION");
  if (ep.region.empty()) ep.region = env_get(env, "AWS_DEFAULT_REGION");
  if (ep.region.empty()) ep.region = opts.profile_region;
  if (ep.region.empty()) ep.region = "us-east-1";
  const Partition& part = partition_for(ep.region);
  ep.partition = std::string(part.name);

  std::string url;
  if (!opts.endpoint.empty()) {
    url = opts.endpoint;
    ep.source = "config";
  } else if (!(url = env_get(env, "AWS_ENDPOINT_URL_ROUTE_53")).empty()) {
    ep.source = "AWS_ENDPOINT_URL_ROUTE_53";
  } else if (!(url = env_get(env, "AWS_ENDPOINT_URL")).empty()) {
    ep.source = "AWS_ENDPOINT_URL";
  } else {
    url = "https://" + std::string(part.host);
    ep.source = "default";
  }
  R53D_RETURN_IF_ERROR(parse_url(url, ep.source == "config" ? "[aws] endpoint" : ep.source, &ep));

  ep.signing_region = ep.region;
  for (const auto& k : kKnownHosts) {
    if (ep.host == k.host) ep.signing_region = std::string(k.signing_region);
  }
  return ep;
}

}  // namespace r53d::r53
