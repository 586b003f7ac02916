// Tests for the group commit (src/commit/zone_committer.cc) against a fake Route 53 that applies
// change batches with the real compare-and-swap rules (route53-api.md §3.2-§3.3) and can be told
// to hold, reject or fail requests.
#include "commit/zone_committer.h"
#include "update/update.h"
#include "zone/soa.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "loop/event_base.h"
#include "tests/unit/zone/fixture.h"
#include "util/clock.h"
#include "r53/names.h"
#include "zone/codec.h"

namespace r53d::commit {
namespace {

using testing::make_update;
using testing::N;

// A hosted zone with ChangeResourceRecordSets semantics: atomic, sequential, exact DELETEs.
class FakeRoute53 : public ZoneBackend {
 public:
  explicit FakeRoute53(loop::EventBase& loop) : loop_(loop) {
    for (auto& rs : testing::example_zone()) put(rs);
  }

  // Every change request, in order.
  std::vector<r53::ChangeBatch> calls;
  int name_reads = 0;
  int zone_reads = 0;
  int replies_lost = 0;
  // While true, change requests wait in `held` until release().
  bool hold = false;
  std::deque<std::function<void()>> held;
  // Scripted outcomes for the next calls (consumed first); otherwise the store decides.
  std::deque<ChangeOutcome> scripted;
  // Values containing this text make Route 53 refuse the batch (a bad UPDATE).
  std::string poison = "reject-me";
  // Something changes the zone behind route53d before each of the next N calls.
  int interfere = 0;
  // ... or before the calls with these 1-based numbers.
  std::set<size_t> interfere_before;
  // The SOA value the store holds after each call (applied or not), in call order.
  std::vector<std::string> soa_after;
  // The next N calls that apply lose their reply: the batch lands, the client retries, and the
  // retry's answer (a lost compare-and-swap against the batch itself) is what comes back, with
  // maybe_applied set.
  int lose_replies = 0;
  // The next N calls get maybe_applied set on whatever they answer (an unanswered attempt that
  // had not landed, then a retry).
  int flag_maybe_applied = 0;
  // Another writer applies exactly our batch just before each of the next N calls (two route53d
  // doing the same thing): our call then loses its compare-and-swap, without maybe_applied.
  int preempt_same = 0;
  // What send_delay_ms answers (a rate limiter with no token).
  int64_t pace_ms = 0;
  int delay_asks = 0;
  int64_t send_delay_ms(const std::string&) override {
    ++delay_asks;
    return pace_ms;
  }
  // What reread_delay_ms answers (two tokens not yet there).
  int64_t reread_ms = 0;
  int64_t reread_delay_ms(const std::string&) override { return reread_ms; }

  void change_rrsets(const std::string&, const r53::ChangeBatch& batch, std::function<void(ChangeOutcome)> cb) override {
    calls.push_back(batch);
    auto run = [this, batch, cb] {
      if (interfere > 0 || interfere_before.count(calls.size())) {
        if (interfere > 0) --interfere;
        bump_soa_behind();
      }
      if (preempt_same > 0) {
        --preempt_same;
        (void)apply(batch);
      }
      ChangeOutcome o;
      if (!scripted.empty()) {
        o = scripted.front();
        scripted.pop_front();
      } else {
        o = apply(batch);
        if (o.info.ok() && lose_replies > 0) {
          --lose_replies;
          ++replies_lost;
          o = apply(batch);  // the retry
          o.maybe_applied = true;
        }
      }
      if (flag_maybe_applied > 0) {
        --flag_maybe_applied;
        o.maybe_applied = true;
      }
      soa_after.push_back(store_.at({"example.com.", "SOA"}).values.at(0));
      loop_.defer([cb, o] { cb(o); });
    };
    if (hold)
      held.push_back(run);
    else
      run();
  }
  void read_names(const std::string&, const std::vector<zone::Name>& names, RecordSetsCallback cb) override {
    ++name_reads;
    std::vector<r53::RecordSet> out;
    for (auto& [k, rs] : store_) {
      auto n = zone::name_from_r53(rs.name);
      if (n.ok() && std::find(names.begin(), names.end(), *n) != names.end()) out.push_back(rs);
    }
    loop_.defer([cb, out] { cb(out); });
  }
  void read_zone(const std::string&, RecordSetsCallback cb) override {
    ++zone_reads;
    std::vector<r53::RecordSet> out;
    for (auto& [k, rs] : store_) out.push_back(rs);
    loop_.defer([cb, out] { cb(out); });
  }

  // Background pages (ListResourceRecordSets in Route 53 order, page_size sets each), read when
  // asked; while hold_pages they are delivered only by release_pages().
  size_t page_size = 3;
  bool hold_pages = false;
  int pages_read = 0;
  std::deque<std::function<void()>> held_pages;
  void read_page_background(const std::string&, const PageStart& start, PageCallback cb) override {
    ++pages_read;
    std::vector<std::pair<std::pair<std::string, std::string>, r53::RecordSet>> all;
    for (auto& [k, rs] : store_) all.push_back({{r53::reverse_name_key(rs.name), rs.type}, rs});
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::pair<std::string, std::string> from{start.name.empty() ? "" : r53::reverse_name_key(start.name), start.type};
    Page page;
    size_t i = 0;
    while (i < all.size() && all[i].first < from) ++i;
    for (; i < all.size() && page.sets.size() < page_size; ++i) page.sets.push_back(all[i].second);
    if (i < all.size()) {
      page.truncated = true;
      page.next = {all[i].second.name, all[i].second.type, ""};
    }
    auto deliver = [this, cb, page] { loop_.defer([cb, page] { cb(page); }); };
    if (hold_pages)
      held_pages.push_back(deliver);
    else
      deliver();
  }
  void release_pages() {
    while (!held_pages.empty()) {
      auto f = held_pages.front();
      held_pages.pop_front();
      f();
    }
  }

  void release() {
    hold = false;
    while (!held.empty()) {
      auto f = held.front();
      held.pop_front();
      f();
    }
  }

  // The values stored at (name, type) sorted, "" if absent.
  std::string values(const std::string& name, const std::string& type) const {
    auto it = store_.find({name, type});
    if (it == store_.end()) return "";
    auto v = it->second.values;
    std::sort(v.begin(), v.end());
    std::string out;
    for (auto& s : v) out += (out.empty() ? "" : " ") + s;
    return out;
  }
  uint32_t serial() const {
    const auto& v = store_.at({"example.com.", "SOA"}).values.at(0);
    // MNAME RNAME SERIAL ...
    size_t a = v.find(' '), b = v.find(' ', a + 1), c = v.find(' ', b + 1);
    return static_cast<uint32_t>(std::stoul(v.substr(b + 1, c - b - 1)));
  }
  // Another writer: adds an RRset and bumps the SOA serial.
  void bump_soa_behind(const std::string& add_name = "") {
    auto& soa = store_[{"example.com.", "SOA"}];
    uint32_t s = serial() + 10;
    soa.values = {std::string("ns-2048.awsdns-64.net. awsdns-hostmaster.amazon.com. ") + std::to_string(s) +
                  " 7200 900 1209600 86400"};
    if (!add_name.empty()) put(testing::rs(add_name, "A", 60, {"198.51.100.1"}));
  }
  void put(const r53::RecordSet& rs) { store_[{rs.name, rs.type + rs.set_identifier}] = rs; }
  // Another writer that does not touch the SOA (the console, the AWS CLI) removes an RRset.
  void erase(const std::string& name, const std::string& type) { store_.erase({name, type}); }
  // The changes of a request as "DELETE www.example.com. A" lines.
  static std::vector<std::string> actions(const r53::ChangeBatch& b) {
    std::vector<std::string> out;
    for (const auto& c : b.changes)
      out.push_back(std::string(c.action == r53::Action::kDelete ? "DELETE " : "CREATE ") + c.rrset.name + " " +
                    c.rrset.type);
    return out;
  }
  size_t size() const { return store_.size(); }

 private:
  static std::string bracket(const r53::RecordSet& rs) {
    return "[name='" + rs.name + "', type='" + rs.type + "']";
  }
  static bool same(const r53::RecordSet& a, const r53::RecordSet& b) {
    auto va = a.values, vb = b.values;
    std::sort(va.begin(), va.end());
    std::sort(vb.begin(), vb.end());
    return a.ttl_s == b.ttl_s && va == vb && a.alias_target == b.alias_target;
  }
  ChangeOutcome apply(const r53::ChangeBatch& batch) {
    auto work = store_;
    std::vector<std::string> errors;
    for (const auto& c : batch.changes) {
      std::pair<std::string, std::string> k{c.rrset.name, c.rrset.type + c.rrset.set_identifier};
      for (const auto& v : c.rrset.values)
        if (!poison.empty() && v.find(poison) != std::string::npos)
          errors.push_back("Invalid Resource Record: FATAL problem: bad value " + v);
      auto it = work.find(k);
      if (c.action == r53::Action::kDelete) {
        if (it == work.end())
          errors.push_back("Tried to delete resource record set " + bracket(c.rrset) + " but it was not found");
        else if (!same(it->second, c.rrset))
          errors.push_back("Tried to delete resource record set " + bracket(c.rrset) +
                           " but the values provided do not match the current values");
        else
          work.erase(it);
      } else if (c.action == r53::Action::kCreate) {
        bool cname_here = false, other_here = false;
        for (const auto& [k2, rs2] : work)
          if (k2.first == c.rrset.name) (rs2.type == "CNAME" ? cname_here : other_here) = true;
        if (it != work.end())
          errors.push_back("Tried to create resource record set " + bracket(c.rrset) + " but it already exists");
        else if (c.rrset.type == "CNAME" && other_here)  // route53-api.md §3.5
          errors.push_back("RRSet of type CNAME with DNS name " + c.rrset.name +
                           " is not permitted as it conflicts with other records with the same DNS name in zone "
                           "example.com.");
        else if (c.rrset.type != "CNAME" && cname_here)
          errors.push_back("RRSet of type " + c.rrset.type + " with DNS name " + c.rrset.name +
                           " is not permitted because a conflicting RRSet of type  CNAME with the same DNS name "
                           "already exists in zone example.com.");
        else
          work[k] = c.rrset;
      } else {
        work[k] = c.rrset;
      }
    }
    // The per-request limits (route53-api.md §3.8), checked as Route 53 does.
    if (zone::BatchSize total = zone::size_of_changes(batch.changes); total.records > zone::kMaxBatchRecords)
      errors.push_back("Number of records limit of 1000 exceeded.");
    else if (total.chars > zone::kMaxBatchChars)
      errors.push_back("RDATA character limit of 32000 exceeded.");
    ChangeOutcome o;
    if (!errors.empty()) {
      std::string msg = "[";
      for (size_t i = 0; i < errors.size(); ++i) msg += (i ? ", " : "") + errors[i];
      msg += "]";
      o.info = Status::invalid_argument("InvalidChangeBatch: " + msg);
      o.error_code = "InvalidChangeBatch";
      o.error_message = msg;
      return o;
    }
    store_ = std::move(work);
    r53::ChangeInfo ci;
    ci.id = "/change/C" + std::to_string(calls.size());
    ci.status = "PENDING";
    o.info = ci;
    return o;
  }

