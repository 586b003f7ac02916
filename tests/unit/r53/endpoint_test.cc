// Tests for endpoint and signing-region resolution (route53-api.md §1.1, §1.5).
#include "r53/endpoint.h"

#include <gtest/gtest.h>

namespace r53d::r53 {
namespace {

TEST(Endpoint, DefaultIsTheGlobalAwsEndpoint) {
  auto ep = resolve_endpoint({}, {});
  ASSERT_TRUE(ep.ok()) << ep.status().to_string();
  EXPECT_EQ(ep->base_url, "https://route53.amazonaws.com");
  EXPECT_EQ(ep->host_header, "route53.amazonaws.com");
  EXPECT_EQ(ep->port, 443);
  EXPECT_EQ(ep->region, "us-east-1");
  EXPECT_EQ(ep->signing_region, "us-east-1");
  EXPECT_EQ(ep->partition, "aws");
  EXPECT_EQ(ep->source, "default");
}

TEST(Endpoint, RegionPicksPartitionAndFixedSigningRegion) {
  struct Case {
    const char* region;
    const char* url;
    const char* signing;
    const char* partition;
  } cases[] = {
      {"us-west-2", "https://route53.amazonaws.com", "us-east-1", "aws"},
      {"eu-central-1", "https://route53.amazonaws.com", "us-east-1", "aws"},
      {"aws-global", "https://route53.amazonaws.com", "us-east-1", "aws"},
      {"cn-north-1", "https://route53.amazonaws.com.cn", "cn-northwest-1", "aws-cn"},
      {"cn-northwest-1", "https://route53.amazonaws.com.cn", "cn-northwest-1", "aws-cn"},
      {"us-gov-east-1", "https://route53.us-gov.amazonaws.com", "us-gov-west-1", "aws-us-gov"},
      {"us-gov-west-1", "https://route53.us-gov.amazonaws.com", "us-gov-west-1", "aws-us-gov"},
      {"us-iso-east-1", "https://route53.c2s.ic.gov", "us-iso-east-1", "aws-iso"},
      {"us-isob-east-1", "https://route53.sc2s.sgov.gov", "us-isob-east-1", "aws-iso-b"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.region);
    auto ep = resolve_endpoint({.endpoint = "", .region = c.region, .profile_region = ""}, {});
    ASSERT_TRUE(ep.ok());
    EXPECT_EQ(ep->base_url, c.url);
    EXPECT_EQ(ep->signing_region, c.signing);
    EXPECT_EQ(ep->partition, c.partition);
    EXPECT_EQ(ep->region, c.region);
  }
}

// Bug: AWS_REGION and AWS_DEFAULT_REGION beat `[aws] region`; an explicit INI setting now wins
// over the environment, as `[aws] endpoint` does.
TEST(Endpoint, IniRegionWinsOverAwsRegionEnv) {
  Env env = {{"AWS_REGION", "cn-north-1"}, {"AWS_DEFAULT_REGION", "us-gov-east-1"}};
  auto ep = resolve_endpoint({.endpoint = "", .region = "us-west-2", .profile_region = ""}, env);
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->region, "us-west-2");
  EXPECT_EQ(ep->partition, "aws");
  EXPECT_EQ(ep->base_url, "https://route53.amazonaws.com");
  ep = resolve_endpoint({.endpoint = "", .region = "us-west-2",
                         .profile_region = ""}, {{"AWS_DEFAULT_REGION", "cn-north-1"}});
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->region, "us-west-2");
  // With a custom endpoint the INI region is also the signing region.
  ep = resolve_endpoint({.endpoint = "http://127.0.0.1:8053", .region = "eu-west-1",
                         .profile_region = ""}, env);
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->signing_region, "eu-west-1");
  // And it beats the profile's region too.
  ep = resolve_endpoint({.endpoint = "", .region = "us-west-2",
                         .profile_region = "cn-north-1"}, {});
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->region, "us-west-2");
}

TEST(Endpoint, RegionFromEnvironmentBeforeProfile) {
  auto ep = resolve_endpoint({.endpoint = "", .region = "", .profile_region = "us-west-2"},
                             {{"AWS_REGION", "cn-north-1"}, {"AWS_DEFAULT_REGION", "us-gov-east-1"}});
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->region, "cn-north-1");
  ep = resolve_endpoint({.endpoint = "", .region = "", .profile_region = "us-west-2"},
                        {{"AWS_DEFAULT_REGION", "us-gov-east-1"}});
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->region, "us-gov-east-1");
  EXPECT_EQ(ep->base_url, "https://route53.us-gov.amazonaws.com");
  // An empty variable counts as unset.
  ep = resolve_endpoint({.endpoint = "", .region = "", .profile_region = "us-west-2"},
                        {{"AWS_REGION", ""}});
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->region, "us-west-2");
  ep = resolve_endpoint({}, {{"AWS_REGION", ""}});
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->region, "us-east-1");
}

