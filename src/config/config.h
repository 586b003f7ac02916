// route53d's configuration: an INI file (read with inih) -> an immutable, validated Config.
//
// Every key is in one table (config.cc, kKeys) with its type, default and validation; the same
// table feeds `--check`, route53d.ini.sample and man/route53d.ini.5. Errors name the place:
// "FILE:LINE: reason". Secrets (TSIG secrets, AWS keys) are kept here but never printed, not
// even in error messages.
//
//   auto cfg = r53d::config::load("/etc/route53d/route53d.ini");
//   if (!cfg.ok()) { fprintf(stderr, "%s\n", cfg.status().message().c_str()); return 2; }
//   for (const auto& w : cfg->warnings) log::warning("%s", w.c_str());
//
// Sections and keys (see man/route53d.ini.5):
//   [server] listen, key-file, log-level, tcp-timeout, max-tcp-clients, user, log,
//            syslog-facility, http-listen, http-allow, control-socket, shutdown-grace
//   [aws]    endpoint, region, profile, requests-per-second, access-key-id, secret-access-key,
//            session-token, max-attempts, poll-interval-min, poll-interval-max
//   [key NAME]  algorithm, secret
//   [zone NAME] hosted-zone-id, mode, allow-update (dynamic), record-set-quota, lock-lease,
//   background-refresh, trust-mirror, dhcid;
//               secondary zones: primary, allow-notify, transfer-source, refresh-min/-max,
//               retry-min/-max, expire-min/-max, max-change-percent, apex-ns, soa-timers
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/log.h"
#include "util/status.h"