  loop::EventBase& loop_;
  std::map<std::pair<std::string, std::string>, r53::RecordSet> store_;
};

class CommitterTest : public ::testing::Test {
 protected:
  // Timers run on the fake clock (TimerClock::kClock): back-off and pacing waits fire when
  // run_until moves the clock to them, never because real time passed (a loaded machine or a
  // sanitizer build made the 4 ms back-off fire before the test looked, 7 runs in 20).
  CommitterTest() : loop_(clock_, loop::TimerClock::kClock), r53_(loop_) {}

  ZoneCommitter& committer(CommitterOptions opt = {}, std::optional<zone::Mirror> mirror = std::nullopt) {
    if (!zc_) {
      // No back-off after a lost compare-and-swap unless a test asks for one.
      if (!opt.rng) opt.rng = [] { return 0.0; };
      zc_ = std::make_unique<ZoneCommitter>(loop_, mirror ? std::move(*mirror) : testing::load_example(), "ZEXAMPLE",
                                            r53_, opt);
      zc_->set_on_accepted([this](const std::string& id, zone::RRset::Ptr soa) {
        accepted_.emplace_back(id, soa ? soa->soa_serial() : 0);
      });
    }
    return *zc_;
  }

  // Submits an UPDATE; returns the index of its answer slot in answers_.
  size_t submit(const std::vector<std::string>& prereqs, const std::vector<std::string>& updates,
                const std::string& client = "192.0.2.1#5300", uint16_t id = 0) {
    auto pkt = make_update(prereqs, updates);
    if (id == 0) id = next_id_++;
    ldns_pkt_set_id(pkt.get(), id);
    uint8_t* wire = nullptr;
    size_t len = 0;
    EXPECT_EQ(ldns_pkt2wire(&wire, pkt.get(), &len), LDNS_STATUS_OK);
    UpdateRequest r;
    r.client = client;
    r.id = id;
    r.wire.assign(wire, wire + len);
    free(wire);
    r.pkt = std::move(pkt);
    r.grant = grant_;
    r.key = "update-key.";
    size_t slot = answers_.size();
    answers_.push_back({});
    answer_count_.push_back(0);
    committer().submit(std::move(r), [this, slot](const EditAnswer& a) {
      answers_[slot] = a;
      ++answer_count_[slot];
    });
    return slot;
  }
  void settle() {
    for (int i = 0; i < 1000 && loop_.deferred_pending() > 0; ++i) loop_.run_once(true);
  }
  // Runs the loop until cond() holds, moving the fake clock to the next timer's deadline
  // whenever nothing else is left to run; false when nothing is left at all, or after 10
  // minutes of fake time.
  bool run_until(const std::function<bool()>& cond) {
    const int64_t give_up_ms = clock_.mono_ms() + 600'000;
    while (!cond()) {
      loop_.run_once(true);
      if (cond()) return true;
      if (loop_.deferred_pending() > 0) continue;
      std::optional<int64_t> next = loop_.next_timer_ms();
      if (!next || *next > give_up_ms) return false;
      if (*next > clock_.mono_ms()) clock_.advance_ms(*next - clock_.mono_ms());
    }
    return true;
  }
  std::string rcode(size_t slot) const {
    if (answer_count_[slot] == 0) return "(none)";
    return update::rcode_name(answers_[slot].rcode);
  }