TEST(Endpoint, OverrideOrderConfigThenServiceEnvThenGlobalEnv) {
  Env env = {{"AWS_ENDPOINT_URL_ROUTE_53", "http://127.0.0.1:8053"},
             {"AWS_ENDPOINT_URL", "http://127.0.0.1:9999"}};
  auto ep = resolve_endpoint({.endpoint = "http://localhost:7000", .region = "",
                              .profile_region = ""}, env);
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->base_url, "http://localhost:7000");
  EXPECT_EQ(ep->source, "config");

  ep = resolve_endpoint({}, env);
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->base_url, "http://127.0.0.1:8053");
  EXPECT_EQ(ep->source, "AWS_ENDPOINT_URL_ROUTE_53");

  env.erase("AWS_ENDPOINT_URL_ROUTE_53");
  ep = resolve_endpoint({}, env);
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->base_url, "http://127.0.0.1:9999");
  EXPECT_EQ(ep->source, "AWS_ENDPOINT_URL");
}

TEST(Endpoint, CustomEndpointSignsWithConfiguredRegion) {
  auto ep = resolve_endpoint({.endpoint = "http://127.0.0.1:8053", .region = "us-west-2",
                              .profile_region = ""}, {});
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->signing_region, "us-west-2");
  ep = resolve_endpoint({}, {{"AWS_ENDPOINT_URL_ROUTE_53", "http://127.0.0.1:8053"},
                             {"AWS_REGION", "eu-central-1"}});
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->signing_region, "eu-central-1");
  ep = resolve_endpoint({.endpoint = "http://127.0.0.1:8053", .region = "",
                         .profile_region = ""}, {});
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->signing_region, "us-east-1");
}

TEST(Endpoint, KnownHostFixesSigningRegionWhateverTheRegion) {
  auto ep = resolve_endpoint({.endpoint = "https://route53.amazonaws.com.cn", .region = "us-west-2",
                              .profile_region = ""}, {});
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->signing_region, "cn-northwest-1");
  ep = resolve_endpoint({.endpoint = "https://ROUTE53-FIPS.amazonaws.com/", .region = "eu-west-1",
                         .profile_region = ""}, {});
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->host, "route53-fips.amazonaws.com");
  EXPECT_EQ(ep->base_url, "https://route53-fips.amazonaws.com");
  EXPECT_EQ(ep->signing_region, "us-east-1");
  ep = resolve_endpoint({.endpoint = "https://route53.us-gov.amazonaws.com", .region = "",
                         .profile_region = ""}, {});
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->signing_region, "us-gov-west-1");
}

TEST(Endpoint, HostHeaderCarriesNonDefaultPort) {
  auto ep = resolve_endpoint({.endpoint = "http://127.0.0.1:8053/", .region = "",
                              .profile_region = ""}, {});
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->scheme, "http");
  EXPECT_EQ(ep->host, "127.0.0.1");
  EXPECT_EQ(ep->port, 8053);
  EXPECT_EQ(ep->host_header, "127.0.0.1:8053");
  EXPECT_EQ(ep->base_url, "http://127.0.0.1:8053");

  ep = resolve_endpoint({.endpoint = "http://[::1]:8053", .region = "", .profile_region = ""}, {});
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->host_header, "[::1]:8053");

  ep = resolve_endpoint({.endpoint = "http://localhost:80", .region = "",
                         .profile_region = ""}, {});
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->host_header, "localhost");
  EXPECT_EQ(ep->port, 80);

  ep = resolve_endpoint({.endpoint = "https://example.test:443/prefix/", .region = "",
                         .profile_region = ""}, {});
  ASSERT_TRUE(ep.ok());
  EXPECT_EQ(ep->host_header, "example.test");
  EXPECT_EQ(ep->path_prefix, "/prefix");
  EXPECT_EQ(ep->base_url, "https://example.test/prefix");
}

TEST(Endpoint, BadUrlNamesItsSource) {
  const char* bad[] = {"ftp://example.test", "not a url", "http://", "http://u:p@host/",
                       "http://host/?a=1", "http://host/#f"};
  for (const char* b : bad) {
    SCOPED_TRACE(b);
    auto ep = resolve_endpoint({}, {{"AWS_ENDPOINT_URL", b}});
    ASSERT_FALSE(ep.ok());
    EXPECT_EQ(ep.status().code(), Code::kInvalidArgument);
    EXPECT_EQ(ep.status().message().rfind("AWS_ENDPOINT_URL: ", 0), 0u) << ep.status().message();
  }
  auto ep = resolve_endpoint({.endpoint = "gopher://x", .region = "", .profile_region = ""}, {});
  ASSERT_FALSE(ep.ok());
  EXPECT_EQ(ep.status().message().rfind("[aws] endpoint: ", 0), 0u);
}

TEST(Endpoint, PartitionOfRegion) {
  EXPECT_EQ(partition_of_region("us-east-1"), "aws");
  EXPECT_EQ(partition_of_region("cn-north-1"), "aws-cn");
  EXPECT_EQ(partition_of_region("us-gov-west-1"), "aws-us-gov");
  EXPECT_EQ(partition_of_region("us-isof-south-1"), "aws-iso-f");
  EXPECT_EQ(partition_of_region("eusc-de-east-1"), "aws-eusc");
  EXPECT_EQ(partition_of_region("whatever"), "aws");
}

}  // namespace
}  // namespace r53d::r53
