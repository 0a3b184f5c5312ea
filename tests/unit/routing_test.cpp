// The cluster router's decisions (cluster/router_state.hpp), on its plain
// state without the actor: where a request for a user goes in a steady
// cluster, while a node joins (on the old home and on the joiner), and
// after the hand-over; which peer a message came through; how a directory
// search's answers merge.
#include <gtest/gtest.h>

#include <fstream>
#include <functional>

#include <nlohmann/json.hpp>

#include "hub/cluster/router_state.hpp"
#include "hub/hub.hpp"
#include "world.hpp"

using namespace chatter;
using namespace chatter::cluster;

namespace {

const std::string A = "10.0.0.1:7000", B = "10.0.0.2:7000", C = "10.0.0.3:7000",
                  J = "10.0.0.9:7000";
const std::set<std::string> three = {A, B, C};
const std::set<std::string> four = {A, B, C, J};

// The first user "userN" for which `fits` holds.
std::string user_where(const std::function<bool(const std::string&)>& fits) {
  for (int i = 0; i < 100000; ++i) {
    auto u = "user" + std::to_string(i);
    if (fits(u))
      return u;
  }
  ADD_FAILURE() << "no such user among 100000";
  return {};
}

// A user homed at `then` on `before` and at `now` on `after`.
std::string user_moving(const ring& before, const std::string& then, const ring& after,
                        const std::string& now) {
  return user_where(
    [&](const std::string& u) { return before.home_of(u) == then && after.home_of(u) == now; });
}

std::string where(const router_state& st, const std::string& user, const std::string& from = {}) {
  auto t = st.owner_of(user, from);
  return t.node + (t.hold ? " (held)" : "");
}

class routing_test : public testing::Test {
protected:
  // This node is `self` of a steady cluster of `members`.
  void steady(const std::string& self, const std::set<std::string>& members) {
    st.config.self_address = self;
    st.current = ring{members};
  }

  // This node is the old home of users that move to J, which is joining.
  void handing_over(bool exporting) {
    steady(A, three);
    handoff h;
    h.to = J;
    h.before = ring{three};
    h.after = ring{four};
    h.exporting = exporting;
    st.moving = std::move(h);
    st.current = st.moving->after;  // as on_join leaves it
  }

  // This node is J, joined, still waiting for `pending` to hand over.
  void joining(std::set<std::string> pending) {
    steady(J, four);
    st.previous = ring{three};
    st.handoffs_pending = std::move(pending);
  }

  router_state st;
  ring before{three}, after{four};
};

}  // namespace

TEST_F(routing_test, in_a_steady_cluster_every_user_goes_to_its_ring_home) {
  steady(A, three);
  std::map<std::string, int> count;
  for (int i = 0; i < 600; ++i) {
    auto u = "user" + std::to_string(i);
    auto t = st.owner_of(u, {});
    EXPECT_EQ(t.node, before.home_of(u)) << u;
    EXPECT_FALSE(t.hold) << u;
    ++count[t.node];
  }
  EXPECT_EQ(count.size(), 3u);  // some stay, and some go to each other node
}

TEST_F(routing_test, a_request_a_peer_sent_for_its_own_user_is_served_not_bounced) {
  steady(A, three);
  auto bobs = user_where([&](const std::string& u) { return before.home_of(u) == B; });
  // B's ring says the user is ours (it disagrees with ours): serve it.
  EXPECT_EQ(where(st, bobs, B), A);
  // Anyone else's request goes to B.
  EXPECT_EQ(where(st, bobs, C), B);
  EXPECT_EQ(where(st, bobs), B);
  auto ours = user_where([&](const std::string& u) { return before.home_of(u) == A; });
  EXPECT_EQ(where(st, ours, B), A);
}

TEST_F(routing_test, the_old_home_serves_a_moving_user_until_the_export_starts_then_holds) {
  handing_over(false);
  auto moving = user_moving(before, A, after, J);
  EXPECT_TRUE(st.moving_out(moving));
  EXPECT_EQ(where(st, moving), A);
  st.moving->exporting = true;
  EXPECT_EQ(where(st, moving), A + " (held)");
  EXPECT_EQ(where(st, moving, B), A + " (held)");
}

TEST_F(routing_test, a_hand_over_moves_only_our_users_that_the_joiner_takes) {
  handing_over(true);
  auto staying = user_moving(before, A, after, A);
  EXPECT_FALSE(st.moving_out(staying));
  EXPECT_EQ(where(st, staying), A);
  // B's users that J takes are B's to move, not ours: they go to J.
  auto bobs = user_moving(before, B, after, J);
  EXPECT_FALSE(st.moving_out(bobs));
  EXPECT_EQ(where(st, bobs), J);
  auto carols = user_moving(before, C, after, C);
  EXPECT_EQ(where(st, carols), C);
}

TEST_F(routing_test, after_the_hand_over_a_moved_user_goes_to_the_joiner_even_from_it) {
  handing_over(true);
  auto moved = user_moving(before, A, after, J);
  st.moving.reset();
  st.handed_off_to.insert(J);
  EXPECT_EQ(where(st, moved), J);
  // J has our answer to its join by the time this reaches it: not served
  // here, where the rows no longer are.
  EXPECT_EQ(where(st, moved, J), J);
  // Another peer J never took users from is still served when it insists.
  auto bobs = user_moving(before, B, after, B);
  EXPECT_EQ(where(st, bobs, B), A);
}