  FakeClock clock_;
  loop::EventBase loop_;
  FakeRoute53 r53_;
  std::shared_ptr<const update::Grant> grant_ = std::make_shared<update::AllowAll>();
  std::unique_ptr<ZoneCommitter> zc_;
  std::vector<EditAnswer> answers_;
  std::vector<int> answer_count_;
  std::vector<std::pair<std::string, uint32_t>> accepted_;
  uint16_t next_id_ = 1;
};

TEST_F(CommitterTest, IdleZoneCommitsAtOnceAndAnswersAfterAcceptance) {
  r53_.hold = true;
  size_t a = submit({}, {"new.example.com. 300 IN A 192.0.2.50"});
  settle();
  ASSERT_EQ(r53_.calls.size(), 1u);
  EXPECT_EQ(rcode(a), "(none)") << "answered before Route 53 accepted";
  r53_.release();
  settle();
  EXPECT_EQ(rcode(a), "NOERROR");
  EXPECT_EQ(r53_.values("new.example.com.", "A"), "192.0.2.50");
  EXPECT_EQ(r53_.serial(), 101u);
  EXPECT_EQ(committer().mirror().serial(), 101u);
  ASSERT_EQ(accepted_.size(), 1u);
  EXPECT_EQ(accepted_[0].first, "/change/C1");
  EXPECT_EQ(accepted_[0].second, 101u);
}

TEST_F(CommitterTest, UpdatesQueuedWhileBusyGoOutAsOneBatchInArrivalOrder) {
  r53_.hold = true;
  size_t first = submit({}, {"one.example.com. 300 IN A 192.0.2.1"});
  settle();
  ASSERT_EQ(r53_.calls.size(), 1u);
  // While the first is in flight: an add, an UPDATE that needs it (sees it), one whose
  // prerequisite fails against the add, and one more.
  size_t add = submit({}, {"two.example.com. 300 IN A 192.0.2.2"});
  size_t needs = submit({"two.example.com. 0 ANY A"}, {"two.example.com. 300 IN TXT \"seen\""});
  size_t fails = submit({"two.example.com. 0 NONE ANY"}, {"three.example.com. 300 IN A 192.0.2.3"});
  size_t last = submit({}, {"four.example.com. 300 IN A 192.0.2.4"});
  settle();
  EXPECT_EQ(r53_.calls.size(), 1u) << "a second request went out while one was in flight";
  EXPECT_EQ(rcode(fails), "(none)");
  r53_.release();
  settle();
  EXPECT_EQ(rcode(first), "NOERROR");
  EXPECT_EQ(rcode(fails), "YXDOMAIN");
  ASSERT_EQ(r53_.calls.size(), 2u);
  EXPECT_EQ(rcode(add), "NOERROR");
  EXPECT_EQ(rcode(needs), "NOERROR");
  EXPECT_EQ(rcode(last), "NOERROR");
  EXPECT_EQ(r53_.values("two.example.com.", "TXT"), "\"seen\"");
  EXPECT_EQ(r53_.values("three.example.com.", "A"), "");
  EXPECT_EQ(r53_.values("four.example.com.", "A"), "192.0.2.4");
  EXPECT_EQ(r53_.serial(), 102u) << "one serial bump per batch";
  EXPECT_EQ(committer().stats().max_batch, 3u) << "the failed UPDATE rides along but is not counted";
}

TEST_F(CommitterTest, PrerequisiteFailureIsAnsweredWithoutACall) {
  size_t a = submit({"www.example.com. 0 NONE A"}, {"www.example.com. 300 IN TXT \"x\""});
  settle();
  EXPECT_EQ(rcode(a), "YXRRSET");
  EXPECT_TRUE(r53_.calls.empty());
  EXPECT_FALSE(answers_[a].reason.empty());
}

TEST_F(CommitterTest, NoChangeMeansNoCallAndNoSerialBump) {
  size_t a = submit({}, {"www.example.com. 300 IN A 192.0.2.1"});  // already there
  settle();
  EXPECT_EQ(rcode(a), "NOERROR");
  EXPECT_TRUE(r53_.calls.empty());
  EXPECT_EQ(r53_.serial(), 100u);
}

TEST_F(CommitterTest, RejectedBatchIsSplitUntilTheBadUpdateIsAlone) {
  r53_.hold = true;
  size_t lead = submit({}, {"lead.example.com. 300 IN A 192.0.2.9"});
  settle();
  std::vector<size_t> slots;
  for (int i = 0; i < 8; ++i) {
    std::string v = i == 5 ? "\"reject-me\"" : "\"ok" + std::to_string(i) + "\"";
    slots.push_back(submit({}, {"t" + std::to_string(i) + ".example.com. 300 IN TXT " + v}));
  }
  settle();
  r53_.release();
  settle();
  for (size_t i = 0; i < slots.size(); ++i) {
    SCOPED_TRACE(i);
    if (i == 5) {
      EXPECT_EQ(rcode(slots[i]), "REFUSED");
      EXPECT_NE(answers_[slots[i]].reason.find("reject-me"), std::string::npos) << answers_[slots[i]].reason;
      EXPECT_EQ(r53_.values("t5.example.com.", "TXT"), "");
    } else {
      EXPECT_EQ(rcode(slots[i]), "NOERROR");
      EXPECT_EQ(r53_.values("t" + std::to_string(i) + ".example.com.", "TXT"), "\"ok" + std::to_string(i) + "\"");
    }
  }
  EXPECT_EQ(rcode(lead), "NOERROR");
  // 1 lead, then bisection: [0-7] no, [0-3] ok, [4-7] no, [4-5] no, [4] ok, [5] no, [6-7] ok.
  EXPECT_EQ(r53_.calls.size(), 8u);
  EXPECT_EQ(committer().stats().noerror, 8u);
}

TEST_F(CommitterTest, LostCompareAndSwapRereadsAndRetries) {
  r53_.interfere = 1;  // someone bumps the SOA before our first call lands
  size_t a = submit({}, {"cas.example.com. 300 IN A 192.0.2.77"});
  settle();
  EXPECT_EQ(rcode(a), "NOERROR");
  EXPECT_EQ(r53_.calls.size(), 2u);
  EXPECT_EQ(r53_.name_reads + r53_.zone_reads, 1);
  EXPECT_EQ(r53_.values("cas.example.com.", "A"), "192.0.2.77");
  EXPECT_EQ(r53_.serial(), 111u) << "the new serial follows the one read back";
  EXPECT_EQ(committer().stats().cas_lost, 1u);
}

// Bug: a lost compare-and-swap re-read only the batch's names; another writer's change to a third
// name stayed unseen, and the next UPDATE, whose prerequisite read that name, was locked by the
// new SOA alone: Route 53 accepted it and the client was told NOERROR against a false prerequisite.
TEST_F(CommitterTest, StaleNameAfterPartialRereadIsReadAgain) {
  CommitterOptions opt;
  opt.verify_foreign = false;  // the freshness re-read is for edits that do not assert their reads
  opt.list_page_size = 1;  // the example zone is many pages: re-reads go by name
  committer(opt);
  r53_.bump_soa_behind("zeta.example.com.");  // unseen by the mirror
  size_t a = submit({}, {"x.example.com. 300 IN A 192.0.2.10"});
  settle();
  ASSERT_EQ(rcode(a), "NOERROR");
  ASSERT_EQ(committer().stats().cas_lost, 1u);
  ASSERT_EQ(r53_.zone_reads, 0) << "the test needs a partial re-read";
  int reads = r53_.name_reads;
  EXPECT_FALSE(committer().mirror().is_fresh(N("zeta.example.com")));

  size_t b = submit({"zeta.example.com. 0 NONE A"}, {"y.example.com. 300 IN A 192.0.2.11"});
  settle();
  EXPECT_EQ(rcode(b), "YXRRSET") << "answered from data another writer had changed";
  EXPECT_EQ(r53_.values("y.example.com.", "A"), "");
  EXPECT_EQ(r53_.name_reads, reads + 1);
  EXPECT_EQ(committer().stats().stale_rereads, 1u);
  EXPECT_TRUE(committer().mirror().is_fresh(N("zeta.example.com")));

  // Once read, the name is trusted again: no more reads for it.
  size_t c = submit({"zeta.example.com. 0 ANY A"}, {"y.example.com. 300 IN A 192.0.2.12"});
  settle();
  EXPECT_EQ(rcode(c), "NOERROR");
  EXPECT_EQ(r53_.values("y.example.com.", "A"), "192.0.2.12");
  EXPECT_EQ(r53_.name_reads, reads + 1);
}

TEST_F(CommitterTest, StaleRereadServesTheQueuedUpdatesInOneRead) {
  CommitterOptions opt;
  opt.verify_foreign = false;  // the freshness re-read is for edits that do not assert their reads
  opt.list_page_size = 1;
  committer(opt);
  r53_.bump_soa_behind("zeta.example.com.");
  size_t a = submit({}, {"x.example.com. 300 IN A 192.0.2.10"});
  settle();
  ASSERT_EQ(rcode(a), "NOERROR");
  r53_.hold = true;
  size_t busy = submit({}, {"busy.example.com. 300 IN A 192.0.2.1"});
  settle();
  EXPECT_EQ(committer().stats().stale_rereads, 1u) << "busy.example.com is not fresh either";
  int reads = r53_.name_reads;
  std::vector<size_t> waiting;
  for (const char* n : {"p1", "p2", "p3"})
    waiting.push_back(submit({std::string(n) + ".example.com. 0 NONE ANY"},
                             {std::string(n) + ".example.com. 300 IN A 192.0.2.20"}));
  r53_.release();
  settle();
  EXPECT_EQ(rcode(busy), "NOERROR");
  for (size_t w : waiting) EXPECT_EQ(rcode(w), "NOERROR");
  EXPECT_EQ(r53_.name_reads, reads + 1) << "one read for p1, p2 and p3";
  EXPECT_EQ(committer().stats().stale_rereads, 2u);
}

// Bug: a prerequisite that failed against an earlier UPDATE of the same batch was answered at
// once; when Route 53 then refused that earlier UPDATE, the answer had rested on a change that
// never happened.
TEST_F(CommitterTest, FailureThatRestsOnARefusedUpdateIsEvaluatedAgain) {
  r53_.hold = true;
  size_t busy = submit({}, {"busy.example.com. 300 IN A 192.0.2.1"});
  settle();
  size_t bad = submit({}, {"new.example.com. 300 IN TXT \"reject-me\""});
  size_t after = submit({"new.example.com. 0 NONE ANY"}, {"other.example.com. 300 IN A 192.0.2.9"});
  settle();
  EXPECT_EQ(rcode(after), "(none)") << "answered before the UPDATE it rests on was accepted";
  r53_.release();
  settle();
  EXPECT_EQ(rcode(busy), "NOERROR");
  EXPECT_EQ(rcode(bad), "REFUSED");
  EXPECT_EQ(rcode(after), "NOERROR") << "new.example.com never came to exist";
  EXPECT_EQ(r53_.values("other.example.com.", "A"), "192.0.2.9");
  EXPECT_EQ(r53_.values("new.example.com.", "TXT"), "");
  EXPECT_EQ(committer().stats().reevaluated, 1u);
}

TEST_F(CommitterTest, FailureThatRestsOnTheMirrorAloneIsAnsweredAtOnce) {
  r53_.hold = true;
  size_t busy = submit({}, {"busy.example.com. 300 IN A 192.0.2.1"});
  settle();
  size_t fails = submit({"www.example.com. 0 NONE ANY"}, {"other.example.com. 300 IN A 192.0.2.9"});
  size_t add = submit({}, {"more.example.com. 300 IN A 192.0.2.8"});
  r53_.release();
  r53_.hold = true;  // the second batch waits
  settle();
  EXPECT_EQ(rcode(busy), "NOERROR");
  EXPECT_EQ(rcode(fails), "YXDOMAIN") << "nothing before it in the batch: no reason to wait";
  EXPECT_EQ(rcode(add), "(none)");
  ASSERT_EQ(r53_.calls.size(), 2u);
  r53_.release();
  settle();
  EXPECT_EQ(rcode(add), "NOERROR");
  EXPECT_EQ(answer_count_[fails], 1);
  EXPECT_EQ(committer().stats().max_batch, 1u);
}

TEST_F(CommitterTest, PrerequisitesAreEvaluatedAgainOnTheFreshView) {
  // Another writer creates race.example.com and bumps the SOA behind the mirror's back.
  r53_.bump_soa_behind("race.example.com.");
  size_t a = submit({"race.example.com. 0 NONE ANY"}, {"race.example.com. 300 IN A 192.0.2.5"});
  settle();
  EXPECT_EQ(rcode(a), "YXDOMAIN") << "answered from a stale view";
  EXPECT_EQ(r53_.values("race.example.com.", "A"), "198.51.100.1");
}

TEST_F(CommitterTest, EndlessCompareAndSwapLossesEndInServfail) {
  r53_.interfere = 1000;
  size_t a = submit({}, {"cas.example.com. 300 IN A 192.0.2.77"});
  settle();
  EXPECT_EQ(rcode(a), "SERVFAIL");
  EXPECT_EQ(r53_.calls.size(), 6u) << "max_cas_rounds (5) retries after the first loss";
  EXPECT_EQ(r53_.values("cas.example.com.", "A"), "");
}

TEST_F(CommitterTest, LostReplyOfALandedBatchIsAnsweredNoerror) {
  // The prerequisite case: "name not in use" + add. Re-evaluated after the lost reply, the
  // prerequisite would fail against the UPDATE's own result and the client be told YXDOMAIN for
  // a change Route 53 applied.
  r53_.lose_replies = 1;
  size_t a = submit({"landed.example.com. 0 NONE ANY"}, {"landed.example.com. 300 IN A 192.0.2.66"});
  settle();
  EXPECT_EQ(r53_.replies_lost, 1);
  EXPECT_EQ(rcode(a), "NOERROR") << answers_[a].reason;
  EXPECT_EQ(r53_.calls.size(), 1u) << "re-evaluated and sent again";
  // One read of landed.example.com before the batch (its nxdomain prerequisite rests on Route 53's
  // data, not the mirror's), one after the lost reply.
  EXPECT_EQ(r53_.name_reads + r53_.zone_reads, 2);
  EXPECT_EQ(r53_.values("landed.example.com.", "A"), "192.0.2.66");
  EXPECT_EQ(r53_.serial(), 101u);
  EXPECT_EQ(committer().mirror().serial(), 101u);
  EXPECT_EQ(committer().stats().lost_replies, 1u);
  EXPECT_EQ(committer().stats().cas_lost, 1u);
  EXPECT_EQ(committer().stats().cas_backoff_ms, 0);
  // Reported without a change ID: nothing to poll.
  ASSERT_EQ(accepted_.size(), 1u);
  EXPECT_EQ(accepted_[0].first, "");
  EXPECT_EQ(accepted_[0].second, 101u);
  // The zone goes on from the serial read back.
  size_t b = submit({}, {"after.example.com. 300 IN A 192.0.2.67"});
  settle();
  EXPECT_EQ(rcode(b), "NOERROR");
  EXPECT_EQ(r53_.serial(), 102u);
  ASSERT_EQ(accepted_.size(), 2u);
  EXPECT_EQ(accepted_[1].first, "/change/C2");
}

TEST_F(CommitterTest, LostReplyOfAGroupBatchAnswersEveryMember) {
  r53_.hold = true;
  size_t lead = submit({}, {"lead.example.com. 300 IN A 192.0.2.9"});
  settle();
  size_t add = submit({"g1.example.com. 0 NONE ANY"}, {"g1.example.com. 300 IN A 192.0.2.1"});
  size_t del = submit({"www.example.com. 0 ANY A"}, {"www.example.com. 0 ANY A"});  // delete only
  size_t ttl = submit({"g1.example.com. 0 ANY A"}, {"g1.example.com. 600 IN A 192.0.2.1"});  // sees add
  settle();
  r53_.lose_replies = 2;  // the lead's reply too
  r53_.release();
  settle();
  EXPECT_EQ(r53_.replies_lost, 2);
  EXPECT_EQ(rcode(lead), "NOERROR");
  EXPECT_EQ(rcode(add), "NOERROR") << answers_[add].reason;
  EXPECT_EQ(rcode(del), "NOERROR") << answers_[del].reason;
  EXPECT_EQ(rcode(ttl), "NOERROR") << answers_[ttl].reason;
  EXPECT_EQ(r53_.calls.size(), 2u);
  EXPECT_EQ(r53_.values("www.example.com.", "A"), "");
  EXPECT_EQ(r53_.values("g1.example.com.", "A"), "192.0.2.1");
  EXPECT_EQ(committer().stats().lost_replies, 2u);
  EXPECT_EQ(committer().stats().max_batch, 3u) << "the failed UPDATE rides along but is not counted";
  EXPECT_EQ(committer().mirror().serial(), 102u);
  EXPECT_TRUE(committer().idle());
}

TEST_F(CommitterTest, LostReplyCheckNeedsAnUnansweredAttempt) {
  // Another writer wrote exactly our batch (same data, same serial) first: a definite first
  // answer means ours did not land, so the UPDATE is evaluated again and its prerequisite fails.
  r53_.preempt_same = 1;
  size_t a = submit({"twin.example.com. 0 NONE ANY"}, {"twin.example.com. 300 IN A 192.0.2.5"});
  settle();
  EXPECT_EQ(rcode(a), "YXDOMAIN");
  EXPECT_EQ(committer().stats().lost_replies, 0u);
  EXPECT_TRUE(accepted_.empty());
}

TEST_F(CommitterTest, LostReplyCheckFailsWhenTheZoneDiffersAndTheUpdateIsRetried) {
  // An unanswered attempt that had not landed, and the retry lost against another writer: the
  // zone does not hold our batch, so the UPDATE is evaluated again and sent again.
  r53_.interfere = 1;
  r53_.flag_maybe_applied = 1;
  size_t a = submit({"fresh.example.com. 0 NONE ANY"}, {"fresh.example.com. 300 IN A 192.0.2.8"});
  settle();
  EXPECT_EQ(rcode(a), "NOERROR");
  EXPECT_EQ(r53_.calls.size(), 2u);
  EXPECT_EQ(committer().stats().lost_replies, 0u);
  ASSERT_EQ(accepted_.size(), 1u);
  EXPECT_EQ(accepted_[0].first, "/change/C2");
  EXPECT_EQ(r53_.serial(), 111u);
}

TEST(CasBackoff, FullJitterWindowsDoubleUpToTheCap) {
  EXPECT_EQ(cas_backoff_ms(1, 20, 1000, 0.5), 10);
  EXPECT_EQ(cas_backoff_ms(2, 20, 1000, 0.5), 20);
  EXPECT_EQ(cas_backoff_ms(5, 20, 1000, 0.5), 160);
  EXPECT_EQ(cas_backoff_ms(6, 20, 1000, 0.5), 320);
  EXPECT_EQ(cas_backoff_ms(7, 20, 1000, 0.5), 500) << "window capped at 1000";
  EXPECT_EQ(cas_backoff_ms(1000, 20, 1000, 0.999), 999) << "no overflow for many losses";
  EXPECT_EQ(cas_backoff_ms(3, 20, 1000, 0.0), 0);
  EXPECT_EQ(cas_backoff_ms(1, 20, 1000, 1.0), 20) << "never above the window";
  EXPECT_EQ(cas_backoff_ms(0, 20, 1000, 0.5), 0);
  EXPECT_EQ(cas_backoff_ms(1, 0, 1000, 0.5), 0) << "base 0 turns it off";
}

TEST_F(CommitterTest, LostCompareAndSwapBacksOffBeforeRereading) {
  int draws = 0;
  CommitterOptions opt;
  opt.cas_backoff_base_ms = 8;
  opt.rng = [&draws] {
    ++draws;
    return 0.5;
  };
  committer(opt);
  r53_.interfere = 3;
  size_t a = submit({}, {"cas.example.com. 300 IN A 192.0.2.77"});
  settle();
  // Lost once: waiting 4 ms (half of the 8 ms window) on a timer, nothing re-read yet.
  EXPECT_EQ(loop_.next_timer_ms(), clock_.mono_ms() + 4);
  EXPECT_EQ(r53_.calls.size(), 1u);
  EXPECT_EQ(r53_.name_reads + r53_.zone_reads, 0);
  EXPECT_EQ(rcode(a), "(none)");
  EXPECT_FALSE(committer().idle());
  // An UPDATE arriving meanwhile waits too: the mirror is stale.
  size_t b = submit({}, {"other.example.com. 300 IN A 192.0.2.78"});
  settle();
  EXPECT_EQ(r53_.calls.size(), 1u);
  ASSERT_TRUE(run_until([&] { return answer_count_[a] > 0 && answer_count_[b] > 0; }));
  EXPECT_EQ(rcode(a), "NOERROR");
  EXPECT_EQ(rcode(b), "NOERROR");
  EXPECT_EQ(draws, 3);
  EXPECT_EQ(committer().stats().cas_lost, 3u);
  EXPECT_EQ(committer().stats().cas_backoff_ms, 4 + 8 + 16);
  EXPECT_EQ(r53_.name_reads + r53_.zone_reads, 3);
  EXPECT_EQ(r53_.values("cas.example.com.", "A"), "192.0.2.77");
}

TEST_F(CommitterTest, BackOffEndsInServfailAfterMaxCasRounds) {
  CommitterOptions opt;
  opt.cas_backoff_base_ms = 2;
  opt.rng = [] { return 0.5; };
  committer(opt);
  r53_.interfere = 1000;
  size_t a = submit({}, {"cas.example.com. 300 IN A 192.0.2.77"});
  ASSERT_TRUE(run_until([&] { return answer_count_[a] > 0; }));
  EXPECT_EQ(rcode(a), "SERVFAIL");
  EXPECT_EQ(r53_.calls.size(), 6u);
  // Windows 2, 4, 8, 16, 32 ms, half of each; none after the sixth loss (no retry follows).
  EXPECT_EQ(committer().stats().cas_backoff_ms, 1 + 2 + 4 + 8 + 16);
}

TEST_F(CommitterTest, BackOffLastsUntilTheRereadAndTheRetryCanGoTogether) {
  CommitterOptions opt;
  opt.cas_backoff_base_ms = 20;
  opt.cas_backoff_cap_ms = 50;
  opt.rng = [] { return 0.5; };
  committer(opt);
  r53_.reread_ms = 30;  // longer than the jitter (10 ms): the token wait wins
  r53_.interfere = 2;
  size_t a = submit({}, {"tok.example.com. 300 IN A 192.0.2.7"});
  settle();
  EXPECT_EQ(r53_.name_reads + r53_.zone_reads, 0) << "re-read before the tokens were there";
  r53_.reread_ms = 500;  // capped at cas_backoff_cap_ms
  ASSERT_TRUE(run_until([&] { return answer_count_[a] > 0; }));
  EXPECT_EQ(rcode(a), "NOERROR");
  EXPECT_EQ(committer().stats().cas_backoff_ms, 30 + 50);
}

TEST_F(CommitterTest, LostReplyIsCheckedWithoutBackingOff) {
  CommitterOptions opt;
  opt.cas_backoff_base_ms = 1000;
  opt.rng = [] { return 0.9; };
  committer(opt);
  r53_.reread_ms = 1000;
  r53_.lose_replies = 1;
  size_t a = submit({"quick.example.com. 0 NONE ANY"}, {"quick.example.com. 300 IN A 192.0.2.3"});
  settle();  // deferred work only: no timer may stand in between
  EXPECT_EQ(rcode(a), "NOERROR");
  EXPECT_EQ(committer().stats().cas_backoff_ms, 0);
}

TEST_F(CommitterTest, AbandonWhileBackingOffAnswersServfail) {
  CommitterOptions opt;
  opt.cas_backoff_base_ms = 20;
  opt.rng = [] { return 0.5; };
  committer(opt);
  r53_.interfere = 1;
  size_t a = submit({}, {"a.example.com. 300 IN A 192.0.2.9"});
  settle();
  EXPECT_EQ(rcode(a), "(none)");
  committer().abandon_in_flight();
  EXPECT_EQ(rcode(a), "SERVFAIL");
  EXPECT_TRUE(committer().idle());
  loop::Timer later(loop_, [] {});
  later.start_once(30);
  ASSERT_TRUE(run_until([&] { return !later.pending(); }));
  settle();
  EXPECT_EQ(answer_count_[a], 1);
  EXPECT_EQ(r53_.calls.size(), 1u);
  EXPECT_EQ(r53_.name_reads + r53_.zone_reads, 0);
}

TEST_F(CommitterTest, FinalFailureAnswersServfailToEveryWaitingClient) {
  r53_.hold = true;
  size_t lead = submit({}, {"lead.example.com. 300 IN A 192.0.2.9"});
  settle();
  size_t b = submit({}, {"b.example.com. 300 IN A 192.0.2.10"});
  size_t c = submit({}, {"c.example.com. 300 IN A 192.0.2.11"});
  settle();
  ChangeOutcome fail;
  fail.info = Status::unavailable("Throttling: Rate exceeded (after 8 attempts)");
  fail.error_code = "Throttling";
  fail.error_message = "Rate exceeded";
  r53_.scripted = {ChangeOutcome{}, fail};
  r53_.scripted.front().info = r53::ChangeInfo{"/change/C1", "PENDING", "", ""};
  r53_.release();
  settle();
  EXPECT_EQ(rcode(lead), "NOERROR");
  EXPECT_EQ(rcode(b), "SERVFAIL");
  EXPECT_EQ(rcode(c), "SERVFAIL");
  EXPECT_NE(answers_[b].reason.find("Throttling"), std::string::npos);
  EXPECT_EQ(r53_.calls.size(), 2u);
}

TEST_F(CommitterTest, RetransmissionJoinsTheOriginalAndIsReplayedAfterwards) {
  r53_.hold = true;
  // Not idempotent: applied twice, the second would fail its prerequisite.
  std::vector<std::string> pre = {"once.example.com. 0 NONE ANY"};
  std::vector<std::string> up = {"once.example.com. 300 IN A 192.0.2.1"};
  size_t a = submit(pre, up, "192.0.2.1#5300", 777);
  size_t b = submit(pre, up, "192.0.2.1#5300", 777);
  settle();
  r53_.release();
  settle();
  EXPECT_EQ(rcode(a), "NOERROR");
  EXPECT_EQ(rcode(b), "NOERROR");
  EXPECT_EQ(answer_count_[a], 1);
  EXPECT_EQ(answer_count_[b], 1);
  size_t c = submit(pre, up, "192.0.2.1#5300", 777);
  settle();
  EXPECT_EQ(rcode(c), "NOERROR");
  EXPECT_TRUE(answers_[c].replayed);
  EXPECT_EQ(r53_.calls.size(), 1u);
  // Same ID from another port is another client: applied, and its prerequisite fails.
  size_t d = submit(pre, up, "192.0.2.1#5301", 777);
  settle();
  EXPECT_EQ(rcode(d), "YXDOMAIN");
  // After the window the answer is forgotten.
  clock_.advance_ms(61000);
  size_t e = submit(pre, up, "192.0.2.1#5300", 777);
  settle();
  EXPECT_EQ(rcode(e), "YXDOMAIN");
  EXPECT_FALSE(answers_[e].replayed);
}

TEST_F(CommitterTest, UpdateTooBigForOneBatchIsRefused) {
  std::vector<std::string> up;
  for (int i = 0; i < 1000; ++i) up.push_back("h" + std::to_string(i) + ".example.com. 300 IN A 192.0.2.1");
  size_t a = submit({}, up);
  settle();
  EXPECT_EQ(rcode(a), "REFUSED");
  EXPECT_NE(answers_[a].reason.find("larger than one Route 53 change batch"), std::string::npos);
  EXPECT_TRUE(r53_.calls.empty());
}

TEST_F(CommitterTest, BatchesStopAtTheRoute53Limits) {
  r53_.hold = true;
  size_t lead = submit({}, {"lead.example.com. 300 IN A 192.0.2.9"});
  settle();
  std::vector<size_t> slots;
  for (int u = 0; u < 3; ++u) {
    std::vector<std::string> up;
    for (int i = 0; i < 400; ++i)
      up.push_back("u" + std::to_string(u) + "-" + std::to_string(i) + ".example.com. 300 IN A 192.0.2.1");
    slots.push_back(submit({}, up));
  }
  settle();
  r53_.release();
  settle();
  EXPECT_EQ(rcode(lead), "NOERROR");
  for (size_t s : slots) EXPECT_EQ(rcode(s), "NOERROR");
  ASSERT_EQ(r53_.calls.size(), 3u) << "400+400 fit one request, the third 400 the next";
  EXPECT_EQ(zone::size_of_changes(r53_.calls[1].changes).records, 802u);
  EXPECT_EQ(r53_.values("u2-399.example.com.", "A"), "192.0.2.1");
}

TEST_F(CommitterTest, StopAcceptingAnswersQueuedAndLetsTheFlightLand) {
  r53_.hold = true;
  size_t a = submit({}, {"a.example.com. 300 IN A 192.0.2.9"});
  settle();
  size_t b = submit({}, {"b.example.com. 300 IN A 192.0.2.10"});
  settle();
  committer().stop_accepting();
  EXPECT_EQ(rcode(b), "SERVFAIL");
  EXPECT_FALSE(committer().idle());
  size_t c = submit({}, {"c.example.com. 300 IN A 192.0.2.11"});
  settle();
  EXPECT_EQ(rcode(c), "SERVFAIL");
  r53_.release();
  settle();
  EXPECT_EQ(rcode(a), "NOERROR");
  EXPECT_TRUE(committer().idle());
}

TEST_F(CommitterTest, AbandonAnswersTheFlightServfail) {
  r53_.hold = true;
  size_t a = submit({}, {"a.example.com. 300 IN A 192.0.2.9"});
  settle();
  committer().abandon_in_flight();
  EXPECT_EQ(rcode(a), "SERVFAIL");
  EXPECT_TRUE(committer().idle());
  r53_.release();
  settle();
  EXPECT_EQ(answer_count_[a], 1);
}

TEST_F(CommitterTest, WaitsForTheRateLimiterAndGathersWhatArrivesMeanwhile) {
  r53_.pace_ms = 30;
  size_t a = submit({}, {"a.example.com. 300 IN A 192.0.2.1"});
  settle();
  EXPECT_TRUE(r53_.calls.empty()) << "sent although the limiter had no token";
  r53_.pace_ms = 0;
  size_t b = submit({}, {"b.example.com. 300 IN A 192.0.2.2"});
  settle();
  EXPECT_TRUE(r53_.calls.empty()) << "the held batch went out before its delay";
  const int64_t t0 = clock_.mono_ms();
  ASSERT_TRUE(run_until([&] { return answer_count_[b] > 0; }));
  EXPECT_EQ(clock_.mono_ms() - t0, 30) << "sent when the limiter's token was due";
  ASSERT_EQ(r53_.calls.size(), 1u);
  EXPECT_EQ(rcode(a), "NOERROR");
  EXPECT_EQ(rcode(b), "NOERROR");
  EXPECT_EQ(committer().stats().max_batch, 2u);
}

// An exclusive edit (what a zone transfer submits): puts `sets` and, when serial != 0, the SOA
// with that serial; applied again from scratch after a lost compare-and-swap.
class SetEdit final : public Edit {
 public:
  SetEdit(std::vector<r53::RecordSet> sets, uint32_t serial, bool whole_zone = false)
      : sets_(std::move(sets)), serial_(serial), whole_(whole_zone) {}
  // Counts apply() calls, outliving the edit (the committer frees it once answered).
  std::shared_ptr<int> applied = std::make_shared<int>(0);
  std::string describe() const override { return "test edit to serial " + std::to_string(serial_); }
  EditResult apply(zone::WorkingCopy& wc) override {
    ++*applied;
    auto mark = wc.mark();
    for (const auto& rs : sets_) {
      auto set = zone::RRset::from_stored({rs});
      Status s = set.ok() ? wc.put(*set) : set.status();
      if (!s.ok()) {
        wc.rollback(mark);
        return EditResult{LDNS_RCODE_REFUSED, s.message(), false};
      }
    }
    if (serial_ != 0) {
      auto soa = zone::soa_with_serial(wc.soa(), serial_);
      Status s = soa.ok() ? wc.put(*soa) : soa.status();
      if (!s.ok()) return EditResult{LDNS_RCODE_SERVFAIL, s.message(), false};
    }
    return EditResult{LDNS_RCODE_NOERROR, "", true};
  }
  std::vector<zone::Name> names_read(const zone::Name& apex) const override {
    std::vector<zone::Name> out{apex};
    for (const auto& rs : sets_) out.push_back(*zone::name_from_r53(rs.name));
    return out;
  }
  bool reads_whole_zone() const override { return whole_; }
  bool exclusive() const override { return true; }

