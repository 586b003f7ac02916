// Which Route 53 endpoint to talk to and which region to sign for.
//
// Endpoint URL, first found wins: `[aws] endpoint` from the INI, AWS_ENDPOINT_URL_ROUTE_53,
// AWS_ENDPOINT_URL, else the global endpoint of the partition of the region.
// Region, first found wins: `[aws] region` from the INI (an explicit setting beats the
// environment, as for the endpoint), AWS_REGION, AWS_DEFAULT_REGION, the region of the AWS config
// profile (passed in), else us-east-1. For Route 53 the region only picks the partition
// (aws, aws-cn, aws-us-gov, ...) and, with a custom endpoint, the signing region.
// Signing region: the partition's fixed region for a known Route 53 host (route53.amazonaws.com
// -> us-east-1, route53.amazonaws.com.cn -> cn-northwest-1, route53.us-gov.amazonaws.com ->
// us-gov-west-1, ...); for any other host the region above (what botocore does with
// endpoint_url). See route53-api.md §1.1 and §1.5.
//
//   auto ep = resolve_endpoint({.endpoint = cfg.endpoint, .region = cfg.region},
//                              process_environment());
//   if (!ep.ok()) ...;                       // kInvalidArgument: bad URL, names its source
//   req.url = ep->base_url + "/2013-04-01/hostedzone";     // base_url includes path_prefix
//   signable.path = ep->path_prefix + "/2013-04-01/hostedzone";
//   signable.headers = {{"Host", ep->host_header}};
//   SigningParams sp;
//   sp.region = ep->signing_region;                         // then sp.wall_ms, sign(...)
#pragma once

#include <string>

#include "r53/env.h"
#include "util/status.h"

namespace r53d::r53 {

struct EndpointOptions {
  std::string endpoint;  // `[aws] endpoint` from the INI; "" when not set
  std::string region;    // `[aws] region` from the INI: wins over the environment; "" when not set
  std::string profile_region;  // `region` of the AWS config profile: after the environment; ""
};

struct Endpoint {
  std::string base_url;     // scheme://host[:port][/prefix], no trailing '/': prefix of every URL
  std::string scheme;       // "https" or "http"
  std::string host;         // "route53.amazonaws.com", "127.0.0.1", "[::1]" (brackets kept)
  int port = 443;           // explicit or the scheme default
  std::string host_header;  // value of the Host header to sign: host, plus ":port" if not default
  std::string path_prefix;  // "" or "/prefix" (from a custom endpoint URL)
  std::string region;          // resolved region (see above)
  std::string signing_region;  // SigV4 region
  std::string partition;       // "aws", "aws-cn", "aws-us-gov", ...: from the region
  std::string source;  // "config", "AWS_ENDPOINT_URL_ROUTE_53", "AWS_ENDPOINT_URL", "default"
};

// Resolves as described at the top. Fails with kInvalidArgument ("AWS_ENDPOINT_URL: ...") when
// the chosen URL does not parse, is not http/https, or has a query or fragment.
Result<Endpoint> resolve_endpoint(const EndpointOptions& opts, const Env& env);

// Partition of a region name ("cn-north-1" -> "aws-cn"; unknown shapes -> "aws").
std::string partition_of_region(const std::string& region);

}  // namespace r53d::r53