TEST_F(routing_test, the_joiner_sends_its_users_to_their_old_home_until_it_hands_them_over) {
  joining({A, B});
  auto from_a = user_moving(before, A, after, J);
  auto from_b = user_moving(before, B, after, J);
  auto from_c = user_moving(before, C, after, J);
  EXPECT_EQ(where(st, from_a), A);
  EXPECT_EQ(where(st, from_b), B);
  EXPECT_EQ(where(st, from_c), J);  // C has handed over already
  // The old home sends it here once it has handed over: served.
  EXPECT_EQ(where(st, from_a, A), J);
  st.handoffs_pending.erase(A);
  EXPECT_EQ(where(st, from_a), J);
  EXPECT_EQ(where(st, from_b), B);
}

TEST_F(routing_test, the_joiner_sends_other_nodes_users_to_their_home) {
  joining({A, B, C});
  auto carols = user_moving(before, C, after, C);
  EXPECT_EQ(where(st, carols), C);
  EXPECT_EQ(where(st, carols, C), J);  // C insists it is ours
}

TEST_F(routing_test, the_membership_is_saved_where_a_restart_reads_it) {
  test::temp_dir dir;
  st.config.state_file = (dir.path() / "cluster.json").string();
  steady(J, four);
  st.handed_off_to = {B};
  st.received_from = {A, C};
  st.save();
  std::ifstream in(st.config.state_file);
  auto j = nlohmann::json::parse(in);
  EXPECT_EQ(j["members"].get<std::vector<std::string>>(), (std::vector<std::string>{A, B, C, J}));
  EXPECT_EQ(j["handed_off_to"].get<std::vector<std::string>>(), std::vector<std::string>{B});
  EXPECT_EQ(j["received_from"].get<std::vector<std::string>>(), (std::vector<std::string>{A, C}));
  EXPECT_FALSE(std::filesystem::exists(st.config.state_file + ".tmp"));
}

TEST(routing_search, answers_merge_prefix_first_then_by_name_each_user_once) {
  std::vector<presence_info> all = {
    {"zoe", "Zoe", "online", ""},     {"Alicia", "A", "away", ""}, {"bob_al", "B", "online", ""},
    {"alice", "Alice", "online", ""}, {"al", "Al", "busy", ""},    {"alice", "Alice", "online", ""},
  };
  std::vector<std::string> users;
  for (auto& p : merge_search(all, "AL", 10))
    users.push_back(p.user);
  // "Alicia" sorts before "al": byte order, after the prefix test.
  EXPECT_EQ(users, (std::vector<std::string>{"Alicia", "al", "alice", "bob_al", "zoe"}));
}

TEST(routing_search, the_merge_keeps_at_most_the_limit_best_first) {
  std::vector<presence_info> all;
  for (auto u : {"carl", "xavier", "cara", "yann", "cat"})
    all.push_back({u, u, "online", ""});
  std::vector<std::string> users;
  for (auto& p : merge_search(all, "ca", 2))
    users.push_back(p.user);
  EXPECT_EQ(users, (std::vector<std::string>{"cara", "carl"}));
  EXPECT_TRUE(merge_search(all, "ca", 0).empty());
  EXPECT_TRUE(merge_search({}, "ca", 5).empty());
}

namespace {

// The peer bookkeeping holds real handles: a small actor system.
class routing_peers_test : public routing_test {
protected:
  void SetUp() override {
    register_chatter_types(cfg_);
    sys_ = std::make_unique<caf::actor_system>(cfg_);
    link_ = std::make_unique<caf::scoped_actor>(*sys_);
    stranger_ = std::make_unique<caf::scoped_actor>(*sys_);
    steady(A, three);
    st.peers[B];  // known, not linked
    auto& c = st.peers[C];
    c.link = caf::actor_cast<node_link_actor>((*link_)->address());
    c.node = sys_->node();
    st.links[(*link_)->address()] = C;
  }

  void TearDown() override {
    st.peers.clear();
    st.links.clear();
  }

  caf::strong_actor_ptr ptr(caf::scoped_actor& a) {
    return caf::actor_cast<caf::strong_actor_ptr>(a->address());
  }

  caf::actor_system_config cfg_;
  std::unique_ptr<caf::actor_system> sys_;
  std::unique_ptr<caf::scoped_actor> link_, stranger_;
};

}  // namespace

TEST_F(routing_peers_test, only_a_linked_peer_has_a_router_to_send_to) {
  EXPECT_FALSE(st.peer_router(B));
  EXPECT_FALSE(st.peer_router(J));
  ASSERT_TRUE(st.peer_router(C));
  EXPECT_EQ(st.peer_router(C).address(), (*link_)->address());
  auto nodes = st.linked_nodes();
  ASSERT_EQ(nodes.size(), 1u);
  EXPECT_EQ(nodes[0], sys_->node());
}

TEST_F(routing_peers_test, a_peer_is_known_by_the_link_a_message_came_through_only) {
  EXPECT_EQ(st.peer_address(ptr(*link_)), C);
  EXPECT_EQ(st.peer_address(ptr(*stranger_)), "");
  EXPECT_EQ(st.peer_address(nullptr), "");
}