 private:
  std::vector<r53::RecordSet> sets_;
  uint32_t serial_;
  bool whole_;
};

std::vector<r53::RecordSet> many_a(int n, const std::string& prefix = "h") {
  std::vector<r53::RecordSet> out;
  for (int i = 0; i < n; ++i)
    out.push_back(testing::rs(prefix + std::to_string(i) + ".example.com.", "A", 300,
                              {"10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250)}));
  return out;
}

uint32_t soa_field(const std::string& value, int i) {  // 0 MNAME ... 2 SERIAL ... 5 EXPIRE
  std::istringstream in(value);
  std::string w;
  for (int k = 0; k <= i; ++k) in >> w;
  return static_cast<uint32_t>(std::stoul(w));
}

class PushTest : public CommitterTest {
 protected:
  size_t submit_edit(std::unique_ptr<Edit> e, ZoneCommitter& zc) {
    size_t slot = answers_.size();
    answers_.push_back({});
    answer_count_.push_back(0);
    zc.submit(std::move(e), [this, slot](const EditAnswer& a) {
      answers_[slot] = a;
      ++answer_count_[slot];
    });
    return slot;
  }
};

TEST_F(PushTest, ExclusiveEditThatFitsIsOneBatchCarryingItsOwnSerial) {
  size_t a = submit_edit(std::make_unique<SetEdit>(many_a(3), 2026120601), committer());
  settle();
  ASSERT_EQ(rcode(a), "NOERROR");
  EXPECT_EQ(r53_.calls.size(), 1u);
  EXPECT_EQ(r53_.serial(), 2026120601u) << "a transfer sets the primary's serial, no bump";
  EXPECT_EQ(answers_[a].serial, 2026120601u);
  EXPECT_EQ(answers_[a].requests, 1u);
  EXPECT_EQ(answers_[a].change_id, "/change/C1");
  EXPECT_EQ(r53_.values("h2.example.com.", "A"), "10.0.0.2");
}

TEST_F(PushTest, ExclusiveEditEqualToRoute53CostsNoCall) {
  size_t a = submit_edit(std::make_unique<SetEdit>(std::vector<r53::RecordSet>{}, 100), committer());
  settle();
  EXPECT_EQ(rcode(a), "NOERROR");
  EXPECT_TRUE(r53_.calls.empty());
  EXPECT_EQ(answers_[a].serial, 100u);
  EXPECT_EQ(answers_[a].requests, 0u);
}

TEST_F(PushTest, LargeEditIsPushedDataFirstSerialLastUnderTheLock) {
  // 2,500 records: three requests of at most 1,000 records each (with the SOA pair).
  size_t a = submit_edit(std::make_unique<SetEdit>(many_a(2500), 2026120601), committer());
  settle();
  ASSERT_EQ(rcode(a), "NOERROR") << answers_[a].reason;
  ASSERT_EQ(r53_.calls.size(), 3u);
  EXPECT_EQ(answers_[a].requests, 3u);
  ASSERT_EQ(r53_.soa_after.size(), 3u);
  for (size_t k = 0; k + 1 < r53_.soa_after.size(); ++k) {
    EXPECT_EQ(soa_field(r53_.soa_after[k], 2), 100u) << "request " << k + 1 << " already named the new serial";
    EXPECT_EQ(soa_field(r53_.soa_after[k], 5) & zone::kSoaLockMask, zone::kSoaLockTag) << "request " << k + 1;
  }
  EXPECT_NE(soa_field(r53_.soa_after[0], 5), soa_field(r53_.soa_after[1], 5)) << "each request moves the mark";
  EXPECT_EQ(r53_.serial(), 2026120601u);
  EXPECT_EQ(soa_field(r53_.soa_after.back(), 5), 1209600u) << "the last request releases the lock";
  for (size_t k = 0; k < r53_.calls.size(); ++k) {
    EXPECT_LE(zone::size_of_changes(r53_.calls[k].changes).records, zone::kMaxBatchRecords);
    const auto& ch = r53_.calls[k].changes;
    EXPECT_EQ(ch.front().action, r53::Action::kDelete);
    EXPECT_EQ(ch.front().rrset.type, "SOA") << "every request asserts the lock first";
    EXPECT_EQ(ch.back().rrset.type, "SOA");
  }
  EXPECT_EQ(r53_.values("h2499.example.com.", "A"), "10.0.9.249");
  ASSERT_EQ(accepted_.size(), 1u) << "only the last request is polled";
  EXPECT_EQ(accepted_[0].first, "/change/C3");
  EXPECT_EQ(committer().stats().pushes, 1u);
  EXPECT_EQ(committer().mirror().serial(), 2026120601u);
  EXPECT_FALSE(zone::soa_is_locked(committer().mirror().soa()));
}

TEST_F(PushTest, PushThatLosesItsLockMidwayStartsAgainFromWhatRoute53Holds) {
  r53_.interfere_before = {2};  // another writer bumps the SOA before request 2
  auto e = std::make_unique<SetEdit>(many_a(2500), 2026120601);
  std::shared_ptr<int> applied = e->applied;
  size_t a = submit_edit(std::move(e), committer());
  settle();
  ASSERT_EQ(rcode(a), "NOERROR") << answers_[a].reason;
  EXPECT_EQ(r53_.serial(), 2026120601u);
  EXPECT_EQ(r53_.values("h0.example.com.", "A"), "10.0.0.0");
  EXPECT_EQ(r53_.values("h2499.example.com.", "A"), "10.0.9.249");
  EXPECT_EQ(committer().stats().cas_lost, 1u);
  EXPECT_EQ(*applied, 2) << "evaluated again after the lost request";
  // What request 1 wrote is not written again: 1 + 1 (lost) + 2 (the rest, 1,500 records).
  EXPECT_EQ(r53_.calls.size(), 4u);
}

TEST_F(PushTest, NoIntermediateStateNamesTheNewSerial) {
  r53_.interfere_before = {3};
  size_t a = submit_edit(std::make_unique<SetEdit>(many_a(3500), 7), committer());
  settle();
  ASSERT_EQ(rcode(a), "NOERROR") << answers_[a].reason;
  for (size_t k = 0; k + 1 < r53_.soa_after.size(); ++k)
    EXPECT_NE(soa_field(r53_.soa_after[k], 2), 7u) << "after call " << k + 1;
  EXPECT_EQ(soa_field(r53_.soa_after.back(), 2), 7u);
  for (int i : {0, 1000, 2000, 3499}) EXPECT_NE(r53_.values("h" + std::to_string(i) + ".example.com.", "A"), "");
}

// Regression: the SOA pair of a middle request of a push is two lock marks, whose 10-digit EXPIRE
// makes them longer than the zone's SOA; counting the current SOA for one side left the
// request 3 characters short and Route 53 refused it ("RDATA character limit of 32000
// exceeded", request 8 of a 100,000-record push in bench/xfr_bench.sh).
TEST_F(PushTest, EveryRequestOfAPushStaysWithinTheCharacterLimit) {
  std::vector<r53::RecordSet> sets;
  auto rng = make_seeded_rng(7);
  for (int i = 0; i < 3000; ++i) {
    size_t len = 20 + static_cast<size_t>(rng() * 180);
    sets.push_back(testing::rs("t" + std::to_string(i) + ".example.com.", "TXT", 300,
                               {"\"" + std::string(len, static_cast<char>('a' + i % 26)) + "\""}));
  }
  // A final serial as long as the current one: the marks are the longest SOAs of the push.
  size_t a = submit_edit(std::make_unique<SetEdit>(sets, 101), committer());
  settle();
  ASSERT_EQ(rcode(a), "NOERROR") << answers_[a].reason;
  EXPECT_GT(r53_.calls.size(), 5u);
  for (size_t k = 0; k < r53_.calls.size(); ++k)
    EXPECT_LE(zone::size_of_changes(r53_.calls[k].changes).chars, zone::kMaxBatchChars) << "request " << k + 1;
  EXPECT_EQ(r53_.serial(), 101u);
}

zone::Mirror mirror_with_soa(const std::string& soa_value) {
  auto z = testing::example_zone();
  z[0].values = {soa_value};
  auto m = zone::Mirror::load(testing::N("example.com."), z);
  EXPECT_TRUE(m.ok());
  return std::move(*m);
}

TEST_F(PushTest, AnotherWritersLockHoldsUpdatesUntilItsLeaseRunsOut) {
  const std::string locked = "ns-2048.awsdns-64.net. awsdns-hostmaster.amazon.com. 100 7200 900 1560281089 86400";
  r53_.put(testing::rs("example.com.", "SOA", 900, {locked}));
  CommitterOptions opt;
  opt.lock_lease_ms = 60000;
  opt.lock_poll_ms = 5;
  ZoneCommitter& zc = committer(opt, mirror_with_soa(locked));
  size_t a = submit({}, {"x.example.com. 300 IN A 192.0.2.1"});
  settle();
  EXPECT_EQ(zc.state(), ZoneCommitter::State::kLockWait);
  // The apex is looked at again while waiting; nothing is sent.
  ASSERT_TRUE(run_until([&] { return r53_.name_reads >= 2; }));
  EXPECT_TRUE(r53_.calls.empty());
  EXPECT_EQ(rcode(a), "(none)");
  clock_.advance_ms(60000);  // the mark has not moved for the lease
  ASSERT_TRUE(run_until([&] { return answer_count_[a] > 0; }));
  EXPECT_EQ(rcode(a), "NOERROR");
  EXPECT_EQ(r53_.serial(), 101u);
  EXPECT_EQ(soa_field(r53_.soa_after.back(), 5), 1209600u) << "taking the lock over releases it";
  EXPECT_EQ(zc.stats().lock_takeovers, 1u);
}

TEST_F(PushTest, ReleasedLockLetsTheQueueGoAtOnce) {
  const std::string locked = "ns-2048.awsdns-64.net. awsdns-hostmaster.amazon.com. 100 7200 900 1560281089 86400";
  r53_.put(testing::rs("example.com.", "SOA", 900, {locked}));
  CommitterOptions opt;
  opt.lock_poll_ms = 5;
  ZoneCommitter& zc = committer(opt, mirror_with_soa(locked));
  size_t a = submit({}, {"x.example.com. 300 IN A 192.0.2.1"});
  settle();
  EXPECT_EQ(zc.state(), ZoneCommitter::State::kLockWait);
  r53_.put(testing::rs("example.com.", "SOA", 900, {"ns-2048.awsdns-64.net. awsdns-hostmaster.amazon.com. 150 7200 900 1209600 86400"}));
  ASSERT_TRUE(run_until([&] { return answer_count_[a] > 0; }));
  EXPECT_EQ(rcode(a), "NOERROR");
  EXPECT_EQ(r53_.serial(), 151u);
  EXPECT_EQ(zc.stats().lock_takeovers, 0u);
}

TEST_F(PushTest, TakingOverALockAsksAPartialTransferForAFullComparison) {
  const std::string locked = "ns-2048.awsdns-64.net. awsdns-hostmaster.amazon.com. 100 7200 900 1560281089 86400";
  r53_.put(testing::rs("example.com.", "SOA", 900, {locked}));
  CommitterOptions opt;
  opt.lock_lease_ms = 10;
  opt.lock_poll_ms = 5;
  ZoneCommitter& zc = committer(opt, mirror_with_soa(locked));
  size_t a = submit_edit(std::make_unique<SetEdit>(many_a(2), 101), zc);
  settle();
  clock_.advance_ms(10);
  ASSERT_TRUE(run_until([&] { return answer_count_[a] > 0; }));
  EXPECT_EQ(rcode(a), "SERVFAIL");
  EXPECT_TRUE(answers_[a].full_sync_needed);
  size_t b = submit_edit(std::make_unique<SetEdit>(many_a(2), 101, /*whole_zone=*/true), zc);
  ASSERT_TRUE(run_until([&] { return answer_count_[b] > 0; }));
  EXPECT_EQ(rcode(b), "NOERROR") << answers_[b].reason;
  EXPECT_EQ(r53_.serial(), 101u);
}

TEST_F(PushTest, ExclusiveEditWaitsForTheUpdatesBeforeIt) {
  r53_.hold = true;
  size_t u1 = submit({}, {"u1.example.com. 300 IN A 192.0.2.1"});
  settle();
  size_t u2 = submit({}, {"u2.example.com. 300 IN A 192.0.2.2"});
  size_t x = submit_edit(std::make_unique<SetEdit>(many_a(2), 500), committer());
  size_t u3 = submit({}, {"u3.example.com. 300 IN A 192.0.2.3"});
  r53_.release();
  settle();
  r53_.release();
  settle();
  r53_.release();
  settle();
  EXPECT_EQ(rcode(u1), "NOERROR");
  EXPECT_EQ(rcode(u2), "NOERROR");
  EXPECT_EQ(rcode(x), "NOERROR");
  EXPECT_EQ(rcode(u3), "NOERROR");
  ASSERT_EQ(r53_.calls.size(), 4u) << "u1; u2 alone; the edit alone; u3";
  EXPECT_EQ(r53_.serial(), 501u);
}

TEST(ClassifyRejection, TellsCasFromBadBatchFromFailure) {
  ChangeOutcome o;
  o.error_code = "InvalidChangeBatch";
  o.error_message = "[Tried to delete resource record set [name='k.example.net.', type='A'] but it was not found]";
  EXPECT_EQ(classify_rejection(o), Rejection::kCasLost);
  o.error_message = "[Tried to delete resource record set [name='example.net.', type='SOA'] but the values provided do not match the current values]";
  EXPECT_EQ(classify_rejection(o), Rejection::kCasLost);
  o.error_message = "[Tried to create resource record set [name='a.example.com.', type='TXT'] but it already exists]";
  EXPECT_EQ(classify_rejection(o), Rejection::kCasLost);
  o.error_message = "[Invalid Resource Record: FATAL problem: ARRDATAIllegalIPv4Address encountered at 1.2.3]";
  EXPECT_EQ(classify_rejection(o), Rejection::kBadBatch);
  o.error_code = "InvalidInput";
  EXPECT_EQ(classify_rejection(o), Rejection::kBadBatch);
  o.error_code = "AccessDenied";
  EXPECT_EQ(classify_rejection(o), Rejection::kFailed);
  o.error_code = "";
  EXPECT_EQ(classify_rejection(o), Rejection::kFailed);
}

// Conflicts with sets the mirror does not hold (made behind route53d's back) mean a stale mirror,
// like "already exists": re-read, not bisect and refuse.
TEST(ClassifyRejection, ConflictsWithUnknownSetsAreLostCompareAndSwaps) {
  ChangeOutcome o;
  o.error_code = "InvalidChangeBatch";
  o.error_message = "[RRSet with DNS name late.example.com., type A cannot be created because a weighted RRSet with "
                    "the same name and type already exists.]";
  EXPECT_EQ(classify_rejection(o), Rejection::kCasLost);
  o.error_message = "[RRSet of type CNAME with DNS name www.example.com. is not permitted as it conflicts with other "
                    "records with the same DNS name in zone example.com.]";
  EXPECT_EQ(classify_rejection(o), Rejection::kCasLost);
  o.error_message = "[RRSet of type CAA with DNS name www.example.com. is not permitted because a conflicting RRSet of "
                    "type  CNAME with the same DNS name already exists in zone example.com.]";
  EXPECT_EQ(classify_rejection(o), Rejection::kCasLost);
}

}  // namespace
}  // namespace r53d::commit

namespace r53d::commit {
namespace {

// ---- Writers that do not go through route53d (they change RRsets, never the SOA) ----------------

// Bug: "prereq nxrrset" on an RRset another writer had just created was answered NOERROR from the
// mirror and applied. Fails on the old committer (NOERROR, y written, no read).
TEST_F(CommitterTest, ForeignWriterNxrrsetPrerequisiteIsCheckedOnARead) {
  committer();
  r53_.put(testing::rs("ghost.example.com.", "A", 60, {"198.51.100.7"}));  // behind route53d, SOA untouched
  size_t a = submit({"ghost.example.com. 0 NONE A"}, {"y.example.com. 300 IN A 192.0.2.11"});
  settle();
  EXPECT_EQ(rcode(a), "YXRRSET") << answers_[a].reason;
  EXPECT_EQ(r53_.values("y.example.com.", "A"), "");
  EXPECT_TRUE(r53_.calls.empty());
  EXPECT_EQ(r53_.name_reads + r53_.zone_reads, 1);
  EXPECT_EQ(committer().stats().absence_reads, 1u);
}

// Bug: same with "prereq nxdomain".
TEST_F(CommitterTest, ForeignWriterNxdomainPrerequisiteIsCheckedOnARead) {
  committer();
  r53_.put(testing::rs("ghost.example.com.", "TXT", 60, {"\"other writer\""}));
  size_t a = submit({"ghost.example.com. 0 NONE ANY"}, {"ghost.example.com. 300 IN A 192.0.2.11"});
  settle();
  EXPECT_EQ(rcode(a), "YXDOMAIN") << answers_[a].reason;
  EXPECT_EQ(r53_.values("ghost.example.com.", "A"), "");
  EXPECT_TRUE(r53_.calls.empty());
}

// An nxrrset on the very RRset the batch CREATEs needs no read: the CREATE fails if it exists.
TEST_F(CommitterTest, NxrrsetOnTheRRsetTheBatchCreatesNeedsNoRead) {
  committer();
  size_t a = submit({"new.example.com. 0 NONE A"}, {"new.example.com. 300 IN A 192.0.2.11"});
  settle();
  EXPECT_EQ(rcode(a), "NOERROR");
  EXPECT_EQ(r53_.name_reads + r53_.zone_reads, 0);
  EXPECT_EQ(r53_.calls.size(), 1u);

  // Another writer creates it: the CREATE fails, the re-read shows it, the answer follows it.
  r53_.put(testing::rs("new2.example.com.", "A", 60, {"198.51.100.2"}));
  size_t b = submit({"new2.example.com. 0 NONE A"}, {"new2.example.com. 300 IN A 192.0.2.12"});
  settle();
  EXPECT_EQ(rcode(b), "YXRRSET") << answers_[b].reason;
  EXPECT_EQ(r53_.values("new2.example.com.", "A"), "198.51.100.2");
  EXPECT_EQ(committer().stats().foreign_changes, 1u);
}

// Bug: "prereq yxrrset" with a value another writer had changed was answered NOERROR. The batch
// now asserts the exact RRset (identical DELETE + CREATE) at no extra call.
TEST_F(CommitterTest, ForeignWriterValueDependentPrerequisiteIsAssertedInTheBatch) {
  committer();
  size_t a = submit({"www.example.com. 0 IN A 192.0.2.1", "www.example.com. 0 IN A 192.0.2.2"},
                    {"x.example.com. 300 IN A 192.0.2.10"});
  settle();
  EXPECT_EQ(rcode(a), "NOERROR");
  ASSERT_EQ(r53_.calls.size(), 1u);
  auto acts = FakeRoute53::actions(r53_.calls[0]);
  EXPECT_EQ(std::count(acts.begin(), acts.end(), "DELETE www.example.com. A"), 1);
  EXPECT_EQ(std::count(acts.begin(), acts.end(), "CREATE www.example.com. A"), 1);
  EXPECT_EQ(r53_.values("www.example.com.", "A"), "192.0.2.1 192.0.2.2") << "the assertion changes nothing";
  EXPECT_EQ(r53_.name_reads + r53_.zone_reads, 0) << "presence costs no read";
  EXPECT_EQ(committer().stats().asserted, 1u);

  r53_.put(testing::rs("www.example.com.", "A", 300, {"192.0.2.99"}));  // behind route53d
  size_t b = submit({"www.example.com. 0 IN A 192.0.2.1", "www.example.com. 0 IN A 192.0.2.2"},
                    {"z.example.com. 300 IN A 192.0.2.10"});
  settle();
  EXPECT_EQ(rcode(b), "NXRRSET") << answers_[b].reason;
  EXPECT_EQ(r53_.values("z.example.com.", "A"), "");
  EXPECT_EQ(r53_.values("www.example.com.", "A"), "192.0.2.99");
}

TEST_F(CommitterTest, ForeignWriterValueIndependentPrerequisiteIsAssertedInTheBatch) {
  committer();
  r53_.erase("mail.example.com.", "A");
  size_t a = submit({"mail.example.com. 0 ANY A"}, {"z.example.com. 300 IN A 192.0.2.10"});
  settle();
  EXPECT_EQ(rcode(a), "NXRRSET") << answers_[a].reason;
  EXPECT_EQ(r53_.values("z.example.com.", "A"), "");
  // yxdomain stands on one RRset at the name.
  r53_.erase("txt.example.com.", "TXT");
  size_t b = submit({"txt.example.com. 0 ANY ANY"}, {"z.example.com. 300 IN A 192.0.2.10"});
  settle();
  EXPECT_EQ(rcode(b), "NXDOMAIN") << answers_[b].reason;
  EXPECT_EQ(r53_.values("z.example.com.", "A"), "");
}

// Bug: an add of an A record at a name another writer had just given a CNAME was refused after a
// bisection; RFC 2136 §3.4.2.2 ignores such an add (NOERROR). Fails on the old committer (REFUSED).
TEST_F(CommitterTest, AddBesideAForeignCnameIsIgnoredNotRefused) {
  committer();
  r53_.put(testing::rs("cn2.example.com.", "CNAME", 60, {"www.example.com."}));
  size_t a = submit({}, {"cn2.example.com. 300 IN A 192.0.2.1"});
  size_t b = submit({}, {"other.example.com. 300 IN A 192.0.2.2"});
  settle();
  EXPECT_EQ(rcode(a), "NOERROR") << answers_[a].reason;
  EXPECT_EQ(rcode(b), "NOERROR") << answers_[b].reason;
  EXPECT_EQ(r53_.values("cn2.example.com.", "A"), "");
  EXPECT_EQ(r53_.values("cn2.example.com.", "CNAME"), "www.example.com.");
  EXPECT_EQ(r53_.values("other.example.com.", "A"), "192.0.2.2");
  EXPECT_EQ(committer().stats().bad_batches, 0u) << "not handled as a bad UPDATE";
  EXPECT_EQ(committer().stats().foreign_changes, 1u);

  // The ignored add now rests on that CNAME: asserted in the batch of a later UPDATE.
  size_t c = submit({}, {"cn2.example.com. 300 IN A 192.0.2.1", "other2.example.com. 300 IN A 192.0.2.3"});
  settle();
  EXPECT_EQ(rcode(c), "NOERROR");
  auto acts = FakeRoute53::actions(r53_.calls.back());
  EXPECT_EQ(std::count(acts.begin(), acts.end(), "DELETE cn2.example.com. CNAME"), 1);
}

// Bug: a refusal that persisted although nothing had changed ("already exists" while the mirror
// and Route 53 agree) was retried as contention and ended, after 6 calls, as SERVFAIL "the zone
// kept changing behind route53d". It is a change Route 53 cannot take: REFUSED after one re-read.
// Fails on the old committer (SERVFAIL, 6 calls). The CNAME-conflict texts go the same way.
TEST_F(CommitterTest, PersistentRefusalWithNothingChangedIsRefusedNotServfail) {
  committer();
  const std::string texts[] = {
      "[Tried to create resource record set [name='odd.example.com.', type='A'] but it already exists]",
      "[RRSet of type A with DNS name odd2.example.com. is not permitted because a conflicting RRSet of type  "
      "CNAME with the same DNS name already exists in zone example.com.]"};
  for (size_t k = 0; k < 2; ++k) {
    SCOPED_TRACE(k);
    ChangeOutcome refused;
    refused.error_code = "InvalidChangeBatch";
    refused.error_message = texts[k];
    refused.info = Status::invalid_argument("InvalidChangeBatch: " + refused.error_message);
    r53_.scripted.clear();
    for (int i = 0; i < 10; ++i) r53_.scripted.push_back(refused);
    size_t calls = r53_.calls.size();
    int reads = r53_.name_reads + r53_.zone_reads;
    size_t a = submit({}, {std::string(k ? "odd2" : "odd") + ".example.com. 300 IN A 192.0.2.1"});
    settle();
    EXPECT_EQ(rcode(a), "REFUSED") << answers_[a].reason;
    EXPECT_NE(answers_[a].reason.find(k ? "conflicting RRSet" : "already exists"), std::string::npos)
        << answers_[a].reason;
    EXPECT_EQ(r53_.calls.size(), calls + 1) << "one call, one re-read, then refused";
    EXPECT_EQ(r53_.name_reads + r53_.zone_reads, reads + 1);
    EXPECT_EQ(committer().stats().refused_unchanged, k + 1);
  }
  EXPECT_EQ(committer().stats().foreign_changes, 0u);
  r53_.scripted.clear();
}

// Deletes: of an RRset route53d does not see (read first), of a value a set does not hold (the
// exact set asserted).
TEST_F(CommitterTest, ForeignWriterDeletesFollowRoute53) {
  committer();
  r53_.put(testing::rs("ghost.example.com.", "A", 60, {"198.51.100.7"}));
  size_t a = submit({}, {"ghost.example.com. 0 ANY A"});
  settle();
  EXPECT_EQ(rcode(a), "NOERROR");
  EXPECT_EQ(r53_.values("ghost.example.com.", "A"), "") << "the delete of an RRset only Route 53 had";
  r53_.put(testing::rs("mail.example.com.", "A", 300, {"192.0.2.25", "192.0.2.26"}));
  size_t b = submit({}, {"mail.example.com. 0 NONE A 192.0.2.26", "z.example.com. 300 IN A 192.0.2.1"});
  settle();
  EXPECT_EQ(rcode(b), "NOERROR");
  EXPECT_EQ(r53_.values("mail.example.com.", "A"), "192.0.2.25");
}

// Absence reads of queued UPDATEs share one ListResourceRecordSets while it stays within the cap.
TEST_F(CommitterTest, AbsenceReadsOfQueuedUpdatesShareOneRead) {
  committer();
  r53_.hold = true;
  size_t busy = submit({}, {"busy.example.com. 300 IN A 192.0.2.1"});
  settle();
  std::vector<size_t> waiting;
  for (const char* n : {"p1", "p2", "p3"})
    waiting.push_back(submit({std::string(n) + ".example.com. 0 NONE ANY"},
                             {std::string(n) + ".example.com. 300 IN TXT \"x\""}));
  r53_.put(testing::rs("p2.example.com.", "A", 60, {"198.51.100.2"}));  // behind route53d
  r53_.release();
  settle();
  EXPECT_EQ(rcode(busy), "NOERROR");
  EXPECT_EQ(rcode(waiting[0]), "NOERROR");
  EXPECT_EQ(rcode(waiting[1]), "YXDOMAIN");
  EXPECT_EQ(rcode(waiting[2]), "NOERROR");
  EXPECT_EQ(r53_.name_reads + r53_.zone_reads, 1) << "one read for p1, p2 and p3";
  EXPECT_EQ(r53_.calls.size(), 2u);
}

// verify_foreign = false trusts the mirror: no read, no assertion (and the wrong answer).
TEST_F(CommitterTest, TrustingTheMirrorSkipsReadsAndAssertions) {
  CommitterOptions opt;
  opt.verify_foreign = false;
  committer(opt);
  r53_.put(testing::rs("ghost.example.com.", "A", 60, {"198.51.100.7"}));
  size_t a = submit({"ghost.example.com. 0 NONE A"}, {"y.example.com. 300 IN A 192.0.2.11"});
  settle();
  EXPECT_EQ(rcode(a), "NOERROR");
  EXPECT_EQ(r53_.name_reads + r53_.zone_reads, 0);
  EXPECT_EQ(committer().stats().asserted, 0u);
}

}  // namespace
}  // namespace r53d::commit

namespace r53d::commit {
namespace {

// The mirror converges on other writers' changes by itself: a background re-read, page by page.
TEST_F(CommitterTest, BackgroundRefreshSeesOtherWritersAndKeepsTheSoa) {
  CommitterOptions opt;
  opt.refresh_interval_ms = 20;
  opt.refresh_page_gap_ms = 1;
  committer(opt);
  r53_.put(testing::rs("ghost.example.com.", "A", 60, {"198.51.100.7"}));
  r53_.erase("mail.example.com.", "A");
  r53_.bump_soa_behind();  // another route53d: the SOA is the compare-and-swap's, not the refresh's
  ASSERT_TRUE(run_until([&] { return committer().stats().refresh_cycles >= 1; }));
  const zone::Mirror& m = committer().mirror();
  EXPECT_NE(m.find(N("ghost.example.com"), LDNS_RR_TYPE_A), nullptr);
  EXPECT_EQ(m.find(N("mail.example.com"), LDNS_RR_TYPE_A), nullptr);
  EXPECT_EQ(m.serial(), 100u) << "the SOA is left to the compare-and-swap";
  EXPECT_GE(committer().stats().refresh_changes, 1u);
  EXPECT_GE(r53_.pages_read, 4) << "the example zone is several pages of 3";
}

// A page read before a batch of ours landed must not put the old data back.
TEST_F(CommitterTest, BackgroundPageDoesNotUndoWhatTheCommitterWroteMeanwhile) {
  CommitterOptions opt;
  opt.refresh_interval_ms = 10;
  opt.refresh_page_gap_ms = 1;
  r53_.page_size = 100;  // one page holds the zone
  r53_.hold_pages = true;
  committer(opt);
  ASSERT_TRUE(run_until([&] { return !r53_.held_pages.empty(); }));
  size_t a = submit({}, {"x.example.com. 300 IN A 192.0.2.10"});
  ASSERT_TRUE(run_until([&] { return answer_count_[a] > 0; }));
  ASSERT_EQ(rcode(a), "NOERROR");
  r53_.release_pages();  // read before x was written
  settle();
  EXPECT_EQ(committer().stats().refresh_pages, 1u);
  EXPECT_NE(committer().mirror().find(N("x.example.com"), LDNS_RR_TYPE_A), nullptr);
  EXPECT_EQ(committer().mirror().serial(), 101u);
}

}  // namespace
}  // namespace r53d::commit

namespace r53d::commit {
namespace {

// After another writer moved the SOA, the names a batch touches are not fresh. An UPDATE asserts
// what it reads (or reads it first), so later batches need no re-read of their names: the cost of
// one lost compare-and-swap stays with the batch that lost it. (Before, every later batch re-read
// its names and the apex: two listings per batch until the next whole-zone read.)
TEST_F(CommitterTest, ForeignSoaChangeDoesNotMakeLaterBatchesReadTheirNames) {
  CommitterOptions opt;
  opt.list_page_size = 1;
  committer(opt);
  r53_.bump_soa_behind();
  size_t a = submit({}, {"x.example.com. 300 IN A 192.0.2.10"});
  settle();
  ASSERT_EQ(rcode(a), "NOERROR");
  ASSERT_EQ(committer().stats().cas_lost, 1u);
  int reads = r53_.name_reads + r53_.zone_reads;
  ASSERT_FALSE(committer().mirror().is_fresh(N("mail.example.com")));
  for (int i = 0; i < 3; ++i) {
    size_t b = submit({"mail.example.com. 0 ANY A"}, {"n" + std::to_string(i) + ".example.com. 300 IN A 192.0.2.1"});
    settle();
    EXPECT_EQ(rcode(b), "NOERROR");
  }
  EXPECT_EQ(r53_.name_reads + r53_.zone_reads, reads);
  EXPECT_EQ(committer().stats().stale_rereads, 0u);
}

}  // namespace
}  // namespace r53d::commit