namespace r53d::config {

// Where a setting was written: "route53d.ini:12".
struct Location {
  std::string file;
  int line = 0;
  std::string str() const { return file + ":" + std::to_string(line); }
};

// One listen address. host is the literal address without brackets ("::1", "127.0.0.1").
struct ListenAddr {
  std::string host;
  uint16_t port = 53;
  bool ipv6 = false;
  Location where;
  std::string str() const { return ipv6 ? "[" + host + "]:" + std::to_string(port)
                                        : host + ":" + std::to_string(port); }
};

// A TSIG key, from a [key NAME] section or a BIND key file.
struct TsigKey {
  std::string name;       // lower-case, trailing dot: "update-key."
  std::string algorithm;  // canonical: "hmac-md5" "hmac-sha1" "hmac-sha224" "hmac-sha256" ...
  int mac_bits = 0;       // "hmac-sha256-128" -> 128 (truncated MAC allowed); 0 = full length
  std::vector<uint8_t> secret;  // decoded; never log
  Location where;
};

// An IPv4 or IPv6 network.
struct Cidr {
  bool ipv6 = false;
  std::array<uint8_t, 16> addr{};  // network byte order; first 4 bytes for IPv4
  int prefix_len = 0;
  // addr: 4 or 16 bytes in network order.
  bool contains(const uint8_t* addr, size_t len) const;
  std::string str() const;
};

struct ServerConfig {
  std::vector<ListenAddr> listen;          // default 127.0.0.1:53, [::1]:53
  std::vector<std::string> key_files;      // paths as written
  std::vector<Location> key_file_where;    // parallel to key_files
  log::Level log_level = log::Level::kInfo;
  int64_t tcp_timeout_ms = 10000;
  int max_tcp_clients = 100;
  std::string user;  // empty: keep the user we started as
  // Operations (route53d.ini(5) "[server]"; man route53d(8) "OPERATIONS").
  bool log_syslog = false;                 // log = syslog (else stderr)
  int syslog_facility = 3 << 3;            // syslog-facility, as <syslog.h> codes it (LOG_DAEMON)
  std::string syslog_facility_name = "daemon";
  std::optional<ListenAddr> http_listen;   // metrics and status over HTTP; unset: off
  std::vector<Cidr> http_allow;            // who may connect to it (default 127.0.0.0/8, ::1)
  std::string control_socket = "/run/route53d/route53d.sock";  // "": off
  int64_t shutdown_grace_ms = 10000;       // SIGTERM: how long change requests in flight may take
};

struct AwsConfig {
  std::string endpoint;  // empty: AWS_ENDPOINT_URL_ROUTE_53, AWS_ENDPOINT_URL, partition default
  std::string region;    // empty: derived from the endpoint's partition
  std::string profile;   // empty: AWS_PROFILE or "default"
  double requests_per_second = 4.0;
  double min_requests_per_second = 1.0;  // floor while throttled; >= requests_per_second: fixed
  std::string access_key_id;      // empty: other credential sources
  std::string secret_access_key;  // never log
  std::string session_token;      // never log
  int max_attempts = 10;
  int64_t poll_interval_min_ms = 1000;
  int64_t poll_interval_max_ms = 10000;
};

// An allow-update name pattern: exact ("host.example.com.") or "*."-prefixed, which matches
// every name strictly below the rest ("*.example.com." matches "a.example.com." and
// "a.b.example.com.", not "example.com."). Names lower-case with a trailing dot.
struct NamePattern {
  std::string name;  // without the "*." for wildcards
  bool wildcard = false;
  bool matches(std::string_view lower_fqdn) const;
};

// One allow-update rule (default deny: an UPDATE needs a rule that covers all of it).
//   key NAME                                   any name and type in the zone
//   key NAME names PATTERN[,PATTERN] types TYPE[,TYPE]   (either clause may be left out)
//   address CIDR                               unsigned updates from that network
struct UpdateRule {
  enum class Kind { kKey, kAddress };
  Kind kind = Kind::kKey;
  std::string key;                   // TSIG key name, lower-case with trailing dot (kKey)
  std::vector<NamePattern> names;    // empty: any name in the zone
  std::vector<std::string> types;    // upper-case mnemonics; empty: any type
  Cidr network;                      // kAddress
  Location where;
};

enum class ZoneMode { kDynamic, kSecondary };
// What a dynamic zone does with DHCID (RFC 4701), which Route 53 cannot hold: refuse UPDATEs that
// write it, or keep it as a TXT RRset at _dhcid.NAME (route53d.ini(5) "DHCID emulation").
enum class DhcidPolicy { kRefuse, kTxt };

// One primary of a secondary zone: "192.0.2.1:53 key xfr-key", "[2001:db8::1]:5300", "192.0.2.1".
struct PrimaryAddr {
  std::string host;  // literal address without brackets
  uint16_t port = 53;
  bool ipv6 = false;
  std::string key;   // TSIG key name, lower-case with trailing dot; "" for none
  Location where;
  std::string str() const { return ipv6 ? "[" + host + "]:" + std::to_string(port) : host + ":" + std::to_string(port); }
};

// Who owns what a transfer cannot decide alone (route53d.ini(5) "Secondary zones").
enum class ApexNsPolicy { kKeep, kPrimary };     // apex NS: Route 53's delegation set, or the primary's
enum class SoaTimersPolicy { kKeep, kPrimary };  // SOA TTL and timers: Route 53's, or the primary's

// The keys of a secondary zone (DESIGN.md "Zone modes"). Times in milliseconds; the clamps bound
// the SOA timers read from the primary (dns-protocol.md §5.1, BIND's min/max-refresh-time...).
struct SecondaryConfig {
  std::vector<PrimaryAddr> primaries;    // tried in order
  std::vector<Cidr> allow_notify;        // who may NOTIFY; empty: the primaries' addresses
  std::vector<std::string> transfer_source;  // literal source addresses, at most one per family
  int64_t refresh_min_ms = 300'000;
  int64_t refresh_max_ms = 2'419'200'000;  // 4 weeks
  int64_t retry_min_ms = 500'000;
  int64_t retry_max_ms = 1'209'600'000;    // 2 weeks
  int64_t expire_min_ms = 3'600'000;
  int64_t expire_max_ms = 14'515'200'000;  // 24 weeks
  int max_change_percent = 30;             // refuse a sync that deletes or changes more
  ApexNsPolicy apex_ns = ApexNsPolicy::kKeep;
  SoaTimersPolicy soa_timers = SoaTimersPolicy::kKeep;
};

struct ZoneConfig {
  std::string name;            // lower-case, trailing dot
  std::string hosted_zone_id;  // bare ("Z0123..."); empty: find by name at start
  ZoneMode mode = ZoneMode::kDynamic;
  std::vector<UpdateRule> allow_update;  // dynamic zones
  SecondaryConfig secondary;             // secondary zones
  size_t record_set_quota = 10000;       // the hosted zone's MAX_RRSETS_BY_ZONE (raised by AWS support)
  int64_t lock_lease_ms = 120000;        // another writer's push lock unchanged this long: take it over
  int64_t background_refresh_ms = 600000;  // a background re-read of the zone this often (0: never)
  bool trust_mirror = false;             // UPDATEs answered from the mirror alone (no reads, no assertions)
  DhcidPolicy dhcid = DhcidPolicy::kRefuse;  // dynamic zones
  Location where;  // the [zone NAME] line
};

struct Config {
  std::string path;
  ServerConfig server;
  AwsConfig aws;
  std::vector<TsigKey> keys;  // [key] sections and every key-file, names unique
  std::vector<ZoneConfig> zones;
  // Things to say at start-up (file readable by others while it holds secrets, address rules).
  std::vector<std::string> warnings;

  // Key by name, any case, trailing dot optional. nullptr if unknown.
  const TsigKey* find_key(std::string_view name) const;
};

// Reads and validates the file at path, then every key-file it names.
// Errors: kInvalidArgument whose message is one "FILE:LINE: reason" line per problem (all of
// them, in file order), or "FILE: cannot open: <errno text>".
Result<Config> load(const std::string& path);

// The same from text (tests); file_name is used in messages. Key files are read from disk.
Result<Config> parse(std::string_view text, const std::string& file_name);

// Lower-cases a DNS name and adds the trailing dot; kInvalidArgument for empty labels, labels
// over 63 bytes or names over 255. Escapes (\DDD, \X) are kept as written.
Result<std::string> normalize_dns_name(std::string_view name);

// "hmac-sha256", "HMAC-SHA256.", "hmac-sha256-128" -> canonical name and MAC bits (0 = full).
// Errors: kInvalidArgument "unknown algorithm ..." or a bad bit count.
Result<std::pair<std::string, int>> parse_tsig_algorithm(std::string_view text);

// Duration text: "10" (seconds), "1.5s", "500ms", "2m", "1h", "1d", "4w" -> milliseconds.
Result<int64_t> parse_duration_ms(std::string_view text);

}  // namespace r53d::config
