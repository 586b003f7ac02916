// The Builder: collects a Config from the INI parser's events (sections, keys, errors), applies
// each key through the key table (key_table.cc), then the defaults, required keys and the checks
// that look across keys and sections (key files, key names, zone modes), with file:line errors.
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "config/bind_keys.h"
#include "config/key_table.h"
#include "util/text.h"

namespace r53d::config {

Builder::Builder(std::string file) : file_(std::move(file)) { config_.path = file_; }

void Builder::error(int line, const std::string& why) {
  if (line > 0) error_lines_.insert(line);
  errors_.emplace_back(line, (line > 0 ? file_ + ":" + std::to_string(line) : file_) + ": " + why);
}

void Builder::syntax_error(int line) {
  if (error_lines_.count(line)) return;
  error(line, "syntax error (expected KEY = VALUE or [SECTION])");
}

void Builder::open_section(const std::string& header, int line) {
  current_ = -1;
  bad_section_ = true;
  size_t close = header.find(']');
  if (close == std::string::npos) return;  // inih reports the syntax error
  std::string inner = trim(std::string_view(header).substr(1, close - 1));
  std::string kind = inner, arg;
  size_t sp = inner.find_first_of(" \t");
  if (sp != std::string::npos) {
    kind = inner.substr(0, sp);
    arg = trim(std::string_view(inner).substr(sp));
    if (arg.size() >= 2 && arg.front() == '"' && arg.back() == '"') arg = arg.substr(1, arg.size() - 2);
  }
  Instance inst;
  inst.line = line;
  if (kind == "server" || kind == "aws") {
    inst.section = kind == "server" ? Section::kServer : Section::kAws;
    if (!arg.empty()) return error(line, "[" + kind + "] takes no name");
  } else if (kind == "key" || kind == "zone") {
    inst.section = kind == "key" ? Section::kKey : Section::kZone;
    if (arg.empty()) return error(line, "[" + kind + "] needs a name: [" + kind + " NAME]");
    auto n = normalize_dns_name(arg);
    if (!n.ok()) return error(line, "[" + inner + "]: " + n.status().message());
    arg = *n;
  } else {
    return error(line, "unknown section [" + inner + "] (server, aws, key NAME, zone NAME)");
  }
  for (const Instance& o : instances_) {
    bool same = o.section == inst.section;
    if (same && inst.section == Section::kKey) same = config_.keys[o.index].name == arg;
    if (same && inst.section == Section::kZone) same = config_.zones[o.index].name == arg;
    if (same) return error(line, "section [" + inner + "] repeated (first at line " + std::to_string(o.line) + ")");
  }
  if (inst.section == Section::kKey) {
    TsigKey k;
    k.name = arg;
    k.algorithm = "hmac-sha256";
    k.where = Location{file_, line};
    inst.index = config_.keys.size();
    config_.keys.push_back(std::move(k));
  } else if (inst.section == Section::kZone) {
    ZoneConfig z;
    z.name = arg;
    z.where = Location{file_, line};
    inst.index = config_.zones.size();
    config_.zones.push_back(std::move(z));
  }
  instances_.push_back(std::move(inst));
  current_ = static_cast<int>(instances_.size()) - 1;
  bad_section_ = false;
}

void Builder::set(const char* section, const char* name, const std::string& value, int line) {
  if (current_ < 0) {
    if (!bad_section_ || section[0] == '\0') {
      error(line, std::string("key \"") + name + "\" outside a section");
    }
    return;  // a bad header was reported already
  }
  Instance& inst = instances_[static_cast<size_t>(current_)];
  const KeyDef* def = nullptr;
  for (const KeyDef& d : key_table()) {
    if (d.section == inst.section && std::strcmp(d.name, name) == 0) def = &d;
  }
  std::string sec_text = inst.section == Section::kKey    ? "key " + config_.keys[inst.index].name
                         : inst.section == Section::kZone ? "zone " + config_.zones[inst.index].name
                                                          : section_name(inst.section);
  if (def == nullptr) return error(line, std::string("unknown key \"") + name + "\" in [" + sec_text + "]");
  auto [it, fresh] = inst.seen.emplace(name, line);
  if (!fresh && !def->repeatable) {
    return error(line, std::string("\"") + name + "\" given twice in [" + sec_text +
                           "] (first at line " + std::to_string(it->second) + ")");
  }
  KeyContext ctx{config_, nullptr, nullptr, Location{file_, line}};
  if (inst.section == Section::kKey) ctx.key = &config_.keys[inst.index];
  if (inst.section == Section::kZone) ctx.zone = &config_.zones[inst.index];
  if (def->section == Section::kServer && std::strcmp(def->name, "listen") == 0 && !listen_explicit_) {
    config_.server.listen.clear();  // the first explicit listen replaces the default
    listen_explicit_ = true;
  }
  Status s = def->apply(ctx, value);
  if (!s.ok()) error(line, std::string(name) + ": " + s.message());
}

// A list-valued key of the [server] section that the file did not set: its value is the key
// table's default, applied as if written (the same parsing, one place for the literal).
void Builder::apply_default(Section section, const char* name) {
  for (const KeyDef& k : key_table()) {
    if (k.section != section || std::strcmp(k.name, name) != 0 || k.default_value == nullptr) continue;
    KeyContext ctx{config_, nullptr, nullptr, Location{file_, 0}};
    (void)k.apply(ctx, k.default_value);
    return;
  }
}

Result<Config> Builder::finish() {
  // Defaults that are lists.
  if (!listen_explicit_) {
    apply_default(Section::kServer, "listen");
  }
  // http-allow: the first explicit line replaces the default; the endpoint must not take a DNS
  // listener's TCP port.
  bool http_allow_given = false;
  int server_line = 0;
  for (const Instance& inst : instances_) {
    if (inst.section != Section::kServer) continue;
    server_line = inst.line;
    if (inst.seen.count("http-allow")) http_allow_given = true;
  }
  if (!http_allow_given) {
    apply_default(Section::kServer, "http-allow");
  }
  if (const auto& h = config_.server.http_listen) {
    for (const ListenAddr& l : config_.server.listen)
      if (l.host == h->host && l.port == h->port)
        error(h->where.line ? h->where.line : server_line,
              "http-listen: " + h->str() + " is also a DNS listen address (line " + std::to_string(l.where.line) + ")");
  }
  // Required keys.
  for (const Instance& inst : instances_) {
    for (const KeyDef& d : key_table()) {
      if (d.section == inst.section && d.required && !inst.seen.count(d.name)) {
        std::string what = inst.section == Section::kKey ? "key " + config_.keys[inst.index].name
                                                          : section_name(inst.section);
        error(inst.line, "[" + what + "]: missing required key \"" + d.name + "\"");
      }
    }
  }
  // Credentials come in pairs.
  AwsConfig& aws = config_.aws;
  int aws_line = 0;
  for (const Instance& inst : instances_) {
    if (inst.section == Section::kAws) aws_line = inst.line;
  }
  auto line_of = [&](const char* key) {
    for (const Instance& inst : instances_) {
      if (inst.section == Section::kAws && inst.seen.count(key)) return inst.seen.at(key);
    }
    return aws_line;
  };
  auto given = [&](const char* key) {
    for (const Instance& inst : instances_) {
      if (inst.section == Section::kAws && inst.seen.count(key)) return true;
    }
    return false;
  };
  if (given("access-key-id") != given("secret-access-key")) {
    error(line_of(given("access-key-id") ? "access-key-id" : "secret-access-key"),
          "access-key-id and secret-access-key must be given together");
  }
  if (given("session-token") && !given("access-key-id")) {
    error(line_of("session-token"), "session-token needs access-key-id and secret-access-key");
  }
  if (aws.poll_interval_min_ms > aws.poll_interval_max_ms) {
    error(line_of("poll-interval-min"), "poll-interval-min is longer than poll-interval-max");
  }
  // Key files (relative paths are relative to the configuration file's directory).
  std::string dir;
  size_t slash = file_.rfind('/');
  if (slash != std::string::npos) dir = file_.substr(0, slash + 1);
  struct Listed {
    dev_t dev;
    ino_t ino;
    int line;
  };
  std::vector<Listed> listed;  // each key file once, by identity (one file may have two names)
  for (size_t i = 0; i < config_.server.key_files.size(); ++i) {
    std::string p = config_.server.key_files[i];
    if (!p.empty() && p[0] != '/') p = dir + p;
    int line = config_.server.key_file_where[i].line;
    struct stat st;
    if (stat(p.c_str(), &st) != 0) {
      error(line, "key-file: cannot open " + p + ": " + std::strerror(errno));
      continue;
    }
    // Loaded twice, each of its keys would be "defined twice (first at" itself): name this line.
    auto same = std::find_if(listed.begin(), listed.end(),
                             [&](const Listed& l) { return l.dev == st.st_dev && l.ino == st.st_ino; });
    if (same != listed.end()) {
      error(line, "key-file: " + p + " is already listed (line " + std::to_string(same->line) + ")");
      continue;
    }
    listed.push_back({st.st_dev, st.st_ino, line});
    auto keys = load_bind_keys(p);
    if (!keys.ok()) {
      errors_.emplace_back(line, keys.status().message());
      continue;
    }
    // Readable by the daemon's own group is the packaged setup (root:route53d 0640).
    bool shared = (st.st_mode & S_IROTH) != 0 || ((st.st_mode & S_IRGRP) != 0 && st.st_gid != getegid());
    if (shared && !keys->empty()) {
      char mode[8];
      std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
      config_.warnings.push_back(p + ": holds TSIG secrets but is readable by group or others (mode " +
                                 mode + "); chmod 600 it");
    }
    for (TsigKey& k : *keys) config_.keys.push_back(std::move(k));
  }
  for (size_t i = 0; i < config_.keys.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (config_.keys[i].name == config_.keys[j].name) {
        const Location& w = config_.keys[i].where;
        std::string msg = "key " + config_.keys[i].name + " defined twice (first at " +
                          config_.keys[j].where.str() + ")";
        if (w.file == file_) error(w.line, msg);
        else errors_.emplace_back(1 << 30, w.str() + ": " + msg);
        break;
      }
    }
  }
  // Keys that belong to one mode only, and what a secondary zone needs.
  for (size_t zi = 0; zi < config_.zones.size(); ++zi) {
    ZoneConfig& z = config_.zones[zi];
    const Instance* inst = nullptr;
    for (const Instance& i : instances_)
      if (i.section == Section::kZone && i.index == zi) inst = &i;
    auto line_in_zone = [&](const char* key) { return inst && inst->seen.count(key) ? inst->seen.at(key) : z.where.line; };
    if (z.mode == ZoneMode::kDynamic) {
      for (const char* k : {"primary", "allow-notify", "transfer-source", "refresh-min", "refresh-max", "retry-min",
                            "retry-max", "expire-min", "expire-max", "max-change-percent", "apex-ns", "soa-timers"})
        if (inst && inst->seen.count(k))
          error(inst->seen.at(k), std::string(k) + " is for secondary zones (zone " + z.name +
                                      " is dynamic; set mode = secondary)");
      continue;
    }
    SecondaryConfig& sc = z.secondary;
    if (z.dhcid == DhcidPolicy::kTxt)
      error(line_in_zone("dhcid"), "dhcid is for dynamic zones: zone " + z.name +
                                        " is a secondary zone and takes no UPDATEs");
    if (!z.allow_update.empty())
      error(z.allow_update.front().where.line,
            "allow-update is for dynamic zones: zone " + z.name + " is a secondary zone and follows its primary");
    if (sc.primaries.empty() && !(inst && inst->seen.count("primary"))) error(z.where.line, "zone " + z.name + ": mode secondary needs a primary (primary = ADDR[:PORT] [key NAME])");
    for (const PrimaryAddr& p : sc.primaries)
      if (!p.key.empty() && config_.find_key(p.key) == nullptr)
        error(p.where.line, "primary " + p.str() + ": unknown key \"" + p.key + "\" (define it in a [key " + p.key +
                                "] section or a key-file)");
    auto order = [&](int64_t lo, int64_t hi, const char* lo_key, const char* hi_key) {
      if (lo > hi) error(line_in_zone(lo_key), std::string(lo_key) + " is longer than " + hi_key);
    };
    order(sc.refresh_min_ms, sc.refresh_max_ms, "refresh-min", "refresh-max");
    order(sc.retry_min_ms, sc.retry_max_ms, "retry-min", "retry-max");
    order(sc.expire_min_ms, sc.expire_max_ms, "expire-min", "expire-max");
    if (sc.allow_notify.empty()) {
      for (const PrimaryAddr& p : sc.primaries) {
        auto c = parse_cidr(p.host);
        if (c.ok()) sc.allow_notify.push_back(*c);
      }
    }
  }
  // allow-update rules name existing keys.
  for (const ZoneConfig& z : config_.zones) {
    if (z.mode != ZoneMode::kDynamic) continue;
    if (z.allow_update.empty()) {
      config_.warnings.push_back(z.where.str() + ": zone " + z.name +
                                 " has no allow-update rule: every UPDATE will be refused");
    }
    for (const UpdateRule& r : z.allow_update) {
      if (z.dhcid != DhcidPolicy::kTxt && std::find(r.types.begin(), r.types.end(), "DHCID") != r.types.end())
        error(r.where.line, "allow-update: type DHCID needs dhcid = txt in zone " + z.name +
                                " (Route 53 cannot hold DHCID)");
      if (r.kind == UpdateRule::Kind::kAddress) {
        config_.warnings.push_back(r.where.str() + ": zone " + z.name +
                                   " accepts unsigned updates from " + r.network.str());
      } else if (config_.find_key(r.key) == nullptr) {
        error(r.where.line, "allow-update: unknown key \"" + r.key + "\" (define it in a [key " +
                                r.key + "] section or a key-file)");
      }
    }
  }
  if (!errors_.empty()) {
    std::stable_sort(errors_.begin(), errors_.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string all;
    for (const auto& [line, msg] : errors_) {
      if (!all.empty()) all += '\n';
      all += msg;
    }
    return Status::invalid_argument(all);
  }
  return std::move(config_);
}

}  // namespace r53d::config
